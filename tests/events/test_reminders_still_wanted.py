"""Reminders and invites are re-checked just before sending; quiet surveys get one nudge."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from brewline.delivery import claiming
from brewline.delivery.models import Outbox
from brewline.delivery.sending import deliver
from brewline.events import rsvps
from brewline.events.models import Event, Rsvp
from brewline.people.models import Consent, Contact
from brewline.surveys import reminders
from brewline.surveys.models import Conversation
from brewline.texts import inbound
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
from tests.surveys.sets import close
from tests.texts.test_sms_webhook import replies
from workers import context

LATER = datetime.now(timezone.utc) + timedelta(days=8)  # after every reminder is due


@pytest.fixture
def coming(cli, twilio, runtime):
    """PHONE was invited by `invites send` and said yes; returns (contact id, event id)."""
    contact_id, event_id = add_contact(runtime, PHONE), add_event(runtime, days=7)
    assert cli("invites", "send", str(event_id)).exit_code == 0
    replies(twilio.text("yes"))
    return contact_id, event_id


def reminder(runtime) -> Outbox:
    return rows(runtime, Outbox.purpose == "reminder")[0]


def deliver_at_due(runtime, row: Outbox) -> str:
    return deliver(runtime, row.id, now=row.not_before)


def test_a_reminder_to_someone_still_coming_is_sent(runtime, coming):
    row = reminder(runtime)
    assert deliver_at_due(runtime, row) == "sent"
    assert get(runtime, Outbox, row.id).status == "sent"


def test_a_reminder_is_not_sent_once_the_event_is_cancelled(runtime, coming):
    with runtime.store.transaction() as session:
        session.execute(update(Event).values(status="cancelled"))
    row = reminder(runtime)
    assert deliver_at_due(runtime, row) == "cancelled"
    assert (get(runtime, Outbox, row.id).status, get(runtime, Outbox, row.id).error) == (
        "cancelled", "event cancelled or started")


def test_a_reminder_is_not_sent_after_the_rsvp_changed_to_no(runtime, coming):
    row = reminder(runtime)
    with runtime.store.transaction() as session:  # as if the no came by phone call
        session.add(Rsvp(event_id=coming[1], contact_id=coming[0], answer="no", channel="voice"))
    assert deliver_at_due(runtime, row) == "cancelled"
    assert get(runtime, Outbox, row.id).error == "no longer coming"


def test_nothing_more_reaches_someone_who_said_stop(twilio, runtime, coming):
    replies(twilio.text("STOP"))
    assert {r.status for r in rows(runtime, Outbox.purpose == "reminder")} == {"cancelled"}
    assert all(deliver_at_due(runtime, r) == "skipped" for r in rows(runtime))


def test_an_invite_is_not_sent_to_someone_who_withdrew_consent_before_it_went(cli, runtime):
    contact_id, event_id = add_contact(runtime, PHONE), add_event(runtime)
    cli("invites", "send", str(event_id))
    with runtime.store.transaction() as session:
        session.add(Consent(contact_id=contact_id, topic="invites", granted=False, channel="sms"))
    [row] = rows(runtime)
    assert deliver(runtime, row.id) == "cancelled"
    assert get(runtime, Outbox, row.id).error == "no longer agrees to hear from us"


def test_an_invite_still_wanted_is_sent(cli, runtime):
    add_contact(runtime, PHONE)
    cli("invites", "send", str(add_event(runtime)))
    [row] = rows(runtime)
    assert deliver(runtime, row.id) == "sent"


# One gentle reminder for a survey that has gone quiet.

def survey_started(twilio, runtime, *texts: str) -> int:
    """PHONE begins the survey and answers; returns the conversation id."""
    for text in ("hi", "yes") + texts:
        replies(twilio.text(text))
    with runtime.store.transaction() as session:
        return session.scalars(select(Conversation.id)).one()


def test_a_quiet_unfinished_survey_gets_one_gentle_reminder_only(twilio, runtime, registered):
    conversation_id = survey_started(twilio, runtime, "The tea")
    assert reminders.nudge_quiet_surveys(runtime, now=datetime.now(timezone.utc)) == 0
    assert reminders.nudge_quiet_surveys(runtime, now=LATER) == 1
    assert reminders.nudge_quiet_surveys(runtime, now=LATER + timedelta(days=9)) == 0
    [row] = rows(runtime, Outbox.purpose == "survey_reminder")
    assert row.dedupe_key == f"survey-reminder:{conversation_id}"
    assert "answered 1 of 5" in row.body and "only reminder" in row.body
    assert deliver(runtime, row.id) == "sent"


@pytest.mark.parametrize("then", ["PAUSE", "STOP", "stop texting me"])
def test_no_survey_reminder_after_pause_or_stop(twilio, runtime, registered, then):
    survey_started(twilio, runtime, "The tea")
    replies(twilio.text(then))
    assert reminders.nudge_quiet_surveys(runtime, now=LATER) == 0


def test_no_survey_reminder_for_someone_who_never_began_or_finished(twilio, runtime, registered):
    replies(twilio.text("hi"))  # got the welcome, never said yes
    assert reminders.nudge_quiet_surveys(runtime, now=LATER) == 0
    for text in ("yes", "a", "b", "c", "d", "e", "no"):
        replies(twilio.text(text))
    with runtime.store.transaction() as session:
        assert session.scalars(select(Conversation.status)).one() == "finished"
    assert reminders.nudge_quiet_surveys(runtime, now=LATER) == 0


def test_a_survey_reminder_is_dropped_if_they_carry_on_or_finish_first(twilio, runtime, registered):
    survey_started(twilio, runtime, "The tea")
    with runtime.store.transaction() as session:  # went quiet three days ago
        session.execute(update(Conversation).values(
            updated_at=datetime.now(timezone.utc) - timedelta(days=3)))
    assert reminders.nudge_quiet_surveys(runtime) == 1
    replies(twilio.text("More tea"))
    [row] = rows(runtime, Outbox.purpose == "survey_reminder")
    assert deliver(runtime, row.id) == "cancelled"
    assert get(runtime, Outbox, row.id).error == "they carried on by themselves"


def test_a_survey_reminder_is_dropped_once_its_question_set_has_closed(twilio, runtime,
                                                                      registered):
    survey_started(twilio, runtime, "The tea")
    assert reminders.nudge_quiet_surveys(runtime, now=LATER) == 1
    close(runtime, "over-a-brew-2024-05")
    [row] = rows(runtime, Outbox.purpose == "survey_reminder")
    assert deliver(runtime, row.id, now=LATER) == "cancelled"
    assert get(runtime, Outbox, row.id).error == "the question set is not open"


def test_survey_reminders_can_be_turned_off(twilio, runtime, registered):
    survey_started(twilio, runtime, "The tea")
    runtime.settings = runtime.settings.with_(survey_reminder_hours=0)
    assert reminders.nudge_quiet_surveys(runtime, now=LATER) == 0
    assert count(runtime, Outbox) == 0
    assert count(runtime, Contact) == 1


def test_brewline_reminders_run_writes_the_nudges_once(cli, twilio, runtime):
    survey_started(twilio, runtime, "The tea")
    with runtime.store.transaction() as session:
        session.execute(update(Conversation).values(
            updated_at=datetime.now(timezone.utc) - timedelta(days=3)))
    assert "1 survey reminder(s) written" in cli("reminders", "run").output
    assert "0 survey reminder(s) written" in cli("reminders", "run").output


def test_a_worker_process_registers_the_checks_and_the_rsvp_hook(runtime, monkeypatch):
    monkeypatch.setattr(claiming, "STILL_WANTED", {})
    monkeypatch.setattr(inbound, "BEFORE_CONVERSATION", [])
    context.use(runtime)
    try:
        assert {"invite", "invite_call", "reminder", "broadcast", "survey_reminder"} <= set(
            claiming.STILL_WANTED)
        assert inbound.BEFORE_CONVERSATION.count(rsvps.before_conversation) == 1
        context.use(runtime)  # registering twice adds nothing twice
        assert inbound.BEFORE_CONVERSATION.count(rsvps.before_conversation) == 1
    finally:
        context.use(None)
