"""Inviting a phone-only person by call: placed by the worker, answered like Twilio would."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from brewline.calls.models import Call
from brewline.delivery.models import Outbox
from brewline.delivery.sending import deliver
from brewline.events import invitations
from brewline.events.models import Event, Rsvp
from brewline.surveys.models import Conversation
from tests.calls.phone import PhoneCall, count, rows
from tests.conftest import PUBLIC_URL, Twilio, using_fake
from tests.events.fixtures import add_contact, add_event

LANDLINE = "+441914960000"
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def settings(settings, fake):
    return using_fake(settings, fake)


def invite_by_call(runtime, now: datetime | None = None) -> Outbox:
    """`brewline invites send` for one phone-only contact: the invite_call outbox row."""
    add_contact(runtime, LANDLINE, phone_only=True)
    # A week after the invite goes, whatever day it is sent on.
    starts = now + timedelta(days=7) if now else None
    event_id = add_event(runtime, starts=starts, title="The ethical use of AI",
                         where="Whitley Bay Library")
    with runtime.store.transaction() as session:
        plan = invitations.plan(runtime, session, session.get(Event, event_id), None)
        invitations.send(runtime, session, plan, now or datetime.now(LONDON))
    [row] = rows(runtime, Outbox, Outbox.purpose == "invite_call")
    return row


@pytest.fixture
def twilio(client, fake):
    """Signs webhooks with the account's token, as the fake account is the one in use."""
    return Twilio(client, token=fake.auth_token)


@pytest.fixture
def answered(runtime, twilio, fake):
    """The worker places the invite call; the person picks up (Twilio fetches the Url)."""
    row = invite_by_call(runtime)
    assert deliver(runtime, row.id) == "sent"
    [placed] = fake.calls
    phone = PhoneCall(twilio, caller=LANDLINE, sid=placed["sid"], outbound=True)
    phone.path = placed["Url"][len(PUBLIC_URL):]
    return phone


def rsvps(runtime) -> list[tuple[str, str]]:
    return [(r.answer, r.channel) for r in rows(runtime, Rsvp)]


def test_the_worker_rings_with_the_invite_answer_url_and_waits_for_a_voicemail_beep(runtime,
                                                                                   fake):
    row = invite_by_call(runtime)
    assert deliver(runtime, row.id) == "sent"
    [placed] = fake.calls
    assert placed["To"] == LANDLINE
    assert placed["Url"] == f"{PUBLIC_URL}/twilio/voice/invite?outbox={row.id}"
    assert placed["StatusCallback"] == f"{PUBLIC_URL}/twilio/call-status"
    assert placed["MachineDetection"] == "DetectMessageEnd"  # a voicemail hears it after the beep


def test_the_call_says_who_what_when_where_slowly_and_the_keys(answered):
    twiml = answered.post(answered.path)
    said = twiml.said
    assert said.startswith("Hello, this is Over a Brew")
    assert "The ethical use of AI" in said and "Whitley Bay Library" in said and " at 2pm" in said
    assert "Press 1 to come, 2 if you cannot, or 3 if you might." in said
    assert "say yes or no" in said and "press star" in said
    assert twiml.verbs == ["Gather", "Redirect"]
    gather = twiml.gather
    assert gather.get("input") == "dtmf speech" and int(gather.get("timeout")) >= 10
    assert all(say in list(gather) for say in twiml.says)
    assert {say.find("prosody").get("rate") for say in twiml.says} == {"90%"}


@pytest.mark.parametrize("act, answer", [
    (lambda call: call.press("1"), "yes"), (lambda call: call.press("2"), "no"),
    (lambda call: call.press("3"), "maybe"), (lambda call: call.say("Yes please."), "yes"),
    (lambda call: call.say("No, sorry."), "no"),
])
def test_a_key_or_a_word_is_an_rsvp_confirmed_in_words_with_a_goodbye(answered, runtime,
                                                                      act, answer):
    answered.post(answered.path)
    bye = act(answered)
    assert rsvps(runtime) == [(answer, "voice")]
    assert "Thank you" in bye.said and bye.said.endswith("Goodbye.")
    assert bye.hangs_up and bye.gather is None


def test_yes_is_confirmed_with_the_event_and_no_promise_of_texts(answered, runtime):
    answered.post(answered.path)
    bye = answered.press("1")
    assert "we will see you there. The session is The ethical use of AI" in bye.said
    assert "text" not in bye.said.lower()


def test_yes_is_told_of_the_reminder_call_where_they_can_say_they_cannot_come(answered, runtime):
    answered.post(answered.path)
    bye = answered.press("1")
    assert ("We will ring you with a reminder nearer the time. If you can no longer come, "
            "you can tell us then.") in bye.said
    # Ringing us reaches the survey, which cannot change an RSVP: never promised.
    assert "ring this number" not in bye.said.lower()
    assert count(runtime, Outbox, Outbox.purpose == "reminder_call") == 2


def test_yes_with_no_reminder_call_arranged_promises_none(runtime, twilio, fake):
    runtime.settings = runtime.settings.with_(reminders=())
    row = invite_by_call(runtime)
    assert deliver(runtime, row.id) == "sent"
    phone = PhoneCall(twilio, caller=LANDLINE, sid=fake.calls[0]["sid"], outbound=True)
    phone.post(f"/twilio/voice/invite?outbox={row.id}")
    bye = phone.press("1")
    assert "We look forward to seeing you." in bye.said and "remind" not in bye.said
    assert count(runtime, Outbox, Outbox.purpose == "reminder_call") == 0


@pytest.mark.parametrize("act, told", [
    (lambda call: call.press("3"), "When you know, ring this number and tell us."),
    (lambda call: (call.wait(), call.wait())[-1],
     "If you decide, you can ring this number and tell us."),
    (lambda call: call.post(call.path, AnsweredBy="machine_end_beep"),
     "To tell us if you can come, ring this number."),
])
def test_a_maybe_no_answer_or_voicemail_is_told_ringing_us_lets_them_answer(answered, act,
                                                                            told):
    # A call to us asks about an invite still maybe or unanswered (test_rsvp_call.py).
    answered.post(answered.path)
    bye = act(answered)
    assert bye.hangs_up and told in bye.said


def test_a_no_is_never_asked_to_ring_because_ringing_us_would_not_ask_again(answered):
    answered.post(answered.path)
    bye = answered.press("2")
    assert bye.hangs_up and "ring this number" not in bye.said.lower()


def test_maybe_is_welcomed_without_asking_them_to_ring(answered, runtime):
    answered.post(answered.path)
    bye = answered.press("3")
    assert "a maybe for The ethical use of AI" in bye.said
    assert "If you can come, you will be very welcome." in bye.said


def test_star_repeats_the_invite_and_records_nothing(answered, runtime):
    answered.post(answered.path)
    again = answered.press("*")
    assert "would love you to come to The ethical use of AI" in again.said
    assert again.gather is not None and rsvps(runtime) == []


def test_a_key_that_means_nothing_is_explained_and_asked_again(answered, runtime):
    answered.post(answered.path)
    again = answered.press("7")
    assert again.said.startswith("Sorry, I did not catch that. Press 1")
    assert again.gather is not None and rsvps(runtime) == []


def test_twilio_posting_the_same_answer_twice_keeps_one_rsvp(answered, runtime):
    answered.post(answered.path)
    gather = answered.last.gather.get("action")
    answered.post(gather, Digits="1")
    answered.post(gather, Digits="1")
    assert rsvps(runtime) == [("yes", "voice")]


def test_silence_is_asked_again_gently_then_a_kind_goodbye(answered, runtime):
    answered.post(answered.path)
    first = answered.wait()
    assert "take your time" in first.said and "Press 1" in first.said and first.gather is not None
    last = answered.wait()
    assert "not put you down either way" in last.said and last.hangs_up
    assert rsvps(runtime) == []


def test_a_voicemail_gets_a_short_spoken_message_only(answered, runtime):
    twiml = answered.post(answered.path, AnsweredBy="machine_end_beep")
    assert "We rang to invite you to The ethical use of AI" in twiml.said
    assert twiml.hangs_up and twiml.gather is None
    assert rsvps(runtime) == []
    assert count(runtime, Outbox, Outbox.channel == "sms") == 0


def test_a_cancelled_event_is_said_to_be_no_longer_open(answered, runtime):
    with runtime.store.transaction() as session:
        session.execute(update(Event).values(status="cancelled"))
    twiml = answered.post(answered.path)
    assert "no longer open" in twiml.said and twiml.hangs_up


def test_hanging_up_on_an_invite_call_leaves_a_survey_under_way_alone(answered, runtime,
                                                                      twilio):
    twilio.text("Hello", sender=LANDLINE)
    [conversation] = rows(runtime, Conversation)
    assert conversation.status == "active"
    answered.status("in-progress")
    answered.post(answered.path)
    answered.press("1")
    answered.status("completed")
    [conversation] = rows(runtime, Conversation)
    assert conversation.status == "active"
    [invite_call] = rows(runtime, Call)
    assert invite_call.status == "completed" and invite_call.outbox_id is not None


def test_an_invite_call_not_answered_is_tried_again_as_an_invite(answered, runtime, fake):
    answered.status("no-answer")
    [first, retry] = rows(runtime, Outbox, Outbox.channel == "call")
    assert (retry.purpose, retry.ref, retry.body) == ("invite_call", first.ref, first.body)
    with runtime.store.transaction() as session:
        session.execute(update(Outbox).where(Outbox.id == retry.id).values(not_before=first.not_before))
    assert deliver(runtime, retry.id) == "sent"
    assert fake.calls[-1]["Url"].endswith(f"/twilio/voice/invite?outbox={retry.id}")


def test_invite_calls_written_at_night_wait_until_nine(runtime, fake):
    runtime.settings = runtime.settings.with_(quiet_hours=(time(20, 0), time(9, 0)))
    night = datetime(2026, 11, 25, 21, 0, tzinfo=LONDON)
    row = invite_by_call(runtime, now=night)
    due = row.not_before if row.not_before.tzinfo else row.not_before.replace(tzinfo=timezone.utc)
    assert due == datetime(2026, 11, 26, 9, 0, tzinfo=LONDON)
    assert deliver(runtime, row.id, now=night) == "early" and fake.calls == []


@pytest.mark.parametrize("path", ["/twilio/voice/invite?outbox=999", "/twilio/voice/invite",
                                  "/twilio/voice/invite/answer?outbox=x1"])
def test_an_answer_url_that_names_no_invite_of_theirs_gets_kind_words(answered, runtime, path):
    twiml = answered.post(path, Digits="1")
    assert "no longer open" in twiml.said and twiml.hangs_up
    assert rsvps(runtime) == []


def test_a_failure_on_our_side_during_an_invite_call_still_gets_words_and_a_goodbye(
        answered, runtime, monkeypatch):
    from brewline.events import invite_call

    def broken(turn):
        raise RuntimeError("something of ours fell over")

    monkeypatch.setattr(invite_call, "replied", broken)
    answered.post(answered.path)
    twiml = answered.press("1")
    assert "something went wrong on our side" in twiml.said and twiml.hangs_up
    assert rsvps(runtime) == []
