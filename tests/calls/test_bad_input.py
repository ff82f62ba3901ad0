"""Bad input on the phone line: valid TwiML or a 4xx with a reason, never a 500, nothing lost."""
from __future__ import annotations

import pytest

from brewline.calls.models import Call
from brewline.people.models import Contact
from brewline.surveys.models import Answer
from tests.calls.phone import PhoneCall, call, count, rows  # noqa: F401 (fixture)
from tests.conftest import ACCOUNT_SID, PHONE


def test_an_unsigned_call_is_refused_and_nothing_is_stored(twilio, call, runtime):
    response = twilio.post("/twilio/voice", call.form(), signature="forged")
    assert response.status_code == 403
    assert count(runtime, Contact) == 0 and count(runtime, Call) == 0


@pytest.mark.parametrize("path", ["/twilio/voice", "/twilio/voice/answer", "/twilio/call-status"])
def test_a_form_without_a_call_sid_gets_a_400_naming_it(twilio, path):
    response = twilio.post(path, {"From": PHONE, "To": "+447700900000", "CallStatus": "ringing"})
    assert response.status_code == 400 and b"CallSid" in response.data


def test_missing_digits_are_met_with_sorry_and_the_same_question(call, runtime):
    first = call.ring()
    again = call.post(first.gather.get("action"))
    assert "did not catch that" in again.said and "Shall we start" in again.said
    assert count(runtime, Answer) == 0


@pytest.mark.parametrize("digits", ["", "#", "12345678901234567890", "abc", "1a", "💥"])
def test_keys_that_mean_nothing_are_met_with_sorry_and_the_same_question(call, runtime, digits):
    call.ring()
    twiml = call.press(digits)
    assert "did not catch that" in twiml.said and "Shall we start" in twiml.said
    assert count(runtime, Answer) == 0


def test_star_then_hash_repeats_the_question(call):
    first = call.ring()
    assert call.press("*#").said == first.said


@pytest.mark.parametrize("speech", ["", "   "])
def test_empty_speech_is_met_with_sorry_and_stores_nothing(call, runtime, speech):
    call.ring()
    assert "did not catch that" in call.say(speech).said
    assert count(runtime, Answer) == 0


def test_very_long_speech_is_handled_and_kept_whole_if_it_becomes_the_answer(call, runtime):
    call.ring()
    long_speech = "well I am not sure really " * 400
    for _ in range(2):
        assert "say yes or press 1" in call.say(long_speech).said
    moved_on = call.say(long_speech)
    assert "Question 1 of 5" in moved_on.said
    [answer] = rows(runtime, Answer)
    assert answer.text == long_speech.strip()


def test_an_action_for_a_question_already_answered_repeats_where_the_person_is(call, runtime):
    welcome = call.ring()
    stale = welcome.gather.get("action")
    call.press("1")
    twiml = call.post(stale, Digits="2")
    assert "Question 1 of 5" in twiml.said
    assert [a.value for a in rows(runtime, Answer)] == ["yes"]


def test_an_action_for_a_call_sid_we_never_saw_still_goes_on_with_the_persons_questions(
        twilio, call, runtime):
    call.ring()
    stranger = PhoneCall(twilio, sid="CA" + "e" * 32)
    twiml = stranger.post("/twilio/voice/answer?step=welcome", Digits="1")
    assert "Question 1 of 5" in twiml.said
    assert count(runtime, Call, Call.sid == "CA" + "e" * 32) == 1


def test_an_action_for_someone_we_never_greeted_starts_with_the_welcome(twilio, runtime):
    twiml = PhoneCall(twilio).post("/twilio/voice/answer?step=value", Digits="1")
    assert twiml.said.startswith("Hello, this is Over a Brew")
    assert count(runtime, Answer) == 0


def test_a_garbled_silence_counter_is_treated_as_the_first_silence(call):
    call.ring()
    twiml = call.post("/twilio/voice/silence?step=welcome&n=lots")
    assert "did not hear anything" in twiml.said


def test_the_same_recording_posted_twice_is_one_answer(call, runtime):
    call.ring()
    record_action = call.press("1").first("Record").get("action")
    sid = "RE" + "7" * 32
    call.record(sid=sid)
    call.press("1")
    twiml = call.post(record_action, RecordingUrl="https://api.twilio.com/x/" + sid,
                      RecordingSid=sid, RecordingDuration="5")
    assert "Question 2 of 5" in twiml.said
    assert count(runtime, Answer, Answer.recording_sid == sid) == 1


def test_a_recording_for_a_question_already_answered_is_kept_on_the_call(call, runtime):
    call.ring()
    record_action = call.press("1").first("Record").get("action")
    call.record()
    call.press("1")
    call.post(record_action, RecordingUrl="https://api.twilio.com/late",
              RecordingSid="RE" + "8" * 32, RecordingDuration="4")
    [row] = rows(runtime, Call)
    assert [d["sid"] for d in row.discarded] == ["RE" + "8" * 32]


def test_a_recording_duration_that_is_not_a_number_gets_a_400(call):
    call.ring()
    record_action = call.press("1").first("Record").get("action")
    response = call.twilio.post(record_action, call.form(
        RecordingUrl="https://api.twilio.com/r", RecordingSid="RE1", RecordingDuration="long"))
    assert response.status_code == 400 and b"RecordingDuration" in response.data


def test_a_review_key_that_means_nothing_asks_again_kindly(call, runtime):
    call.ring()
    call.press("1")
    call.record()
    twiml = call.press("5")
    assert "Press 1 to keep it, 2 to hear it, or 3" in twiml.said
    assert count(runtime, Answer, Answer.question_id == "value") == 0


def test_a_review_with_nothing_waiting_repeats_the_question(call, runtime):
    call.ring()
    call.press("1")
    call.record()
    review_action = call.last.gather.get("action")
    call.press("1")
    twiml = call.post(review_action, Digits="1")
    assert "Question 2 of 5" in twiml.said
    assert count(runtime, Answer, Answer.question_id == "value") == 1


def test_a_transcript_for_an_unknown_call_gets_a_404_with_a_reason(twilio):
    response = twilio.post("/twilio/recording", {
        "CallSid": "CA" + "9" * 32, "RecordingSid": "RE" + "9" * 32,
        "TranscriptionText": "hello", "TranscriptionStatus": "completed"})
    assert response.status_code == 404 and b"unknown" in response.data


def test_a_transcript_without_a_recording_sid_gets_a_400(twilio):
    response = twilio.post("/twilio/recording", {"CallSid": "CA1", "TranscriptionText": "x"})
    assert response.status_code == 400 and b"RecordingSid" in response.data


def test_a_status_for_an_unknown_call_gets_a_404_with_a_reason(twilio):
    response = twilio.post("/twilio/call-status", {
        "CallSid": "CA" + "d" * 32, "CallStatus": "completed", "AccountSid": ACCOUNT_SID})
    assert response.status_code == 404 and b"unknown call" in response.data


def test_a_status_that_twilio_never_sends_gets_a_400(call):
    call.ring()
    response = call.status("exploded")
    assert response.status_code == 400 and b"CallStatus" in response.data


def test_completed_before_in_progress_leaves_the_call_completed(call, runtime):
    call.ring()
    assert call.status("completed").status_code == 200
    late = call.status("in-progress")
    assert late.status_code == 200 and b"already completed" in late.data
    [row] = rows(runtime, Call)
    assert row.status == "completed"


def test_a_hidden_number_gets_kind_words_before_the_goodbye(twilio, runtime):
    twiml = PhoneCall(twilio, caller="anonymous").ring()
    assert "Your number is hidden" in twiml.said and twiml.hangs_up
    assert twiml.verbs.index("Say") < twiml.verbs.index("Hangup")
    assert count(runtime, Contact) == 0


def test_a_failure_on_our_side_still_gets_words_and_a_goodbye(twilio, monkeypatch):
    from brewline.calls import menu

    def broken(turn):
        raise RuntimeError("something of ours fell over")

    monkeypatch.setattr(menu, "answer_call", broken)
    twiml = PhoneCall(twilio).ring()
    assert "something went wrong on our side" in twiml.said and twiml.hangs_up


def test_a_call_sid_longer_than_twilio_ever_sends_gets_a_400(twilio, runtime):
    response = twilio.post("/twilio/voice", PhoneCall(twilio, sid="CA" + "1" * 200).form())
    assert response.status_code == 400 and b"CallSid is too long" in response.data
    assert count(runtime, Call) == 0


def test_a_recording_url_too_long_to_keep_gets_a_400_and_the_question_stays(call, runtime):
    call.ring()
    record_action = call.press("1").first("Record").get("action")
    response = call.twilio.post(record_action, call.form(
        RecordingUrl="https://api.twilio.com/" + "r" * 600, RecordingSid="RE2",
        RecordingDuration="5"))
    assert response.status_code == 400 and b"RecordingUrl" in response.data
    assert count(runtime, Answer, Answer.question_id == "value") == 0
