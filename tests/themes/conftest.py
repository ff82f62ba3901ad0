"""Helpers for the themes tests: people who said things, at fixed times, with or without
saying yes to being quoted."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from brewline.people.models import Consent, Contact
from brewline.surveys.models import Answer, Conversation
from tests.organiser.conftest import organiser, password_hash  # noqa: F401 (fixtures)

FLOW = "over-a-brew-2024-05"
IN_2026 = datetime(2026, 3, 10, 11, 0, tzinfo=timezone.utc)


class Said:
    """Writes people and their answers straight into the real database."""

    def __init__(self, runtime):
        self.runtime, self.count = runtime, 0

    def person(self, db, quotes: bool | None = None, invites: bool = True) -> Contact:
        self.count += 1
        person = Contact(phone=f"+447700900{300 + self.count:03d}", created_at=IN_2026)
        db.add(person)
        db.flush()
        db.add(Consent(contact_id=person.id, topic="invites", granted=invites, channel="sms",
                       created_at=IN_2026))
        if quotes is not None:
            db.add(Consent(contact_id=person.id, topic="quotes", granted=quotes, channel="sms",
                           created_at=IN_2026))
        return person

    def answer(self, db, person: Contact, text: str, channel: str = "sms",
               when: datetime = IN_2026) -> Answer:
        talk = Conversation(contact_id=person.id, flow_id=FLOW, flow_version=1,
                            status="finished", started_at=when, updated_at=when)
        db.add(talk)
        db.flush()
        answer = Answer(conversation_id=talk.id, contact_id=person.id, flow_id=FLOW,
                        flow_version=1, question_id="use_here", question_text="How?",
                        channel=channel, created_at=when,
                        text=text if channel == "sms" else None,
                        transcript=text if channel == "voice" else None)
        db.add(answer)
        db.flush()
        return answer

    def many(self, texts: list[str], quotes: bool | None = None) -> list[int]:
        """One new person for each text; their answer ids."""
        with self.runtime.store.transaction() as db:
            return [self.answer(db, self.person(db, quotes), t).id for t in texts]


@pytest.fixture
def said(runtime) -> Said:
    return Said(runtime)
