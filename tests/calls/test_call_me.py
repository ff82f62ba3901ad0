"""Texting "call me": an outbound call through the outbox, retries, voicemail, civil hours."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from brewline.calls.models import Call
from brewline.delivery.models import Outbox
from brewline.delivery.outbox import civil_time
from brewline.people.models import Contact
from brewline.surveys.models import Answer
from tests.calls.phone import PhoneCall, count, rows
from tests.conftest import PHONE
from tests.texts.test_sms_webhook import replies

LONDON = ZoneInfo("Europe/London")


def placed(runtime, outbox_row, sid: str) -> None:
    """What the worker does after Twilio accepted the call: the row is sent, with its sid."""
    with runtime.store.transaction() as session:
        session.execute(update(Outbox).where(Outbox.id == outbox_row.id).values(
            status="sent", sid=sid, attempts=1))


@pytest.mark.parametrize("body", ["CALL", "call me", "Can you ring me?", "please call me"])
def test_asking_to_be_called_queues_one_call_and_says_when(twilio, runtime, body):
    [reply] = replies(twilio.text(body))
    assert "We will ring you" in reply and "between 9am and 8pm" in reply
    [row] = rows(runtime, Outbox)
    assert (row.channel, row.purpose, row.status) == ("call", "call_me", "pending")


def test_asking_twice_still_queues_one_call(twilio, runtime):
    replies(twilio.text("call me"))
    [reply] = replies(twilio.text("ring me please"))
    assert "We will ring you soon, as you asked" in reply
    assert count(runtime, Outbox) == 1


def test_the_call_is_queued_for_nine_in_the_morning_when_asked_at_night(runtime):
    settings = runtime.settings.with_(quiet_hours=(time(20, 0), time(9, 0)))
    late = datetime(2026, 11, 25, 22, 30, tzinfo=LONDON)
    early = datetime(2026, 11, 26, 6, 0, tzinfo=LONDON)
    midday = datetime(2026, 11, 26, 12, 0, tzinfo=LONDON)
    nine = datetime(2026, 11, 26, 9, 0, tzinfo=LONDON)
    assert civil_time(settings, late) == nine
    assert civil_time(settings, early) == nine
    assert civil_time(settings, midday) == midday


def test_the_outbound_call_asks_the_person_it_rang_not_our_own_number(twilio, runtime):
    replies(twilio.text("call me"))
    [row] = rows(runtime, Outbox)
    placed(runtime, row, "CA" + "a" * 32)
    twiml = PhoneCall(twilio, sid="CA" + "a" * 32, outbound=True).ring(AnsweredBy="human")
    assert twiml.said.startswith("Hello, this is Over a Brew")
    [call] = rows(runtime, Call)
    assert (call.direction, call.outbox_id, call.answered_by) == ("outbound", row.id, "human")
    [person] = rows(runtime, Contact)
    assert person.phone == PHONE


@pytest.mark.parametrize("status", ["busy", "no-answer"])
def test_busy_or_no_answer_tries_again_an_hour_later_at_most_twice(twilio, runtime, status):
    replies(twilio.text("call me"))
    for attempt in range(3):
        row = rows(runtime, Outbox, order=Outbox.id.desc())[0]
        sid = f"CA{attempt:032x}"
        placed(runtime, row, sid)
        response = PhoneCall(twilio, sid=sid, outbound=True).status(status)
        assert response.status_code == 200
    assert b"no more retries" in response.data
    calls = rows(runtime, Outbox, Outbox.channel == "call")
    assert len(calls) == 3
    first, *retries = calls
    for earlier, retry in zip(calls, retries):
        assert retry.ref == str(first.id)
        assert retry.not_before - earlier.created_at >= timedelta(minutes=59)


def test_a_repeated_busy_callback_queues_only_one_retry(twilio, runtime):
    replies(twilio.text("call me"))
    [row] = rows(runtime, Outbox)
    placed(runtime, row, "CA" + "b" * 32)
    call = PhoneCall(twilio, sid="CA" + "b" * 32, outbound=True)
    call.status("busy")
    again = call.status("busy")
    assert again.status_code == 200
    assert count(runtime, Outbox, Outbox.channel == "call") == 2


def test_a_voicemail_gets_a_short_message_and_a_text_instead_of_the_survey(twilio, runtime):
    replies(twilio.text("call me"))
    [row] = rows(runtime, Outbox)
    placed(runtime, row, "CA" + "c" * 32)
    call = PhoneCall(twilio, sid="CA" + "c" * 32, outbound=True)
    twiml = call.ring(AnsweredBy="machine_end_beep")
    assert "Sorry we missed you" in twiml.said and twiml.hangs_up
    assert twiml.gather is None and twiml.first("Record") is None
    call.ring(AnsweredBy="machine_end_beep")
    [text] = rows(runtime, Outbox, Outbox.channel == "sms")
    assert text.purpose == "call_voicemail" and "text CALL" in text.body
    assert count(runtime, Answer) == 0


def test_a_voicemail_for_a_phone_only_person_gets_no_text(twilio, runtime):
    call = PhoneCall(twilio)
    call.ring()
    call.press("8")
    machine = PhoneCall(twilio, sid="CA" + "f" * 32, outbound=True)
    assert machine.ring(AnsweredBy="machine_start").hangs_up
    assert count(runtime, Outbox, Outbox.channel == "sms", Outbox.status == "pending") == 0


def test_the_call_is_not_retried_after_the_person_opts_out(twilio, runtime):
    replies(twilio.text("call me"))
    [row] = rows(runtime, Outbox)
    placed(runtime, row, "CA" + "1" * 32)
    replies(twilio.text("STOP"))
    response = PhoneCall(twilio, sid="CA" + "1" * 32, outbound=True).status("no-answer")
    assert response.status_code == 200 and b"not ours to retry" in response.data
    assert count(runtime, Outbox, Outbox.channel == "call") == 1


def test_the_call_me_reply_and_the_row_use_utc_and_civil_hours(twilio, runtime):
    replies(twilio.text("call me"))
    [row] = rows(runtime, Outbox)
    assert row.not_before.tzinfo is not None
    assert row.not_before <= datetime.now(timezone.utc)
