"""Transcripts of the engine's spoken texts: every Say can carry words meant for a call."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from flows.engine import advance, new_state
from flows.loader import DATA_DIR, load_file
from flows.model import Ask, Recording, Reply, SaveAnswer, Say, Start

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def flow():
    return load_file(DATA_DIR / "over-a-brew-2024-05.yaml")


def run(flow, *events):
    state, outputs = new_state(flow), ()
    for event in events:
        result = advance(flow, state, event, NOW)
        state, outputs = result.state, result.outputs
    return state, outputs


def test_the_welcome_has_spoken_words_that_name_keys_not_texts(flow):
    _, [ask] = run(flow, Start("voice"))
    assert isinstance(ask, Ask) and "Reply YES" in ask.text
    assert "press 1" in ask.voice_text and "Reply" not in ask.voice_text


def test_help_on_a_call_explains_the_keys(flow):
    _, (help_, ask) = run(flow, Start("voice"), Reply(digits="0", channel="voice"))
    assert help_.text.startswith("Over a Brew: just text")
    assert help_.voice_text.startswith("Here is how this call works")
    assert isinstance(ask, Ask) and ask.step_id == "welcome"


def test_sorry_on_a_call_names_the_keys(flow):
    _, [sorry] = run(flow, Start("voice"), Reply(text="purple", channel="voice"))
    assert isinstance(sorry, Say) and "Reply YES" in sorry.text
    assert "press 1" in sorry.voice_text


def test_welcome_back_on_a_call_says_how_many_are_answered(flow):
    recording = Recording("https://api.twilio.com/r", "RE1", 12)
    _, (hello, ask) = run(flow, Start("sms"), Reply(text="yes"),
                          Reply(recording=recording, channel="voice"),
                          Reply(text="pause"), Start("voice"))
    assert "answered 1 of 5" in hello.text and "answered 1 of 5" in hello.voice_text
    assert "Press star" in hello.voice_text and ask.number == 2


def test_a_recording_is_the_answer_to_an_open_question_with_its_channel(flow):
    recording = Recording("https://api.twilio.com/r", "RE1", 12)
    _, outputs = run(flow, Start("voice"), Reply(digits="1", channel="voice"),
                     Reply(recording=recording, channel="voice"))
    [save] = [o for o in outputs if isinstance(o, SaveAnswer)]
    assert (save.step_id, save.recording, save.channel) == ("value", recording, "voice")


def test_the_last_words_of_a_call_say_goodbye(flow):
    _, outputs = run(flow, Start("voice"), Reply(digits="2", channel="voice"))
    [bye] = [o for o in outputs if isinstance(o, Say)]
    assert "Goodbye" in bye.voice_text and "Goodbye" not in bye.text


def test_texts_without_a_spoken_form_leave_voice_text_empty(flow):
    _, outputs = run(flow, Start("sms"), Reply(text="yes"), Reply(text="skip"))
    skipped = [o for o in outputs if isinstance(o, Say)][0]
    assert skipped.text == "No problem, we have skipped that one."
    assert skipped.voice_text is None
