"""The engine, one scripted conversation at a time."""
from __future__ import annotations

from dataclasses import replace

from flows.engine import advance, new_state
from flows.model import Recording, Reply, Start, State, TimedOut
from tests.flows.transcript import NOW, flow, run


def test_a_first_text_says_the_message_steps_then_asks_the_first_question():
    state, lines = run(flow(), ["hi"])
    assert lines == ["say: Hello there.", "ask ready: Ready? YES or NO."]
    assert (state.status, state.step) == ("active", "ready")


def test_a_whole_conversation_keeps_answers_and_consent_in_order():
    state, lines = run(flow(), ["hi", "Yep!", "Blue, like the sea", "YES"])
    assert lines[2:] == [
        "save ready: 'Yep!'=yes",
        "ask colour: Q1/2: Favourite colour?",
        "save colour: 'Blue, like the sea'",
        "ask contact: Q2/2: Texts later? YES or NO.",
        "save contact: 'YES'=yes",
        "consent invites: yes",
        "say: Thanks.",
        "finished",
    ]
    assert state.status == "finished"
    assert state.answered == ("ready", "colour", "contact")


def test_saying_no_at_the_start_ends_politely_and_is_not_a_completion():
    state, lines = run(flow(), ["hi", "no"])
    assert lines[-2:] == ["say: Bye for now.", "ended"]
    assert state.status == "declined"


def test_a_declined_person_who_texts_again_is_offered_the_start_again():
    state, _ = run(flow(), ["hi", "no"])
    state, lines = run(flow(), ["hello again"], state)
    assert lines == ["say: Hello there.", "ask ready: Ready? YES or NO."]


def test_skip_keeps_a_skipped_answer_and_moves_on():
    state, lines = run(flow(), ["hi", "yes", "SKIP!"])
    assert lines[-3:] == ["save colour: skipped", "say: Skipped.",
                          "ask contact: Q2/2: Texts later? YES or NO."]
    assert state.skipped == ("colour",)


def test_repeat_sends_the_same_question_again_and_changes_nothing_else():
    before, _ = run(flow(), ["hi", "yes"])
    after, lines = run(flow(), ["Repeat"], before)
    assert lines == ["ask colour: Q1/2: Favourite colour?"]
    assert replace(after, updated_at=None) == replace(before, updated_at=None)


def test_help_explains_the_keywords_then_asks_again():
    _, lines = run(flow(), ["hi", "yes", "help"])
    assert lines[-2:] == ["say: Help text.", "ask colour: Q1/2: Favourite colour?"]


def test_pause_says_take_your_time_and_the_next_answer_carries_on():
    state, lines = run(flow(), ["hi", "yes", "pause"])
    assert lines[-1] == "say: Paused." and state.status == "paused"
    state, lines = run(flow(), ["Green"], state)
    assert lines == ["save colour: 'Green'", "ask contact: Q2/2: Texts later? YES or NO."]


def test_a_greeting_after_a_pause_welcomes_back_and_asks_where_they_left_off():
    state, _ = run(flow(), ["hi", "yes", "red", "later"])
    _, lines = run(flow(), ["Hello!"], state)
    assert lines == ["say: Back again: 1 of 2 done.", "ask contact: Q2/2: Texts later? YES or NO."]


def test_an_unclear_choice_is_asked_kindly_then_kept_as_words_after_the_retries():
    state, lines = run(flow(), ["hi", "maybe"])
    assert lines[-1] == "say: Please say YES or NO." and state.retries == 1
    state, lines = run(flow(), ["dunno really"], state)
    assert lines == ["save ready: 'dunno really'", "ask colour: Q1/2: Favourite colour?"]


def test_choices_answer_to_digits_as_well_as_words():
    _, lines = run(flow(), ["hi", Reply(digits="2", channel="voice")])
    assert lines[-3:] == ["save ready: '2'=no", "say: Bye for now.", "ended"]


def test_star_repeats_and_zero_helps_on_a_keypad():
    state, _ = run(flow(), ["hi", "yes"])
    _, lines = run(flow(), [Reply(digits="*"), Reply(digits="0")], state)
    assert lines == ["ask colour: Q1/2: Favourite colour?", "say: Help text.",
                     "ask colour: Q1/2: Favourite colour?"]


def test_seven_on_a_keypad_skips_an_open_question_exactly_as_the_word_skip_does():
    state, _ = run(flow(), ["hi", "yes"])
    by_key = advance(flow(), state, Reply(digits="7", channel="voice"), NOW)
    by_word = advance(flow(), state, Reply(text="SKIP", channel="voice"), NOW)
    assert by_key == by_word
    _, lines = run(flow(), [Reply(digits="7", channel="voice")], state)
    assert lines == ["save colour: skipped", "say: Skipped.",
                     "ask contact: Q2/2: Texts later? YES or NO."]
    assert by_key.state.skipped == ("colour",) and by_key.state.answered == ("ready",)


def test_seven_skips_a_choice_question_without_keeping_a_choice_or_consent():
    state, _ = run(flow(), ["hi", "yes", "blue"])
    state, lines = run(flow(), [Reply(digits="7", channel="voice")], state)
    assert lines == ["save contact: skipped", "say: Skipped.", "say: Thanks.", "finished"]
    assert state.skipped == ("contact",) and state.status == "finished"


def test_a_recording_is_an_open_answer_even_if_its_transcript_says_stop():
    state, _ = run(flow(), ["hi", "yes"])
    recording = Recording("https://api.twilio.com/rec/RE1", "RE1", 12)
    result = advance(flow(), state, Reply(text="stop", recording=recording, channel="voice"), NOW)
    [save] = [o for o in result.outputs if type(o).__name__ == "SaveAnswer"]
    assert (save.text, save.recording, save.channel) == ("stop", recording, "voice")


def test_a_time_out_follows_the_steps_time_out_route():
    state, _ = run(flow(), ["hi", "yes"])
    state, lines = run(flow(), [TimedOut()], state)
    assert lines == ["say: Bye for now.", "ended"]


def test_a_time_out_without_a_route_pauses_quietly():
    state, _ = run(flow(), ["hi"])
    state, lines = run(flow(), [TimedOut()], state)
    assert lines == [] and state.status == "paused"


def test_a_text_after_the_end_is_acknowledged_not_ignored():
    state, _ = run(flow(), ["hi", "yes", "blue", "no"])
    _, lines = run(flow(), ["one more thing"], state)
    assert lines == ["say: All done already."]


def test_texts_come_in_the_persons_language_with_english_as_the_fallback():
    welsh = new_state(flow(), language="cy")
    state, lines = run(flow(), ["helo"], welsh)
    assert lines == ["say: Helo.", "ask ready: Ready? YES or NO."]
    _, lines = run(flow(), ["help"], state)
    assert lines[0] == "say: Testun help."


def test_start_resumes_an_unfinished_conversation_with_progress():
    state, _ = run(flow(), ["hi", "yes", "teal"])
    result = advance(flow(), state, Start(channel="voice"), NOW)
    assert [type(o).__name__ for o in result.outputs] == ["Say", "Ask"]
    assert result.outputs[0].text == "Back again: 1 of 2 done."


def test_state_survives_a_round_trip_through_json():
    state, _ = run(flow(), ["hi", "yes", "skip"])
    assert State.from_dict(state.to_dict()) == state


def test_a_conversation_keeps_the_flow_version_it_started_with():
    state, _ = run(flow(), ["hi"])
    assert (state.flow_id, state.flow_version) == ("every-kind", 3)
