"""Carrying on across channels: text then ring, ring then text, ring again."""
from __future__ import annotations

from brewline.delivery.models import Outbox
from brewline.people.models import Contact
from brewline.surveys.models import Answer
from tests.calls.phone import PhoneCall, call, count, rows  # noqa: F401 (fixture)
from tests.texts.test_sms_webhook import replies


def test_someone_who_answered_two_by_text_hears_welcome_back_and_goes_on_from_three(
        twilio, call, runtime):
    for body in ("hi", "yes", "The tea", "Be kind"):
        replies(twilio.text(body))
    twiml = call.ring()
    assert "Welcome back. You have answered 2 of 5 questions" in twiml.said
    assert "Question 3 of 5" in twiml.said
    call.record()
    call.press("1")
    channels = [(a.question_id, a.channel) for a in rows(runtime, Answer)]
    assert channels == [("welcome", "sms"), ("value", "sms"), ("promises", "sms"),
                        ("use_here", "voice")]


def test_someone_who_hung_up_half_way_carries_on_by_text(call, twilio, runtime):
    call.ring()
    call.press("1")
    call.record()
    call.press("1")
    call.status("completed")
    hello, question = replies(twilio.text("hello"))
    assert "Welcome back. You have answered 1 of 5" in hello
    assert question.startswith("Question 2 of 5")
    replies(twilio.text("Kindness"))
    assert [a.channel for a in rows(runtime, Answer)] == ["voice", "voice", "sms"]


def test_someone_who_hung_up_half_way_carries_on_in_a_later_call(twilio, runtime):
    first = PhoneCall(twilio)
    first.ring()
    first.press("1")
    first.status("completed")
    later = PhoneCall(twilio).ring()
    assert "Welcome back. You have answered 0 of 5" in later.said
    assert "Question 1 of 5" in later.said and later.first("Record") is not None


def test_someone_who_has_finished_hears_a_thank_you_and_a_goodbye(twilio, runtime):
    for body in ("hi", "yes", "a", "b", "c", "d", "e", "no"):
        replies(twilio.text(body))
    twiml = PhoneCall(twilio).ring()
    assert "already answered all our questions" in twiml.said and twiml.hangs_up
    assert count(runtime, Answer) == 7


def test_pressing_eight_marks_the_person_phone_only_and_no_text_is_sent(call, runtime):
    call.ring()
    twiml = call.press("8")
    assert "We will not send you any text messages" in twiml.said
    assert "Shall we start" in twiml.said
    [person] = rows(runtime, Contact)
    assert person.phone_only and person.cannot_text


def test_saying_you_cannot_get_texts_marks_you_phone_only(call, runtime):
    call.ring()
    call.say("I can't get texts.")
    [person] = rows(runtime, Contact)
    assert person.phone_only


def test_texts_waiting_for_a_phone_only_person_are_cancelled_and_new_ones_never_go(
        call, runtime):
    from brewline.delivery import outbox

    call.ring()
    [person] = rows(runtime, Contact)
    with runtime.store.transaction() as session:
        outbox.add(runtime, session, person.id, "Reminder", "reminder")
    call.press("8")
    with runtime.store.transaction() as session:
        outbox.add(runtime, session, person.id, "Another", "reminder")
    statuses = [(r.status, r.error) for r in rows(runtime, Outbox)]
    assert statuses == [("cancelled", "phone only"), ("cancelled", "phone only")]
