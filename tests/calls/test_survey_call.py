"""Whole phone calls driven like Twilio: POST /twilio/voice, then follow the action URLs."""
from __future__ import annotations

import pytest

from brewline.calls.models import Call
from brewline.people.models import Consent, Contact
from brewline.surveys.models import Answer, Conversation
from tests.calls.phone import PhoneCall, call, count, rows  # noqa: F401 (fixture)
from tests.conftest import PUBLIC_URL


def test_the_first_words_say_who_we_are_how_long_it_takes_and_the_keys(call):
    twiml = call.ring()
    said = twiml.said
    assert said.startswith("Hello, this is Over a Brew")
    assert "5 short questions" in said and "ten minutes" in said
    assert "star to hear something again" in said and "0 for help" in said
    assert "hash key" in said and "9 if I speak too fast" in said


def test_prompts_are_slow_uk_english_inside_a_gather_so_keys_interrupt_them(call):
    twiml = call.ring()
    assert twiml.verbs == ["Gather", "Redirect"]
    gather = twiml.gather
    assert gather.get("input") == "dtmf speech" and gather.get("language") == "en-GB"
    assert int(gather.get("timeout")) >= 10
    assert "yes" in gather.get("hints") and "no thanks" in gather.get("hints")
    for say in twiml.says:
        assert (say.get("voice"), say.get("language")) == ("Polly.Amy-Neural", "en-GB")
        assert say.find("prosody").get("rate") == "90%"
    assert all(say in list(gather) for say in twiml.says)


def test_a_whole_survey_by_phone_keeps_every_answer_with_its_channel_and_audio(call, runtime):
    call.ring()
    first = call.press("1")
    assert "Question 1 of 5" in first.said and "after the tone" in first.said
    assert first.verbs == ["Gather", "Record", "Redirect"]
    for n in range(1, 6):
        review = call.record(seconds=10 + n)
        assert "Press 1 to keep your answer, 2 to hear it back, or 3" in review.said
        nxt = call.press("1")
    assert "Last one" in nxt.said and "Say yes or press 1" in nxt.said
    bye = call.say("Yes please.")
    assert "Thank you so much" in bye.said and "Goodbye" in bye.said
    assert bye.verbs[-1] == "Hangup" and bye.verbs[0] == "Say"
    answers = rows(runtime, Answer)
    assert [a.question_id for a in answers] == [
        "welcome", "value", "promises", "use_here", "use_in_life", "together", "invites"]
    assert {a.channel for a in answers} == {"voice"}
    assert [a.recording_duration for a in answers[1:6]] == [11, 12, 13, 14, 15]
    assert all(a.recording_url.startswith("https://api.twilio.com/") for a in answers[1:6])
    [consent] = rows(runtime, Consent)
    assert (consent.topic, consent.granted, consent.channel) == ("invites", True, "voice")
    [conversation] = rows(runtime, Conversation)
    assert conversation.status == "finished"


def test_yes_and_no_questions_take_speech_or_keys(twilio, runtime):
    by_voice, by_key = PhoneCall(twilio, "+447700900111"), PhoneCall(twilio, "+447700900222")
    by_voice.ring()
    by_key.ring()
    assert "Question 1 of 5" in by_voice.say("yeah").said
    assert "No problem at all" in by_key.press("2").said
    values = sorted(a.value for a in rows(runtime, Answer))
    assert values == ["no", "yes"]


def test_a_spoken_answer_can_be_heard_back_and_recorded_again(call, runtime):
    call.ring()
    call.press("1")
    first_sid, second_sid = "RE" + "1" * 32, "RE" + "2" * 32
    call.record(seconds=7, sid=first_sid)
    played = call.press("2")
    assert played.first("Play").text.endswith(first_sid)
    assert "Press 1 to keep" in played.said
    again = call.press("3")
    assert "record it again" in again.said and again.first("Record") is not None
    call.record(seconds=9, sid=second_sid)
    assert "Question 2 of 5" in call.press("1").said
    [answer] = rows(runtime, Answer, Answer.question_id == "value")
    assert (answer.recording_sid, answer.recording_duration) == (second_sid, 9)
    [kept] = rows(runtime, Call)
    assert [d["sid"] for d in kept.discarded] == [first_sid]


def test_saying_nothing_after_a_recording_keeps_it(call, runtime):
    call.ring()
    call.press("1")
    call.record(seconds=20)
    assert "Question 2 of 5" in call.wait().said
    assert count(runtime, Answer, Answer.question_id == "value",
                 Answer.recording_duration == 20) == 1


def test_the_recording_waits_for_at_most_three_minutes_and_trims_silence(call):
    call.ring()
    record = call.press("1").first("Record")
    assert record.get("finishOnKey") == "#" and record.get("maxLength") == "180"
    assert record.get("trim") == "trim-silence" and int(record.get("timeout")) >= 10
    assert record.get("transcribe") == "true"
    assert record.get("transcribeCallback") == f"{PUBLIC_URL}/twilio/recording"


def transcribe(twilio, call_sid, recording_sid, text="I like the biscuits", status="completed"):
    return twilio.post("/twilio/recording", {
        "CallSid": call_sid, "RecordingSid": recording_sid, "TranscriptionText": text,
        "TranscriptionStatus": status, "AccountSid": "AC" + "0" * 32})


def test_a_transcript_arriving_later_is_attached_to_the_same_answer(call, twilio, runtime):
    call.ring()
    call.press("1")
    call.record(sid="RE" + "3" * 32)
    call.press("1")
    response = transcribe(twilio, call.sid, "RE" + "3" * 32)
    assert response.status_code == 200
    [answer] = rows(runtime, Answer, Answer.question_id == "value")
    assert answer.transcript == "I like the biscuits"
    assert answer.recording_sid == "RE" + "3" * 32


def test_a_transcript_that_comes_before_the_answer_is_kept_goes_with_it(call, twilio, runtime):
    call.ring()
    call.press("1")
    call.record(sid="RE" + "4" * 32)
    assert transcribe(twilio, call.sid, "RE" + "4" * 32, "Chatting").status_code == 200
    call.press("1")
    [answer] = rows(runtime, Answer, Answer.question_id == "value")
    assert answer.transcript == "Chatting"


def test_when_no_transcript_comes_the_audio_is_still_the_answer(call, twilio, runtime):
    call.ring()
    call.press("1")
    call.record(sid="RE" + "5" * 32, seconds=150)
    call.press("1")
    response = transcribe(twilio, call.sid, "RE" + "5" * 32, "", status="failed")
    assert response.status_code == 200 and b"audio is the answer" in response.data
    [answer] = rows(runtime, Answer, Answer.question_id == "value")
    assert answer.transcript is None and answer.recording_duration == 150


def test_star_repeats_and_zero_explains_the_options(call):
    first = call.ring()
    assert call.press("*").said == first.said
    help_ = call.press("0")
    assert help_.said.startswith("Here is how this call works")
    assert "say yes or press 1" in help_.said and "Shall we start" in help_.said


def test_pressing_nine_slows_the_voice_and_it_is_remembered_next_call(twilio, call, runtime):
    call.ring()
    slower = call.press("9")
    assert "speak more slowly" in slower.said
    assert {s.find("prosody").get("rate") for s in slower.says} == {"75%"}
    later = PhoneCall(twilio).ring()
    assert {s.find("prosody").get("rate") for s in later.says} == {"75%"}
    [person] = rows(runtime, Contact)
    assert person.voice_rate == "75%"


def test_pressing_nine_again_goes_slower_then_says_it_is_as_slow_as_it_goes(call):
    call.ring()
    call.press("9")
    assert {s.find("prosody").get("rate") for s in call.press("9").says} == {"60%"}
    assert "as slowly as I can" in call.press("9").said


def test_silence_is_met_gently_then_with_more_time_then_a_kind_goodbye(call, runtime):
    call.ring()
    call.press("1")
    first = call.wait()
    assert "did not hear anything" in first.said and "Question 1 of 5" in first.said
    second = call.wait()
    assert "Press 1 if you would like more time" in second.said
    assert int(second.gather.get("timeout")) >= 10
    more = call.press("1")
    assert "Take all the time you need" in more.said and "Question 1 of 5" in more.said
    call.wait()
    call.wait()
    bye = call.wait()
    assert "Your place is saved" in bye.said and bye.verbs[-1] == "Hangup"
    assert bye.verbs.index("Say") < bye.verbs.index("Hangup")
    [conversation] = rows(runtime, Conversation)
    assert (conversation.status, conversation.step) == ("paused", "value")


def test_a_silent_recording_counts_as_silence_and_stores_nothing(call, runtime):
    call.ring()
    call.press("1")
    twiml = call.record(seconds=0)
    assert "did not hear anything" in twiml.said and twiml.first("Record") is not None
    assert count(runtime, Answer, Answer.question_id == "value") == 0


def test_hanging_up_while_asked_to_keep_a_recording_keeps_it(call, runtime):
    call.ring()
    call.press("1")
    call.record(sid="RE" + "6" * 32)
    assert call.status("completed").status_code == 200
    [answer] = rows(runtime, Answer, Answer.question_id == "value")
    assert answer.recording_sid == "RE" + "6" * 32
    [conversation] = rows(runtime, Conversation)
    assert conversation.step == "promises"


def test_saying_stop_on_a_call_opts_out_with_words_before_the_goodbye(call, runtime):
    call.ring()
    bye = call.say("Stop")
    assert "We will not contact you again" in bye.said and bye.hangs_up
    [person] = rows(runtime, Contact)
    assert person.opted_out_at is not None


@pytest.mark.parametrize("words", ["Stop calling me.", "Don't call me again", "Stop ringing me"])
def test_asking_on_a_call_to_stop_calling_opts_out_like_stop_contacting_me(call, runtime, words):
    call.ring()
    bye = call.say(words)
    assert "We will not contact you again" in bye.said and bye.hangs_up
    [person] = rows(runtime, Contact)
    assert person.opted_out_at is not None


def test_nine_and_eight_work_while_deciding_about_a_recording_too(call, runtime):
    call.ring()
    call.press("1")
    call.record(sid="RE" + "a" * 32)
    slower = call.press("9")
    assert "speak more slowly" in slower.said and "Press 1 to keep" in slower.said
    assert "We will not send you any text messages" in call.press("8").said
    assert "Question 2 of 5" in call.press("1").said
    [person] = rows(runtime, Contact)
    assert person.voice_rate == "75%" and person.phone_only
    assert count(runtime, Answer, Answer.recording_sid == "RE" + "a" * 32) == 1
