"""`brewline chat --voice` walks through a whole call against a running app, over HTTP."""
from __future__ import annotations

from click.testing import CliRunner

from brewline.calls.models import Call
from brewline.cli.chat import chat
from brewline.surveys.models import Answer
from tests.calls.phone import rows
from tests.conftest import AUTH_TOKEN, PUBLIC_URL


def ring(served, tmp_path, typed: str):
    env = {"TWILIO_AUTH_TOKEN": AUTH_TOKEN, "PUBLIC_BASE_URL": PUBLIC_URL,
           "BREWLINE_INSTANCE": str(tmp_path)}
    return CliRunner().invoke(chat, ["--voice", "--url", served], input=typed, env=env)


def test_an_organiser_walks_through_a_call_with_keys_words_and_a_recording(
        served, tmp_path, runtime):
    typed = "\n".join(["1", "I like the tea and the chat", "1", "rec 12", "2", "1", "hangup"])
    result = ring(served, tmp_path, typed + "\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "brewline (90%)> Hello, this is Over a Brew" in out
    assert "(beep)" in out and "Press 1 to keep your answer" in out
    assert "(plays back https://api.twilio.com/" in out
    assert "Question 3 of 5" in out and "(call ended)" in out
    answers = rows(runtime, Answer)
    assert [a.question_id for a in answers] == ["welcome", "value", "promises"]
    assert answers[1].transcript == "I like the tea and the chat"
    assert answers[2].recording_duration == 12
    [call] = rows(runtime, Call)
    assert call.status == "completed"


def test_pressing_enter_is_silence_and_the_call_says_so(served, tmp_path, runtime):
    result = ring(served, tmp_path, "\n\n")
    assert "did not hear anything" in result.output
    assert "Press 1 if you would like more time" in result.output


def test_a_wrong_signing_key_is_reported_not_crashed(served, tmp_path):
    env = {"TWILIO_AUTH_TOKEN": "not-the-token", "PUBLIC_BASE_URL": PUBLIC_URL,
           "BREWLINE_INSTANCE": str(tmp_path)}
    result = CliRunner().invoke(chat, ["--voice", "--url", served], input="1\n", env=env)
    assert result.exit_code == 0
    assert "Brewline answered 403" in result.output
