"""Skipping on a call: 7 skips any question, kept exactly as a texted SKIP is kept."""
from __future__ import annotations

from brewline.calls.models import Call
from brewline.people.models import Consent
from brewline.surveys.models import Answer, Conversation
from tests.calls.phone import PhoneCall, call, count, rows  # noqa: F401 (fixture)

TEXTER = "+447700900333"


def kept(answer: Answer) -> tuple:
    """What an answer row says, apart from its channel, person and time."""
    return (answer.question_id, answer.question_text, answer.text, answer.value,
            answer.skipped, answer.recording_url, answer.recording_sid,
            answer.recording_duration, answer.transcript)


def test_the_first_words_say_kindly_that_7_skips_any_question(call):
    said = call.ring().said
    assert "You do not have to answer everything: press 7 to skip any question." in said


def test_help_on_a_call_says_that_7_skips_a_question(call):
    call.ring()
    call.press("1")
    help_ = call.press("0")
    assert help_.said.startswith("Here is how this call works")
    assert "skip any question: just press 7" in help_.said
    assert "Question 1 of 5" in help_.said and help_.first("Record") is not None


def test_welcome_back_on_a_call_names_the_skip_key(twilio, call):
    for body in ("hi", "yes", "The tea"):
        twilio.text(body)
    assert "To skip a question, press 7." in call.ring().said


def test_pressing_7_while_an_open_question_is_read_skips_it_and_goes_on(call, runtime):
    call.ring()
    call.press("1")
    twiml = call.press("7")
    assert twiml.said.startswith("No problem, we have skipped that one.")
    assert "Question 2 of 5" in twiml.said
    assert twiml.first("Record").get("action").startswith("/twilio/voice/recorded?step=promises")
    [answer] = rows(runtime, Answer, Answer.question_id == "value")
    assert (answer.skipped, answer.text, answer.channel) == (True, None, "voice")
    [conversation] = rows(runtime, Conversation)
    assert conversation.step == "promises"
    assert conversation.state["skipped"] == ["value"] and conversation.state["answered"] == [
        "welcome"]


def test_a_skip_on_a_call_is_stored_exactly_as_a_texted_skip(twilio, call, runtime):
    for body in ("hi", "yes", "SKIP"):
        twilio.text(body, sender=TEXTER)
    call.ring()
    call.press("1")
    call.press("7")
    by_text, by_call = rows(runtime, Answer, Answer.question_id == "value",
                            order=Answer.channel)
    assert (by_text.channel, by_call.channel) == ("sms", "voice")
    assert kept(by_call) == kept(by_text)
    assert by_call.skipped is True


def test_pressing_7_after_recording_skips_and_keeps_the_audio_with_the_call(call, runtime):
    call.ring()
    call.press("1")
    call.record(sid="RE" + "b" * 32)
    twiml = call.press("7")
    assert "skipped that one" in twiml.said and "Question 2 of 5" in twiml.said
    [answer] = rows(runtime, Answer, Answer.question_id == "value")
    assert (answer.skipped, answer.recording_sid) == (True, None)
    [kept_call] = rows(runtime, Call)
    assert kept_call.pending is None
    assert [(d["sid"], d["why"]) for d in kept_call.discarded] == [("RE" + "b" * 32, "skipped")]


def test_pressing_7_at_a_yes_or_no_question_skips_it_and_keeps_no_consent(call, runtime):
    call.ring()
    call.press("1")
    for _ in range(5):
        call.press("7")
    assert "Last one" in call.last.said and call.last.gather.get("input") == "dtmf speech"
    bye = call.press("7")
    assert "skipped that one" in bye.said and "Thank you so much" in bye.said
    assert bye.hangs_up
    skipped = [a.question_id for a in rows(runtime, Answer) if a.skipped]
    assert skipped == ["value", "promises", "use_here", "use_in_life", "together", "invites"]
    assert count(runtime, Consent) == 0
    [conversation] = rows(runtime, Conversation)
    assert conversation.status == "finished"


def test_a_skipped_question_is_counted_as_done_when_the_person_rings_again(twilio, call):
    call.ring()
    call.press("1")
    call.press("7")
    call.status("completed")
    later = PhoneCall(twilio).ring()
    assert "Question 2 of 5" in later.said
