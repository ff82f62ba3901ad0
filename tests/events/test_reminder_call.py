"""Reminder calls for phone-only people who said yes: placed by the worker, answered as Twilio would."""
from __future__ import annotations

import logging
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from rq.registry import ScheduledJobRegistry
from sqlalchemy import update

from brewline.delivery.models import Outbox
from brewline.delivery.sending import deliver
from brewline.events import invitations
from brewline.events.models import Event, Rsvp
from brewline.people.models import Contact
from flows.invites import ordinal
from tests.calls.phone import PhoneCall, count, rows
from tests.conftest import PUBLIC_URL
from tests.events.fixtures import add_contact, add_event
from tests.events.test_invite_call import settings, twilio  # noqa: F401  (shared fixtures)

LANDLINE = "+441914960000"
LONDON = ZoneInfo("Europe/London")


def tomorrow_evening() -> datetime:
    """Half past six tomorrow evening, London time."""
    return datetime.combine(datetime.now(LONDON).date() + timedelta(days=1), time(18, 30),
                            tzinfo=LONDON)


def ring(runtime, twilio, fake, row: Outbox) -> PhoneCall:
    """The worker places the call for `row`; returns the phone that picks it up."""
    assert deliver(runtime, row.id, now=max(row.not_before, datetime.now(timezone.utc))) == "sent"
    placed = fake.calls[-1]
    phone = PhoneCall(twilio, caller=LANDLINE, sid=placed["sid"], outbound=True)
    phone.path = placed["Url"][len(PUBLIC_URL):]
    return phone


def said_yes_on_the_invite_call(runtime, twilio, fake, starts: datetime | None = None) -> int:
    """A phone-only person is invited by call and presses 1; returns the event id."""
    add_contact(runtime, LANDLINE, phone_only=True, cannot_text=True)
    event_id = add_event(runtime, starts=starts or tomorrow_evening())
    with runtime.store.transaction() as session:
        plan = invitations.plan(runtime, session, session.get(Event, event_id), None)
        invitations.send(runtime, session, plan, datetime.now(timezone.utc))
    [invite] = rows(runtime, Outbox, Outbox.purpose == "invite_call")
    phone = ring(runtime, twilio, fake, invite)
    phone.post(phone.path)
    assert "we will see you there" in phone.press("1").said
    return event_id


def reminder_calls(runtime, *where) -> list[Outbox]:
    return rows(runtime, Outbox, Outbox.purpose == "reminder_call", *where)


@pytest.fixture
def reminded(runtime, twilio, fake) -> PhoneCall:
    """The first reminder call is placed and ready to be picked up."""
    said_yes_on_the_invite_call(runtime, twilio, fake)
    return ring(runtime, twilio, fake, reminder_calls(runtime)[0])


def answers(runtime) -> list[tuple[str, str]]:
    return [(r.answer, r.channel) for r in rows(runtime, Rsvp)]


def spoken_tomorrow(starts: datetime) -> str:
    return (f"tomorrow, {starts:%A} the {ordinal(starts.day)} of {starts:%B}, "
            "at half past six in the evening")


def test_saying_yes_on_an_invite_call_arranges_reminder_calls_not_texts(runtime, twilio, fake):
    event_id = said_yes_on_the_invite_call(runtime, twilio, fake,
                                           starts=tomorrow_evening() + timedelta(days=6))
    calls = reminder_calls(runtime)
    assert [(r.channel, r.status, r.ref) for r in calls] == [
        ("call", "pending", f"event:{event_id}")] * 2
    assert {r.dedupe_key.rsplit(":", 1)[1] for r in calls} == {"1d", "morning"}
    assert count(runtime, Outbox, Outbox.purpose == "reminder") == 0


def test_the_worker_rings_with_the_reminder_url_and_waits_for_a_voicemail_beep(runtime, twilio,
                                                                              fake):
    said_yes_on_the_invite_call(runtime, twilio, fake)
    row = reminder_calls(runtime)[0]
    ring(runtime, twilio, fake, row)
    placed = fake.calls[-1]
    assert placed["To"] == LANDLINE
    assert placed["Url"] == f"{PUBLIC_URL}/twilio/voice/reminder?outbox={row.id}"
    assert placed["StatusCallback"] == f"{PUBLIC_URL}/twilio/call-status"
    assert placed["MachineDetection"] == "DetectMessageEnd"
    assert fake.calls[0]["MachineDetection"] == "DetectMessageEnd"  # the invite call too


def test_no_phone_number_reaches_a_queued_job_or_a_log_line(runtime, twilio, fake, caplog):
    caplog.set_level(logging.DEBUG)
    said_yes_on_the_invite_call(runtime, twilio, fake)
    scheduled = ScheduledJobRegistry(queue=runtime.queue).get_job_ids()
    jobs = runtime.queue.get_jobs() + [runtime.queue.fetch_job(i) for i in scheduled]
    args = [arg for job in jobs for arg in job.args]
    assert all(isinstance(arg, int) for arg in args)
    assert {r.id for r in reminder_calls(runtime)} <= set(args)
    reminded = ring(runtime, twilio, fake, reminder_calls(runtime)[0])
    reminded.post(reminded.path)
    reminded.press("2")
    assert caplog.records and LANDLINE not in caplog.text and LANDLINE[3:] not in caplog.text


def test_the_call_says_what_when_and_where_slowly_and_how_to_hear_it_again(reminded, runtime):
    twiml = reminded.post(reminded.path)
    starts = tomorrow_evening()
    assert twiml.said.startswith("Hello, this is Over a Brew, with a reminder.")
    assert "You said you would come to The ethical use of AI." in twiml.said
    assert f"It is {spoken_tomorrow(starts)}. The place is Whitley Bay Library." in twiml.said
    assert "To hear this again, press star. If you can no longer come, press 2." in twiml.said
    assert twiml.verbs == ["Gather", "Redirect"]
    gather = twiml.gather
    assert gather.get("action").startswith("/twilio/voice/reminder/answer?outbox=")
    assert gather.get("input") == "dtmf speech" and int(gather.get("timeout")) >= 10
    assert all(say in list(gather) for say in twiml.says)
    assert {say.find("prosody").get("rate") for say in twiml.says} == {"90%"}


def test_star_says_it_all_again_and_changes_nothing(reminded, runtime):
    reminded.post(reminded.path)
    again = reminded.press("*")
    assert "with a reminder" in again.said and "Whitley Bay Library" in again.said
    assert again.gather is not None and answers(runtime) == [("yes", "voice")]


@pytest.mark.parametrize("act", [lambda call: call.press("2"),
                                 lambda call: call.say("I can't make it.")])
def test_pressing_2_or_saying_so_means_no_with_a_kind_goodbye(reminded, runtime, act):
    reminded.post(reminded.path)
    bye = act(reminded)
    assert answers(runtime) == [("yes", "voice"), ("no", "voice")]
    assert "Thank you for letting us know" in bye.said and "The ethical use of AI" in bye.said
    assert bye.said.endswith("Goodbye.") and bye.hangs_up and bye.gather is None


def test_after_no_the_reminders_still_to_come_are_dropped(runtime, twilio, fake):
    said_yes_on_the_invite_call(runtime, twilio, fake, starts=tomorrow_evening() + timedelta(days=6))
    first, later = reminder_calls(runtime)
    phone = ring(runtime, twilio, fake, first)
    phone.post(phone.path)
    phone.press("2")
    assert [r.status for r in reminder_calls(runtime)] == ["sent", "cancelled"]
    assert deliver(runtime, later.id, now=later.not_before) == "skipped"
    assert len(fake.calls) == 2  # the invite and the first reminder


def test_twilio_posting_2_twice_keeps_one_no(reminded, runtime):
    reminded.post(reminded.path)
    action = reminded.last.gather.get("action")
    reminded.post(action, Digits="2")
    reminded.post(action, Digits="2")
    assert answers(runtime) == [("yes", "voice"), ("no", "voice")]


@pytest.mark.parametrize("act", [lambda call: call.press("1"),
                                 lambda call: call.say("Yes, I'll be there.")])
def test_still_coming_changes_nothing_and_says_goodbye(reminded, runtime, act):
    reminded.post(reminded.path)
    bye = act(reminded)
    assert "look forward to seeing you" in bye.said and bye.hangs_up
    assert answers(runtime) == [("yes", "voice")]


def test_nine_slows_the_voice_and_keeps_the_keys_on_offer(reminded, runtime):
    reminded.post(reminded.path)
    slower = reminded.press("9")
    assert "more slowly" in slower.said and "press 2" in slower.said
    assert {say.find("prosody").get("rate") for say in slower.says} == {"75%"}


def test_a_key_that_means_nothing_is_explained_and_asked_again(reminded, runtime):
    reminded.post(reminded.path)
    again = reminded.press("7")
    assert again.said.startswith("Sorry, I did not catch that. To hear this again, press star.")
    assert again.gather is not None and answers(runtime) == [("yes", "voice")]


def test_silence_gets_the_keys_once_more_then_a_kind_goodbye(reminded, runtime):
    reminded.post(reminded.path)
    first = reminded.wait()
    assert "If you can no longer come, press 2" in first.said and first.gather is not None
    last = reminded.wait()
    assert "We hope to see you there. Goodbye." in last.said and last.hangs_up
    assert answers(runtime) == [("yes", "voice")]


def test_a_voicemail_gets_the_reminder_as_a_message_with_the_date_in_full(reminded, runtime):
    twiml = reminded.post(reminded.path, AnsweredBy="machine_end_beep")
    starts = tomorrow_evening()
    assert "with a reminder" in twiml.said and "Whitley Bay Library" in twiml.said
    assert f"It is on {starts:%A} the {ordinal(starts.day)} of {starts:%B}, at half past six" \
        in twiml.said
    assert "tomorrow" not in twiml.said
    assert twiml.hangs_up and twiml.gather is None
    assert count(runtime, Outbox, Outbox.channel == "sms") == 0


def test_stop_on_a_reminder_call_opts_out_of_everything(reminded, runtime):
    reminded.post(reminded.path)
    bye = reminded.say("Stop contacting me")
    assert "We will not contact you again" in bye.said and bye.hangs_up
    assert {r.status for r in reminder_calls(runtime, Outbox.status != "sent")} <= {"cancelled"}
    [person] = rows(runtime, Contact)
    assert person.opted_out_at is not None


def test_a_reminder_for_a_cancelled_event_is_said_to_be_no_longer_needed(reminded, runtime):
    with runtime.store.transaction() as session:
        session.execute(update(Event).values(status="cancelled"))
    twiml = reminded.post(reminded.path)
    assert "no longer needed" in twiml.said and twiml.hangs_up


@pytest.mark.parametrize("path", ["/twilio/voice/reminder?outbox=999", "/twilio/voice/reminder",
                                  "/twilio/voice/reminder/answer?outbox=x1"])
def test_an_answer_url_that_names_no_reminder_of_theirs_gets_kind_words(reminded, runtime, path):
    twiml = reminded.post(path, Digits="2")
    assert "no longer needed" in twiml.said and twiml.hangs_up
    assert answers(runtime) == [("yes", "voice")]


def test_the_invite_call_url_does_not_answer_for_a_reminder_row(reminded, runtime):
    invite_path = reminded.path.replace("/reminder?", "/invite?")
    assert "no longer open" in reminded.post(invite_path).said


def test_hanging_up_on_a_reminder_call_leaves_the_rsvp_and_the_call_kept(reminded, runtime):
    reminded.status("in-progress")
    reminded.post(reminded.path)
    response = reminded.status("completed")
    assert response.status_code == 200 and answers(runtime) == [("yes", "voice")]


def test_a_reminder_call_not_answered_is_tried_again_as_a_reminder_call(reminded, runtime, fake):
    reminded.status("no-answer")
    [retry] = reminder_calls(runtime, Outbox.dedupe_key == f"call-retry:{reminded.sid}")
    [first] = reminder_calls(runtime, Outbox.sid == reminded.sid)
    assert (retry.channel, retry.ref, retry.status) == ("call", first.ref, "pending")
    assert retry.not_before - first.sent_at >= timedelta(minutes=59)
    again = ring(runtime, reminded.twilio, fake, retry)
    assert again.path == f"/twilio/voice/reminder?outbox={retry.id}"
    assert "with a reminder" in again.post(again.path).said


def test_each_reminder_call_has_its_own_two_tries_after_the_invite_had_its_own(
        runtime, twilio, fake):
    said_yes_on_the_invite_call(runtime, twilio, fake, starts=tomorrow_evening() + timedelta(days=6))
    invite_phone = PhoneCall(twilio, caller=LANDLINE, sid=fake.calls[0]["sid"], outbound=True)
    assert b"will try again" in invite_phone.status("busy").data  # the invite had tries too
    day_before, morning = reminder_calls(runtime)
    row = day_before
    for expected in (b"will try again", b"will try again", b"no more retries"):
        phone = ring(runtime, twilio, fake, row)
        assert expected in phone.status("no-answer").data
        row = (reminder_calls(runtime, Outbox.dedupe_key == f"call-retry:{phone.sid}") or [None])[0]
    assert row is None
    assert b"will try again" in ring(runtime, twilio, fake, morning).status("no-answer").data


def test_a_reminder_call_is_not_tried_again_after_hours(reminded, runtime):
    # Quiet from half an hour from now until half an hour ago: now is allowed, in an hour is not.
    here = datetime.now(LONDON)
    runtime.settings = runtime.settings.with_(quiet_hours=(
        (here + timedelta(minutes=30)).time().replace(second=0, microsecond=0),
        (here - timedelta(minutes=30)).time().replace(second=0, microsecond=0)))
    assert b"not tried again after hours" in reminded.status("no-answer").data
    assert reminder_calls(runtime, Outbox.dedupe_key.like("call-retry:%")) == []


def test_saying_on_a_call_you_cannot_get_texts_turns_reminder_texts_into_calls(runtime, twilio,
                                                                               fake):
    from tests.conftest import PHONE

    add_contact(runtime, PHONE)
    event_id = add_event(runtime, starts=tomorrow_evening() + timedelta(days=6))
    with runtime.store.transaction() as session:
        invitations.send(runtime, session, invitations.plan(
            runtime, session, session.get(Event, event_id), None), datetime.now(timezone.utc))
    assert "we will see you there" in twilio.text("yes").data.decode()
    assert [r.status for r in rows(runtime, Outbox, Outbox.purpose == "reminder")] == ["pending"] * 2
    call = PhoneCall(twilio)
    call.ring()
    call.press("8")
    assert {(r.status, r.error) for r in rows(runtime, Outbox, Outbox.purpose == "reminder")} == {
        ("cancelled", "phone only")}
    assert [(r.status, r.channel) for r in reminder_calls(runtime)] == [("pending", "call")] * 2
