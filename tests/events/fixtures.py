"""Fixtures and helpers for the events tests (invites, RSVPs, reminders, their calls)."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from brewline import cli as brewline_cli
from brewline.delivery.models import Outbox
from brewline.events.models import Event
from brewline.people.models import Consent, Contact, Tag

NOW = datetime.now(timezone.utc)
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def settings(settings):
    """Local mode (no account sid), so a delivered row is kept instead of sent to Twilio."""
    return settings.with_(twilio_account_sid=None)


@pytest.fixture
def registered(app):
    """The app, wired (RSVP hook, still-wanted checks) as the worker wires itself too."""
    return app


class Cli:
    """Runs organiser commands against the real app and database, like a terminal would."""

    def __init__(self, app):
        self.runner = app.test_cli_runner()

    def __call__(self, *args: str):
        command = {c.name: c for c in brewline_cli.COMMANDS}[args[0]]
        result = self.runner.invoke(command, list(args[1:]))
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result


@pytest.fixture
def cli(registered) -> Cli:
    return Cli(registered)


def add_contact(runtime, phone: str, invites: bool | None = True, **fields) -> int:
    """A contact, with their own answer about invites (as if from the survey)."""
    with runtime.store.transaction() as session:
        contact = Contact(phone=phone, source="import", **fields)
        session.add(contact)
        session.flush()
        if invites is not None:
            session.add(Consent(contact_id=contact.id, topic="invites", granted=invites,
                                channel="sms", source="flow:over-a-brew-2024-05"))
        return contact.id


def tag(runtime, contact_id: int, name: str) -> None:
    with runtime.store.transaction() as session:
        session.add(Tag(contact_id=contact_id, name=name))


def add_event(runtime, days: int = 7, starts: datetime | None = None, **fields) -> int:
    """An event `days` after today at 2pm London time (whatever the season or the hour the
    tests run at), or at `starts`."""
    starts = starts or datetime.combine(datetime.now(LONDON).date() + timedelta(days=days),
                                        time(14, 0), LONDON)
    with runtime.store.transaction() as session:
        event = Event(title=fields.pop("title", "The ethical use of AI"), starts_at=starts,
                      where=fields.pop("where", "Whitley Bay Library"), **fields)
        session.add(event)
        session.flush()
        return event.id


def rows(runtime, *where) -> list[Outbox]:
    with runtime.store.transaction() as session:
        return session.scalars(select(Outbox).where(*where).order_by(Outbox.id)).all()


def count(runtime, model, *where) -> int:
    with runtime.store.transaction() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def get(runtime, model, row_id: int):
    with runtime.store.transaction() as session:
        return session.get(model, row_id)
