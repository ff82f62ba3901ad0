"""'Delete my data' as people say it: by text, after stopping, on a call, in a recorded answer."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from brewline.delivery import claiming
from brewline.delivery.models import Outbox
from brewline.people.models import Contact
from brewline.privacy.models import ErasureRequest
from brewline.surveys.models import Answer
from tests.calls.phone import PhoneCall, call, count, rows  # noqa: F401 (fixture)
from tests.calls.test_survey_call import transcribe
from tests.conftest import PHONE
from tests.texts.test_sms_webhook import replies


def texted_up_to_question_2(twilio) -> None:
    for body in ("hi", "yes", "The tea and the chat"):
        replies(twilio.text(body))


def still_here(runtime) -> bool:
    with runtime.store.transaction() as session:
        return session.scalars(select(Contact.phone)).one() == PHONE


def requests(runtime) -> list[ErasureRequest]:
    return rows(runtime, ErasureRequest)


# By text.

@pytest.mark.parametrize("answer", ["no, keep going", "No", "keep it", "sorry, wrong person"])
def test_anything_but_delete_cancels_kindly_and_asks_the_same_question_again(twilio, runtime,
                                                                           answer):
    texted_up_to_question_2(twilio)
    [asked] = replies(twilio.text("delete my data"))
    assert "reply DELETE today" in asked
    kept, question = replies(twilio.text(answer))
    assert kept == "No problem, we will keep your data."
    assert question.startswith("Question 2 of 5: We want to write a few simple promises")
    assert [a.question_id for a in rows(runtime, Answer)] == ["welcome", "value"]
    assert requests(runtime) == [] and still_here(runtime)
    # The next text is an answer again, to the question they were on.
    [question_3] = replies(twilio.text("Kindness"))
    assert question_3.startswith("Question 3 of 5")
    assert rows(runtime, Answer)[-1].text == "Kindness"


def test_delete_after_the_question_erases_and_says_so(twilio, runtime):
    texted_up_to_question_2(twilio)
    replies(twilio.text("Please delete my data"))
    [done] = replies(twilio.text("DELETE"))
    assert done.startswith("Done. We are deleting")
    [request] = requests(runtime)
    assert request.confirmed_at is not None


@pytest.mark.parametrize("stop", ["stop texting me", "STOP"])
def test_after_stopping_delete_my_data_erases_and_is_always_answered(twilio, runtime, stop):
    texted_up_to_question_2(twilio)
    replies(twilio.text(stop))
    [done] = replies(twilio.text("delete my data"))
    assert done.startswith("Done. We are deleting your phone number")
    [request] = requests(runtime)
    assert request.confirmed_at is not None


# On a call.

def at_question_1(call) -> None:
    call.ring()
    call.press("1")


def test_the_help_on_a_call_names_the_key_that_deletes_your_data(call):
    call.ring()
    assert "To delete your phone number and answers, press 6." in call.press("0").said


def test_pressing_6_at_an_open_question_asks_to_confirm_and_1_erases(call, runtime):
    at_question_1(call)
    sure = call.press("6")
    assert "You cannot undo this. To delete them now, press 1." in sure.said
    assert sure.gather.get("action").startswith("/twilio/voice/erase")
    bye = call.press("1")
    assert bye.hangs_up and "We will delete your phone number" in bye.said
    [request] = requests(runtime)
    assert (request.channel, request.confirmed_at is not None) == ("voice", True)


def test_at_the_keep_or_record_again_menu_6_sets_the_recording_aside_and_2_keeps_everything(
        call, runtime):
    at_question_1(call)
    call.record(seconds=4, sid="RE" + "6" * 32)
    sure = call.press("6")
    assert "To keep them and carry on, press 2." in sure.said
    back = call.press("2")
    assert back.said.startswith("No problem. We will keep your data.")
    assert "Question 1 of 5" in back.said and back.first("Record") is not None
    assert [a.question_id for a in rows(runtime, Answer)] == ["welcome"]
    assert requests(runtime) == [] and still_here(runtime)


def test_silence_after_the_question_keeps_everything(call, runtime):
    at_question_1(call)
    call.press("6")
    back = call.wait()
    assert "We will keep your data" in back.said and "Question 1 of 5" in back.said
    assert requests(runtime) == [] and still_here(runtime)


def test_delete_my_data_said_in_a_recorded_answer_is_not_an_answer_and_is_asked_again(
        call, twilio, runtime):
    at_question_1(call)
    sid = "RE" + "5" * 32
    call.record(seconds=3, sid=sid)
    call.press("1")
    assert transcribe(twilio, call.sid, sid, "Delete my data.").status_code == 200
    [answer] = rows(runtime, Answer, Answer.recording_sid == sid)
    assert answer.transcript.startswith("[They asked us to delete their data.")
    assert "confirm by text or at the start of their next call" in answer.transcript
    [asked] = rows(runtime, Outbox, Outbox.purpose == "erase_question")
    assert "On the phone, you asked us to delete your data" in asked.body
    assert "reply DELETE today" in asked.body
    # Their next call begins with the question; 1 erases.
    again = PhoneCall(twilio)
    first = again.ring()
    assert first.said.startswith("Hello, this is Over a Brew. On your last call, you asked")
    assert again.press("1").hangs_up
    [request] = requests(runtime)
    assert request.confirmed_at is not None


def test_after_a_recorded_delete_my_data_a_texted_delete_erases(call, twilio, runtime):
    at_question_1(call)
    sid = "RE" + "4" * 32
    call.record(seconds=3, sid=sid)
    call.press("1")
    transcribe(twilio, call.sid, sid, "delete my data please")
    [done] = replies(twilio.text("Delete"))
    assert done.startswith("Done. We are deleting")


def test_a_recorded_delete_my_data_then_2_on_the_next_call_keeps_everything_and_carries_on(
        call, twilio, runtime):
    at_question_1(call)
    sid = "RE" + "3" * 32
    call.record(seconds=3, sid=sid)
    call.press("1")
    transcribe(twilio, call.sid, sid, "Delete my data")
    again = PhoneCall(twilio)
    again.ring()
    back = again.press("2")
    assert back.said.startswith("No problem. We will keep your data.")
    assert "Welcome back" in back.said and "Question 2 of 5" in back.said
    assert requests(runtime) == [] and still_here(runtime)
    # The texted question is no longer wanted: the sender drops it.
    with runtime.store.transaction() as session:
        row = session.scalars(select(Outbox).where(Outbox.purpose == "erase_question")).one()
        assert claiming.STILL_WANTED["erase_question"](session, row) == "already answered"


def test_an_ordinary_transcript_is_kept_as_it_was_said(call, twilio, runtime):
    at_question_1(call)
    sid = "RE" + "2" * 32
    call.record(seconds=3, sid=sid)
    call.press("1")
    transcribe(twilio, call.sid, sid, "I would delete the bus timetable and start again")
    [answer] = rows(runtime, Answer, Answer.recording_sid == sid)
    assert answer.transcript == "I would delete the bus timetable and start again"
    assert requests(runtime) == [] and count(runtime, Outbox) == 0
