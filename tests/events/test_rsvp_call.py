"""Ringing us with an invite still "maybe" (or unanswered): one question first, then the survey."""
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
from brewline.people.models import Consent, Contact
from brewline.privacy.models import ErasureRequest
from brewline.surveys.models import Conversation
from flows.invites import ordinal
from tests.calls.phone import PhoneCall, count, rows
from tests.conftest import PUBLIC_URL
from tests.events.fixtures import add_contact, add_event
from tests.events.test_invite_call import settings, twilio  # noqa: F401  (shared fixtures)

LANDLINE = "+441914960000"
MOBILE = "+447700900555"
LONDON = ZoneInfo("Europe/London")
QUESTION = "Press 1 if you can come, 2 if you cannot come, or 3 to decide later."
WELCOME = "5 short questions"


def tomorrow_evening() -> datetime:
    """Half past six tomorrow evening, London time."""
    return datetime.combine(datetime.now(LONDON).date() + timedelta(days=1), time(18, 30),
                            tzinfo=LONDON)


def next_week_evening() -> datetime:
    """Half past six in the evening a week from today, London time: the reminders' count
    must not depend on the hour the tests run (a midnight start merges them)."""
    return datetime.combine(datetime.now(LONDON).date() + timedelta(days=7), time(18, 30),
                            tzinfo=LONDON)


def invite(runtime, phone: str = LANDLINE, starts: datetime | None = None, **contact) -> int:
    """`brewline invites send` to one contact (phone-only unless told); returns the event id."""
    add_contact(runtime, phone, **({"phone_only": True} | contact))
    with runtime.store.transaction() as session:
        event = Event(title="The ethical use of AI", where="Whitley Bay Library",
                      starts_at=starts or tomorrow_evening())
        session.add(event)
        session.flush()
        invitations.send(runtime, session, invitations.plan(runtime, session, event, None),
                         datetime.now(timezone.utc))
        return event.id


def answer_the_invite_call(runtime, twilio, fake, key: str) -> None:
    """The worker rings with the invite; the person presses `key`."""
    [row] = rows(runtime, Outbox, Outbox.purpose == "invite_call")
    assert deliver(runtime, row.id) == "sent"
    placed = fake.calls[-1]
    phone = PhoneCall(twilio, caller=LANDLINE, sid=placed["sid"], outbound=True)
    phone.post(placed["Url"][len(PUBLIC_URL):])
    phone.press(key)


@pytest.fixture
def maybe(runtime, twilio, fake) -> int:
    """A phone-only person invited by call who pressed 3 (maybe); returns the event id."""
    event_id = invite(runtime)
    answer_the_invite_call(runtime, twilio, fake, "3")
    assert answers(runtime) == [("maybe", "voice")]
    return event_id


@pytest.fixture
def caller(twilio) -> PhoneCall:
    """The same person ringing us."""
    return PhoneCall(twilio, caller=LANDLINE)


def answers(runtime) -> list[tuple[str, str]]:
    return [(r.answer, r.channel) for r in rows(runtime, Rsvp)]


def on_to_the_questions(phone: PhoneCall):
    """The RSVP step ends by going on to the questions: follow it, as Twilio does."""
    assert phone.last.redirect == "/twilio/voice/questions"
    assert not phone.last.hangs_up and phone.last.gather is None
    return phone.post(phone.last.redirect)


def test_a_maybe_ringing_in_hears_which_session_when_and_where_then_one_question(maybe, caller):
    starts = tomorrow_evening()
    twiml = caller.ring()
    said = twiml.said
    assert said.startswith("Hello, this is Over a Brew. First, one quick question.")
    assert "You said you might come to The ethical use of AI." in said
    assert (f"It is tomorrow, {starts:%A} the {ordinal(starts.day)} of {starts:%B}, at half "
            "past six in the evening. The place is Whitley Bay Library.") in said
    assert f"Can you come? {QUESTION} To hear this again, press star." in said
    assert WELCOME not in said  # the questions come after, not on top of it
    assert twiml.verbs == ["Gather", "Redirect"]
    gather = twiml.gather
    assert gather.get("action") == f"/twilio/voice/rsvp/answer?event={maybe}"
    assert gather.get("input") == "dtmf speech" and int(gather.get("timeout")) >= 10
    assert gather.get("numDigits") == "1" and "later" in gather.get("hints")
    assert all(say in list(gather) for say in twiml.says)
    assert {say.find("prosody").get("rate") for say in twiml.says} == {"90%"}


def test_someone_who_missed_the_invite_call_is_asked_too(runtime, caller):
    invite(runtime)
    said = caller.ring().said
    assert "We asked you to come to The ethical use of AI." in said and QUESTION in said


@pytest.mark.parametrize("act, answer, words", [
    (lambda call: call.press("1"), "yes", "see you there. The session is The ethical use of AI"),
    (lambda call: call.press("2"), "no", "Sorry you cannot come to The ethical use of AI"),
    (lambda call: call.press("3"), "maybe", "We have you down as a maybe"),
    (lambda call: call.say("Yes please."), "yes", "we will see you there"),
    (lambda call: call.say("No, sorry."), "no", "Sorry you cannot come"),
    (lambda call: call.say("Decide later."), "maybe", "We have you down as a maybe"),
])
def test_a_key_or_a_word_is_kept_and_confirmed_as_on_the_invite_call_then_the_questions(
        maybe, caller, runtime, act, answer, words):
    caller.ring()
    confirmed = act(caller)
    assert words in confirmed.said and answers(runtime) == [("maybe", "voice"), (answer, "voice")]
    assert "Goodbye" not in confirmed.said
    assert WELCOME in on_to_the_questions(caller).said


def test_yes_from_someone_who_cannot_get_texts_arranges_reminder_calls_and_says_so(
        runtime, caller):
    invite(runtime, starts=next_week_evening())
    caller.ring()
    confirmed = caller.press("1")
    assert ("We will ring you with a reminder nearer the time. If you can no longer come, "
            "you can tell us then.") in confirmed.said
    assert count(runtime, Outbox, Outbox.purpose == "reminder_call", Outbox.status == "pending") == 2
    assert count(runtime, Outbox, Outbox.purpose == "reminder") == 0


def test_a_texter_who_said_maybe_can_say_yes_on_a_call_and_is_reminded_by_text(runtime,
                                                                              twilio):
    invite(runtime, phone=MOBILE, starts=next_week_evening(),
           phone_only=False)
    twilio.text("Maybe", sender=MOBILE)
    phone = PhoneCall(twilio, caller=MOBILE)
    assert "You said you might come" in phone.ring().said
    assert "We look forward to seeing you." in phone.press("1").said
    assert answers(runtime) == [("maybe", "sms"), ("yes", "voice")]
    assert count(runtime, Outbox, Outbox.purpose == "reminder", Outbox.status == "pending") == 2


@pytest.mark.parametrize("key", ["1", "2"])
def test_someone_who_already_said_yes_or_no_goes_straight_to_the_questions(runtime, twilio,
                                                                           fake, caller, key):
    invite(runtime)
    answer_the_invite_call(runtime, twilio, fake, key)
    said = caller.ring().said
    assert WELCOME in said and "The ethical use of AI" not in said
    assert len(answers(runtime)) == 1


def test_silence_keeps_nothing_says_they_can_tell_us_later_and_goes_on(maybe, caller, runtime):
    caller.ring()
    later = caller.wait()
    assert later.said == "No problem. You can tell us later."
    assert WELCOME in on_to_the_questions(caller).said
    assert answers(runtime) == [("maybe", "voice")]


def test_seven_leaves_it_for_later_as_it_skips_a_question_elsewhere(maybe, caller, runtime):
    caller.ring()
    assert caller.press("7").said == "No problem. You can tell us later."
    assert WELCOME in on_to_the_questions(caller).said
    assert answers(runtime) == [("maybe", "voice")]


def test_star_says_it_all_again_and_zero_says_the_keys(maybe, caller, runtime):
    caller.ring()
    again = caller.press("*")
    assert "You said you might come to The ethical use of AI" in again.said and QUESTION in again.said
    keys = caller.press("0")
    assert keys.said.startswith("Can you come? Press 1") and keys.gather is not None
    assert answers(runtime) == [("maybe", "voice")]


def test_nine_speaks_slower_from_then_on_and_is_remembered(maybe, caller, runtime):
    caller.ring()
    slower = caller.press("9")
    assert slower.said.startswith("Of course. I will speak more slowly") and QUESTION in slower.said
    assert {say.find("prosody").get("rate") for say in slower.says} == {"75%"}
    caller.press("1")
    welcome = on_to_the_questions(caller)
    assert {say.find("prosody").get("rate") for say in welcome.says} == {"75%"}
    [contact] = rows(runtime, Contact)
    assert contact.voice_rate == "75%"


def test_eight_means_no_texts_so_a_yes_is_reminded_by_call(runtime, twilio):
    invite(runtime, phone=MOBILE, starts=next_week_evening(),
           phone_only=False)
    phone = PhoneCall(twilio, caller=MOBILE)
    phone.ring()
    assert "We will not send you any text messages" in phone.press("8").said
    phone.press("1")
    assert count(runtime, Outbox, Outbox.purpose == "reminder_call") == 2
    assert count(runtime, Outbox, Outbox.purpose == "reminder") == 0


def test_what_we_do_not_understand_is_asked_once_more_then_left_for_later(maybe, caller,
                                                                          runtime):
    caller.ring()
    again = caller.press("5")
    assert again.said.startswith("Sorry, I did not catch that. Can you come?")
    assert again.gather is not None
    later = caller.say("The bus is late again")
    assert later.said == "Sorry, I did not catch that. No problem. You can tell us later."
    assert WELCOME in on_to_the_questions(caller).said
    assert answers(runtime) == [("maybe", "voice")]


def test_a_maybe_is_asked_again_next_time_then_welcomed_back_to_the_questions(runtime,
                                                                            twilio, caller):
    invite(runtime)
    caller.ring()
    caller.press("3")
    on_to_the_questions(caller)
    caller.press("1")
    caller.record()
    caller.press("1")  # question 1 kept
    caller.status("completed")
    again = PhoneCall(twilio, caller=LANDLINE)
    assert "You said you might come to The ethical use of AI" in again.ring().said
    again.press("1")
    assert "Welcome back. You have answered 1 of 5" in on_to_the_questions(again).said
    assert answers(runtime) == [("maybe", "voice"), ("yes", "voice")]


def test_twilio_posting_the_same_answer_twice_keeps_one_rsvp(maybe, caller, runtime):
    caller.ring()
    action = caller.last.gather.get("action")
    first, second = caller.post(action, Digits="1"), caller.post(action, Digits="1")
    assert first.said == second.said
    assert answers(runtime) == [("maybe", "voice"), ("yes", "voice")]


def test_an_event_called_off_while_they_listen_goes_straight_on_to_the_questions(
        maybe, caller, runtime):
    caller.ring()
    with runtime.store.transaction() as session:
        session.execute(update(Event).values(status="cancelled"))
    assert caller.press("1").said == ""
    assert WELCOME in on_to_the_questions(caller).said
    assert answers(runtime) == [("maybe", "voice")]


def test_saying_stop_calling_me_opts_out_and_says_goodbye(maybe, caller, runtime):
    caller.ring()
    bye = caller.say("Stop calling me")
    assert bye.hangs_up and "We will not contact you again" in bye.said
    [contact] = rows(runtime, Contact)
    assert contact.opted_out_at is not None
    assert answers(runtime) == [("maybe", "voice")]


def test_saying_delete_my_data_asks_for_erasure_as_it_does_at_any_question(maybe, caller,
                                                                          runtime):
    caller.ring()
    sure = caller.say("Delete my data")
    assert "To delete them now, press 1" in sure.said
    bye = caller.press("1")
    assert bye.hangs_up and "We will delete your phone number" in bye.said
    assert count(runtime, ErasureRequest) == 1


def test_hanging_up_during_the_question_leaves_it_to_be_asked_next_time(maybe, caller,
                                                                        runtime, twilio):
    caller.status("in-progress")
    caller.ring()
    caller.status("completed")
    again = PhoneCall(twilio, caller=LANDLINE)
    assert "You said you might come" in again.ring().said
    again.press("2")
    welcome = on_to_the_questions(again)
    assert WELCOME in welcome.said and "Welcome back" not in welcome.said
    assert answers(runtime) == [("maybe", "voice"), ("no", "voice")]


@pytest.mark.parametrize("change", [
    lambda s: s.execute(update(Contact).values(opted_out_at=datetime.now(timezone.utc))),
    lambda s: s.add(Consent(contact_id=s.query(Contact.id).scalar(), topic="invites",
                            granted=False, channel="voice", source="flow:over-a-brew-2024-05")),
    lambda s: s.execute(update(Event).values(status="cancelled")),
    lambda s: s.execute(update(Event).values(
        starts_at=datetime.now(timezone.utc) - timedelta(minutes=5))),
], ids=["opted out", "no more invites", "cancelled", "started"])
def test_nobody_is_asked_about_an_invite_that_is_not_open_to_them(maybe, caller, runtime,
                                                                  change):
    with runtime.store.transaction() as session:
        change(session)
    assert WELCOME in caller.ring().said


def test_a_call_we_place_goes_straight_to_the_questions(maybe, twilio, runtime):
    called = PhoneCall(twilio, caller=LANDLINE, outbound=True)
    assert WELCOME in called.ring().said
    assert count(runtime, Call, Call.direction == "outbound") == 2  # the invite call and this


def test_the_survey_conversation_is_only_started_once_the_question_is_done(maybe, caller,
                                                                           runtime):
    caller.ring()
    caller.press("2")
    on_to_the_questions(caller)
    [conversation] = rows(runtime, Conversation)
    assert conversation.step == "welcome" and conversation.status == "active"
