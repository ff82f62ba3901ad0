"""RSVPs by text: plain replies to the latest open invite, confirmed in words, with reminders."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from brewline.delivery.models import Message, Outbox
from brewline.events.models import Event, Invite, Rsvp
from brewline.surveys.models import Answer, Conversation
from tests.conftest import PHONE
from tests.events.fixtures import (  # noqa: F401  (local mode)
    add_contact,
    add_event,
    cli,
    count,
    get,
    registered,
    rows,
    settings,
)
from tests.texts.test_sms_webhook import replies

LONDON = ZoneInfo("Europe/London")


def invite(runtime, contact_id: int, event_id: int, minutes_ago: float = 60) -> None:
    with runtime.store.transaction() as session:
        session.add(Invite(event_id=event_id, contact_id=contact_id, created_at=datetime.now(
            timezone.utc) - timedelta(minutes=minutes_ago)))


@pytest.fixture
def invited(runtime, registered):
    """A person (PHONE) invited to an event a week away; returns (contact id, event id)."""
    contact_id, event_id = add_contact(runtime, PHONE), add_event(runtime, days=7)
    invite(runtime, contact_id, event_id)
    return contact_id, event_id


def answers(runtime) -> list[tuple[int, str, str]]:
    with runtime.store.transaction() as session:
        found = session.scalars(select(Rsvp).order_by(Rsvp.id))
        return [(r.event_id, r.answer, r.said) for r in found]


@pytest.mark.parametrize("said, meant", [
    ("Yes please!", "yes"), ("👍", "yes"), ("can't make it", "no"), ("might come", "maybe"),
    ("MAYBE", "maybe"), ("no", "no")])
def test_a_plain_reply_to_an_invite_is_an_rsvp_confirmed_in_words(twilio, runtime, invited,
                                                                   said, meant):
    [confirm] = replies(twilio.text(said))
    assert answers(runtime) == [(invited[1], meant, said)]
    assert {"yes": "The session is The ethical use of AI", "no": "Sorry you cannot come",
            "maybe": "a maybe for The ethical use of AI"}[meant] in confirm
    assert count(runtime, Answer) == 0 and count(runtime, Conversation) == 0


def test_yes_arranges_reminders_the_day_before_and_on_the_morning(twilio, runtime, invited):
    replies(twilio.text("yes"))
    reminders = rows(runtime, Outbox.purpose == "reminder")
    assert [r.dedupe_key.rsplit(":", 1)[1] for r in reminders] == ["1d", "morning"]
    day_before, morning = (r.not_before.astimezone(LONDON) for r in reminders)
    starts = get(runtime, Event, invited[1]).starts_at.astimezone(LONDON)
    assert day_before == starts - timedelta(days=1)
    assert morning == starts.replace(hour=9, minute=0)
    assert "is tomorrow at" in reminders[0].body and "is today at" in reminders[1].body
    assert all(r.ref == f"event:{invited[1]}" and r.contact_id == invited[0] for r in reminders)


def test_changing_to_no_drops_the_reminders_and_yes_again_brings_them_back(
        twilio, runtime, invited):
    replies(twilio.text("yes"))
    replies(twilio.text("sorry, I can't make it"))
    assert {r.status for r in rows(runtime, Outbox.purpose == "reminder")} == {"cancelled"}
    replies(twilio.text("yes"))
    assert {r.status for r in rows(runtime, Outbox.purpose == "reminder")} == {"pending"}
    assert count(runtime, Outbox, Outbox.purpose == "reminder") == 2
    assert [a for _e, a, _s in answers(runtime)] == ["yes", "no", "yes"]


def test_the_rsvp_goes_to_the_latest_open_invite(twilio, runtime, invited):
    contact_id, first = invited
    cancelled = add_event(runtime, days=3, title="Cancelled one", status="cancelled")
    invite(runtime, contact_id, cancelled, minutes_ago=1)
    later = add_event(runtime, days=14, title="Second session")
    invite(runtime, contact_id, later, minutes_ago=30)
    [confirm] = replies(twilio.text("yes"))
    assert answers(runtime) == [(later, "yes", "yes")] and "Second session" in confirm


def test_a_reply_from_someone_with_no_open_invite_is_kept_and_answered_kindly(
        twilio, runtime, registered):
    contact_id = add_contact(runtime, PHONE)
    invite(runtime, contact_id, add_event(runtime, status="cancelled"))
    [reply] = replies(twilio.text("yes please"))
    assert reply.startswith("Question 1 of 5") or reply.startswith("Hello, this is Over a Brew")
    assert answers(runtime) == []
    assert count(runtime, Message, Message.direction == "in", Message.body == "yes please") == 1


def test_words_that_are_not_an_rsvp_go_on_to_the_survey(twilio, runtime, invited):
    [welcome] = replies(twilio.text("What is this about?"))
    assert welcome.startswith("Hello, this is Over a Brew")
    assert answers(runtime) == []


def start_survey(twilio, runtime) -> None:
    """PHONE says hi and gets the survey's opening YES/NO question."""
    replies(twilio.text("hi"))
    with runtime.store.transaction() as session:
        assert session.scalars(select(Conversation)).one().step == "welcome"


def test_a_yes_no_question_asked_after_the_invite_gets_the_yes(twilio, runtime, invited):
    start_survey(twilio, runtime)
    [question] = replies(twilio.text("yes"))
    assert question.startswith("Question 1 of 5")
    assert answers(runtime) == []


def test_an_invite_newer_than_the_survey_question_gets_the_yes(twilio, runtime, registered):
    contact_id, event_id = add_contact(runtime, PHONE), add_event(runtime)
    start_survey(twilio, runtime)
    invite(runtime, contact_id, event_id, minutes_ago=-1)  # sent after the survey asked
    [confirm] = replies(twilio.text("yes"))
    assert "we will see you there" in confirm
    assert answers(runtime) == [(event_id, "yes", "yes")]


def test_in_the_middle_of_open_questions_a_yes_is_an_rsvp(twilio, runtime, invited):
    start_survey(twilio, runtime)
    replies(twilio.text("yes"))
    [confirm] = replies(twilio.text("👍"))
    assert "we will see you there" in confirm
    assert count(runtime, Answer) == 1  # only the welcome's yes, not the thumbs up


def test_an_invite_held_back_by_quiet_hours_counts_from_when_it_was_sent(
        twilio, runtime, registered):
    contact_id, event_id = add_contact(runtime, PHONE), add_event(runtime)
    with runtime.store.transaction() as session:  # written last night, sent this morning
        written = datetime.now(timezone.utc) - timedelta(hours=12)
        row = Outbox(contact_id=contact_id, body="invite", purpose="invite", status="sent",
                     created_at=written, sent_at=datetime.now(timezone.utc) + timedelta(minutes=1))
        session.add(row)
        session.flush()
        session.add(Invite(event_id=event_id, contact_id=contact_id, outbox_id=row.id,
                           created_at=written))
    start_survey(twilio, runtime)  # the survey asked its YES/NO before the invite arrived
    [confirm] = replies(twilio.text("yes"))
    assert "we will see you there" in confirm
