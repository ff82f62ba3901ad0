"""Cancellation calls for phone-only people who said yes or maybe: placed by the worker,
answered as Twilio would (signed webhooks, TwiML parsed as XML)."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest
from rq.registry import ScheduledJobRegistry
from sqlalchemy import update

from brewline.delivery.models import Outbox
from brewline.delivery.sending import deliver
from brewline.events import events
from brewline.events.models import Event, Rsvp
from brewline.people.models import Contact
from brewline.platform.database import lock
from flows.invites import ordinal, render
from tests.calls.phone import PhoneCall, count, rows
from tests.conftest import PHONE, PUBLIC_URL
from tests.events.fixtures import Cli, add_contact
from tests.events.test_invite_call import settings, twilio  # noqa: F401  (shared fixtures)
from tests.events.test_reminder_call import (
    LANDLINE,
    LONDON,
    ring,
    said_yes_on_the_invite_call,
    spoken_tomorrow,
    tomorrow_evening,
)


def cancel(runtime, event_id: int) -> int:
    """What `brewline events cancel EVENT` does."""
    with runtime.store.transaction() as session:
        return events.cancel(runtime, session, lock(session, Event, event_id),
                             datetime.now(timezone.utc))


def cancellation_calls(runtime, *where) -> list[Outbox]:
    return rows(runtime, Outbox, Outbox.purpose == "event_cancelled_call", *where)


@pytest.fixture
def called_off(runtime, twilio, fake) -> PhoneCall:
    """A phone-only person said yes on the invite call; the event is cancelled and the
    cancellation call is placed, ready to be picked up."""
    event_id = said_yes_on_the_invite_call(runtime, twilio, fake)
    assert cancel(runtime, event_id) == 1
    return ring(runtime, twilio, fake, cancellation_calls(runtime)[0])


def answers(runtime) -> list[tuple[str, str]]:
    return [(r.answer, r.channel) for r in rows(runtime, Rsvp)]


def test_cancelling_rings_phone_only_people_who_said_yes_or_maybe_and_texts_the_rest(
        runtime, twilio, fake):
    event_id = said_yes_on_the_invite_call(runtime, twilio, fake)
    maybe = add_contact(runtime, "+441914960001", phone_only=True, cannot_text=True)
    declined = add_contact(runtime, "+441914960002", phone_only=True, cannot_text=True)
    texted = add_contact(runtime, PHONE)
    with runtime.store.transaction() as session:
        session.add_all([Rsvp(event_id=event_id, contact_id=maybe, answer="maybe"),
                         Rsvp(event_id=event_id, contact_id=declined, answer="no"),
                         Rsvp(event_id=event_id, contact_id=texted, answer="yes")])
    assert cancel(runtime, event_id) == 3
    [yes] = rows(runtime, Contact, Contact.phone == LANDLINE)
    calls = cancellation_calls(runtime)
    assert [(r.contact_id, r.channel, r.status, r.ref) for r in calls] == [
        (yes.id, "call", "pending", f"event:{event_id}"),
        (maybe, "call", "pending", f"event:{event_id}")]
    assert [r.dedupe_key for r in calls] == [f"event-cancelled-call:{event_id}:{yes.id}",
                                             f"event-cancelled-call:{event_id}:{maybe}"]
    [text] = rows(runtime, Outbox, Outbox.purpose == "event_cancelled")
    assert (text.contact_id, text.channel, text.dedupe_key) == (
        texted, "sms", f"event-cancelled:{event_id}:{texted}")
    assert text.body.startswith("Sorry, Over a Brew has had to cancel The ethical use of AI. It was going to be on ")


def test_the_worker_rings_with_the_cancellation_url_and_waits_for_a_voicemail_beep(called_off,
                                                                                  runtime, fake):
    [row] = cancellation_calls(runtime)
    placed = fake.calls[-1]
    assert placed["To"] == LANDLINE
    assert placed["Url"] == f"{PUBLIC_URL}/twilio/voice/cancelled?outbox={row.id}"
    assert placed["StatusCallback"] == f"{PUBLIC_URL}/twilio/call-status"
    assert placed["MachineDetection"] == "DetectMessageEnd"


def test_the_call_says_sorry_which_session_when_and_that_nothing_is_needed(called_off, runtime):
    twiml = called_off.post(called_off.path)
    assert twiml.said.startswith("Hello, this is Over a Brew. We are very sorry. We have "
                                 "had to cancel The ethical use of AI.")
    assert f"It was going to be {spoken_tomorrow(tomorrow_evening())}." in twiml.said
    assert "You do not need to do anything." in twiml.said
    assert "To hear this again, press star." in twiml.said
    assert twiml.verbs == ["Gather", "Redirect"]
    gather = twiml.gather
    assert gather.get("action").startswith("/twilio/voice/cancelled/answer?outbox=")
    assert gather.get("input") == "dtmf speech" and int(gather.get("timeout")) >= 10
    assert all(say in list(gather) for say in twiml.says)
    assert {say.find("prosody").get("rate") for say in twiml.says} == {"90%"}


@pytest.mark.parametrize("act", [lambda call: call.press("*"),
                                 lambda call: call.say("Say that again?")])
def test_star_or_asking_says_it_all_again_and_changes_nothing(called_off, runtime, act):
    called_off.post(called_off.path)
    again = act(called_off)
    assert "had to cancel The ethical use of AI" in again.said and again.gather is not None
    assert answers(runtime) == [("yes", "voice")]


def test_nine_slows_the_voice_and_keeps_star_on_offer(called_off, runtime):
    called_off.post(called_off.path)
    slower = called_off.press("9")
    assert "more slowly" in slower.said and "press star" in slower.said
    assert {say.find("prosody").get("rate") for say in slower.says} == {"75%"}
    again = called_off.press("*")
    assert {say.find("prosody").get("rate") for say in again.says} == {"75%"}
    [person] = rows(runtime, Contact)
    assert person.voice_rate == "75%"


@pytest.mark.parametrize("act", [lambda call: call.press("2"), lambda call: call.say("Oh dear")])
def test_anything_else_is_met_with_the_keys_again_and_changes_nothing(called_off, runtime, act):
    called_off.post(called_off.path)
    again = act(called_off)
    assert again.said.startswith("Sorry, I did not catch that. To hear this again, press star.")
    assert again.gather is not None and answers(runtime) == [("yes", "voice")]


def test_silence_gets_the_keys_once_more_then_a_kind_goodbye(called_off, runtime):
    called_off.post(called_off.path)
    first = called_off.wait()
    assert "There is nothing you need to do" in first.said and first.gather is not None
    last = called_off.wait()
    assert "Sorry again" in last.said and last.said.endswith("Goodbye.") and last.hangs_up


def test_a_voicemail_gets_a_short_message_with_the_date_in_full(called_off, runtime):
    twiml = called_off.post(called_off.path, AnsweredBy="machine_end_beep")
    starts = tomorrow_evening()
    assert "had to cancel The ethical use of AI" in twiml.said
    assert (f"It was going to be on {starts:%A} the {ordinal(starts.day)} of {starts:%B}, "
            "at half past six in the evening.") in twiml.said
    assert "You do not need to do anything." in twiml.said and "tomorrow" not in twiml.said
    assert twiml.hangs_up and twiml.gather is None
    assert count(runtime, Outbox, Outbox.channel == "sms") == 0


def test_stop_calling_me_on_a_cancellation_call_opts_out(called_off, runtime):
    called_off.post(called_off.path)
    bye = called_off.say("Stop calling me")
    assert "We will not contact you again" in bye.said and bye.hangs_up
    [person] = rows(runtime, Contact)
    assert person.opted_out_at is not None


def test_reminder_calls_still_to_come_are_dropped_and_never_ring(runtime, twilio, fake):
    event_id = said_yes_on_the_invite_call(runtime, twilio, fake,
                                           starts=tomorrow_evening() + timedelta(days=6))
    reminders = rows(runtime, Outbox, Outbox.purpose == "reminder_call")
    assert [r.status for r in reminders] == ["pending", "pending"]
    cancel(runtime, event_id)
    dropped = rows(runtime, Outbox, Outbox.purpose == "reminder_call")
    assert {(r.status, r.error) for r in dropped} == {("cancelled", "event cancelled")}
    placed = len(fake.calls)
    assert [deliver(runtime, r.id, now=r.not_before) for r in reminders] == ["skipped"] * 2
    assert len(fake.calls) == placed


def test_a_reminder_call_not_answered_before_the_cancellation_is_not_tried_again(runtime, twilio,
                                                                               fake):
    event_id = said_yes_on_the_invite_call(runtime, twilio, fake)
    reminder = ring(runtime, twilio, fake, rows(runtime, Outbox,
                                                Outbox.purpose == "reminder_call")[0])
    cancel(runtime, event_id)
    reminder.status("no-answer")  # Twilio's callback comes after the cancellation
    [retry] = rows(runtime, Outbox, Outbox.dedupe_key == f"call-retry:{reminder.sid}")
    placed = len(fake.calls)
    assert deliver(runtime, retry.id, now=retry.not_before) == "cancelled"
    assert len(fake.calls) == placed


def test_a_reminder_call_answered_after_the_cancellation_gives_no_reminder(runtime, twilio,
                                                                         fake):
    event_id = said_yes_on_the_invite_call(runtime, twilio, fake)
    reminder = ring(runtime, twilio, fake, rows(runtime, Outbox,
                                                Outbox.purpose == "reminder_call")[0])
    cancel(runtime, event_id)
    twiml = reminder.post(reminder.path)
    assert "no longer needed" in twiml.said and "We hope to see you" not in twiml.said


def test_texted_people_get_the_cancellation_text_as_before_and_no_call(runtime, twilio, fake):
    said_yes = said_yes_on_the_invite_call(runtime, twilio, fake)
    texted = add_contact(runtime, PHONE)
    with runtime.store.transaction() as session:
        session.add(Rsvp(event_id=said_yes, contact_id=texted, answer="yes"))
    cancel(runtime, said_yes)
    [text] = rows(runtime, Outbox, Outbox.purpose == "event_cancelled")
    with runtime.store.transaction() as session:
        event = session.get(Event, said_yes)
        expected = render("event_cancelled", events.words(event, LONDON))
    assert text.body == expected
    assert deliver(runtime, text.id) == "sent"
    assert [m["Body"] for m in fake.messages] == [expected] and fake.messages[0]["To"] == PHONE
    assert {c["To"] for c in fake.calls} == {LANDLINE}


def test_the_command_counts_those_rung_among_those_told(app, runtime, twilio, fake):
    event_id = said_yes_on_the_invite_call(runtime, twilio, fake)
    result = Cli(app)("events", "cancel", str(event_id))
    assert result.exit_code == 0, result.output
    assert "1 people who said yes or maybe will be told" in result.output
    assert len(cancellation_calls(runtime)) == 1


def test_no_phone_number_reaches_a_queued_job_or_a_log_line(runtime, twilio, fake, caplog):
    caplog.set_level(logging.DEBUG)
    event_id = said_yes_on_the_invite_call(runtime, twilio, fake)
    cancel(runtime, event_id)
    scheduled = ScheduledJobRegistry(queue=runtime.queue).get_job_ids()
    jobs = runtime.queue.get_jobs() + [runtime.queue.fetch_job(i) for i in scheduled]
    args = [arg for job in jobs for arg in job.args]
    assert all(isinstance(arg, int) for arg in args)
    assert {r.id for r in cancellation_calls(runtime)} <= set(args)
    phone = ring(runtime, twilio, fake, cancellation_calls(runtime)[0])
    phone.post(phone.path)
    phone.press("*")
    assert caplog.records and LANDLINE not in caplog.text and LANDLINE[3:] not in caplog.text


@pytest.mark.parametrize("path", ["/twilio/voice/cancelled?outbox=999", "/twilio/voice/cancelled",
                                  "/twilio/voice/cancelled/answer?outbox=x1"])
def test_an_answer_url_that_names_no_cancellation_of_theirs_gets_kind_words(called_off, path):
    twiml = called_off.post(path, Digits="*")
    assert "no longer needed" in twiml.said and twiml.hangs_up


def test_the_reminder_url_does_not_answer_for_a_cancellation_row(called_off):
    reminder_path = called_off.path.replace("/cancelled?", "/reminder?")
    twiml = called_off.post(reminder_path)
    assert "reminder that is no longer needed" in twiml.said and twiml.hangs_up


def test_a_cancellation_call_for_an_event_back_on_says_nothing_about_it(called_off, runtime):
    with runtime.store.transaction() as session:
        session.execute(update(Event).values(status="planned"))
    twiml = called_off.post(called_off.path)
    assert "no longer needed" in twiml.said and "cancel" not in twiml.said


def test_hanging_up_on_a_cancellation_call_leaves_everything_kept(called_off, runtime):
    called_off.status("in-progress")
    called_off.post(called_off.path)
    assert called_off.status("completed").status_code == 200
    assert answers(runtime) == [("yes", "voice")]
    [row] = cancellation_calls(runtime)
    assert row.status == "sent"


def test_a_cancellation_call_not_answered_is_tried_again_as_a_cancellation_call(called_off,
                                                                             runtime, fake):
    called_off.status("no-answer")
    [retry] = cancellation_calls(runtime, Outbox.dedupe_key == f"call-retry:{called_off.sid}")
    [first] = cancellation_calls(runtime, Outbox.sid == called_off.sid)
    assert (retry.channel, retry.ref, retry.status) == ("call", first.ref, "pending")
    assert retry.not_before - first.sent_at >= timedelta(minutes=59)
    again = ring(runtime, called_off.twilio, fake, retry)
    assert again.path == f"/twilio/voice/cancelled?outbox={retry.id}"
    assert "had to cancel" in again.post(again.path).said


def test_saying_on_a_call_you_cannot_get_texts_turns_a_waiting_cancellation_text_into_a_call(
        runtime, twilio, fake):
    event_id = said_yes_on_the_invite_call(runtime, twilio, fake)
    texted = add_contact(runtime, PHONE)
    with runtime.store.transaction() as session:
        session.add(Rsvp(event_id=event_id, contact_id=texted, answer="yes"))
    # Cancelled in the evening: the text waits for the morning, and so would a call.
    here = datetime.now(LONDON)
    runtime.settings = runtime.settings.with_(quiet_hours=(
        (here - timedelta(minutes=30)).time().replace(second=0, microsecond=0),
        (here + timedelta(hours=1)).time().replace(second=0, microsecond=0)))
    cancel(runtime, event_id)
    [text] = rows(runtime, Outbox, Outbox.purpose == "event_cancelled")
    assert text.status == "pending"
    call = PhoneCall(twilio)
    call.ring()
    call.press("8")
    [text] = rows(runtime, Outbox, Outbox.purpose == "event_cancelled")
    assert (text.status, text.error) == ("cancelled", "phone only")
    [call_row] = cancellation_calls(runtime, Outbox.contact_id == texted)
    assert (call_row.channel, call_row.status) == ("call", "pending")
    assert call_row.not_before == text.not_before  # the end of the quiet hours
