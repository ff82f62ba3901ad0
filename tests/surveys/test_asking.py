"""`brewline flows send SET (--tag | --event) [--dry-run]`: asking people to answer a set."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from brewline.delivery import outbox
from brewline.delivery.models import Outbox
from brewline.delivery.sending import deliver
from brewline.events.models import Attendance
from brewline.people.models import Consent, Contact
from brewline.surveys.models import Conversation
from tests.conftest import PHONE
from tests.events.fixtures import (  # noqa: F401  (cli needs registered)
    add_contact,
    add_event,
    cli,
    count,
    get,
    registered,
    rows,
    tag,
)
from tests.surveys.sets import close, write
from tests.texts.test_sms_webhook import replies

NOW = datetime.now(timezone.utc)


@pytest.fixture
def settings(settings):
    """Local mode, and quiet hours from an hour ago to two hours from now, whatever the time:
    so every row written now must wait for the end of quiet hours."""
    return settings.with_(twilio_account_sid=None, tz_default="UTC", quiet_hours=(
        (NOW - timedelta(hours=1)).time(), (NOW + timedelta(hours=2)).time()))


@pytest.fixture
def ai(runtime) -> str:
    return write(runtime, "How was it?", "What did you like?", "What should we change?",
                 keyword="HOW")


def came(runtime, event_id: int, *contact_ids: int) -> None:
    with runtime.store.transaction() as db:
        for contact_id in contact_ids:
            db.add(Attendance(event_id=event_id, contact_id=contact_id, created_at=NOW))


def attendees(runtime) -> tuple[int, dict[str, int]]:
    """An event, the people who came (of every kind), and one who agreed but did not come."""
    event_id = add_event(runtime, days=-1)
    who = {
        "agreed": add_contact(runtime, PHONE),
        "said_no": add_contact(runtime, "+447700900102", invites=False),
        "never_asked": add_contact(runtime, "+447700900103", invites=None),
        "opted_out": add_contact(runtime, "+447700900104", opted_out_at=NOW),
        "phone_only": add_contact(runtime, "+441914960000", phone_only=True),
        "changed_mind": add_contact(runtime, "+447700900106"),
    }
    with runtime.store.transaction() as db:
        db.add(Consent(contact_id=who["changed_mind"], topic="invites", granted=False,
                       channel="sms", source="participant"))
    came(runtime, event_id, *who.values())
    who["did_not_come"] = add_contact(runtime, "+447700900107")
    return event_id, who


def test_send_to_an_events_attendees_reaches_only_those_who_agreed_at_civil_hours(
        cli, runtime, ai):
    event_id, who = attendees(runtime)
    result = cli("flows", "send", ai, "--event", str(event_id))
    assert result.output == "2 asked: 1 by text, 1 by phone call\n"
    [text] = rows(runtime, Outbox.purpose == "question_set")
    [call] = rows(runtime, Outbox.purpose == "question_set_call")
    assert (text.contact_id, text.channel) == (who["agreed"], "sms")
    assert (call.contact_id, call.channel) == (who["phone_only"], "call")
    assert text.body.startswith("Hello, this is Over a Brew") and "2 short questions" in text.body
    civil = outbox.civil_time(runtime.settings, text.created_at)
    assert text.not_before == civil and civil - text.created_at > timedelta(hours=1)
    assert call.not_before == outbox.civil_time(runtime.settings, call.created_at)


def test_a_dry_run_shows_the_exact_text_and_how_many_and_writes_nothing(cli, runtime, ai):
    event_id, _ = attendees(runtime)
    result = cli("flows", "send", ai, "--event", str(event_id), "--dry-run")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == (f'Ask people who came to event {event_id} to answer "How was it?": '
                        "1 by text, 1 by phone call (they cannot get texts)")
    assert lines[3].startswith("Hello, this is Over a Brew. We would love your views: 2 short")
    assert "What the call says first:" in lines and "readability: ok" in lines
    assert count(runtime, Outbox) == 0 and count(runtime, Conversation) == 0


def test_nobody_is_asked_twice_for_one_set(cli, runtime, ai):
    event_id, _ = attendees(runtime)
    cli("flows", "send", ai, "--event", str(event_id))
    again = cli("flows", "send", ai, "--event", str(event_id))
    assert again.output == "0 asked: 0 by text, 0 by phone call\n"
    assert count(runtime, Outbox) == 2


def test_their_yes_to_the_welcome_starts_the_questions_of_that_set(cli, runtime, ai, twilio):
    tag(runtime, add_contact(runtime, PHONE), "north")
    assert cli("flows", "send", ai, "--tag", "north").exit_code == 0
    assert replies(twilio.text("yes")) == ["Question 1 of 2: What did you like?"]


def test_an_ask_still_waiting_is_dropped_once_the_set_closes_or_they_have_begun(cli, runtime,
                                                                              ai, twilio):
    for n, phone in enumerate((PHONE, "+447700900124")):
        tag(runtime, add_contact(runtime, phone), "north")
    cli("flows", "send", ai, "--tag", "north")
    first, second = rows(runtime, Outbox.purpose == "question_set")
    replies(twilio.text("yes"))  # the first person answers before the welcome went out
    assert deliver(runtime, first.id, now=first.not_before) == "cancelled"
    assert get(runtime, Outbox, first.id).error == "they have started it already"
    write(runtime, "Another", "Anything?", keyword="ANOTHER", default=True)
    close(runtime, ai)
    deliver(runtime, second.id, now=second.not_before)
    assert get(runtime, Outbox, second.id).error == "the question set has closed"


def test_a_set_that_is_not_open_cannot_be_sent(cli, runtime):
    draft = write(runtime, "Not yet", "Anything?")
    tag(runtime, add_contact(runtime, PHONE), "north")
    result = cli("flows", "send", draft, "--tag", "north")
    assert result.exit_code == 2
    assert "'Not yet' is draft: only an open question set can be sent" in result.output


def test_send_needs_one_audience_and_says_so(cli, runtime, ai):
    assert "--tag TAG or --event EVENT" in cli("flows", "send", ai).output
    assert "there is no event 99" in cli("flows", "send", ai, "--event", "99").output


def test_asked_people_keep_their_place_in_the_set_they_were_answering(cli, runtime, ai, twilio):
    contact_id = add_contact(runtime, PHONE)
    tag(runtime, contact_id, "north")
    for body in ("hi", "yes", "The tea"):
        replies(twilio.text(body))
    cli("flows", "send", ai, "--tag", "north")
    with runtime.store.transaction() as db:
        found = {c.flow_id: (c.status, c.step) for c in db.scalars(
            select(Conversation).where(Conversation.contact_id == contact_id))}
        assert db.get(Contact, contact_id).current_flow == ai
    assert found == {"over-a-brew-2024-05": ("active", "promises"), ai: ("active", "welcome")}
