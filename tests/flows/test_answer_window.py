"""Transcripts: an open answer sent as several texts, joined once the window passes quietly."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from flows.engine import advance, new_state
from flows.loader import DATA_DIR, load_file
from flows.model import Ask, Held, Reply, SaveAnswer, Say, State, WindowClosed

T0 = datetime(2026, 6, 1, 10, 0, tzinfo=timezone.utc)
WINDOW = 45


@pytest.fixture(scope="module")
def flow():
    return load_file(DATA_DIR / "over-a-brew-2024-05.yaml")


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def on_first_open_question(flow) -> State:
    state = advance(flow, new_state(flow), Reply("hello"), T0).state
    state = advance(flow, state, Reply("yes"), T0).state
    assert state.step == "value"
    return state


def text(flow, state, body, seconds, window=WINDOW):
    return advance(flow, state, Reply(body, window=window), at(seconds))


def test_several_texts_within_the_window_become_one_answer_in_order(flow):
    state = on_first_open_question(flow)
    first = text(flow, state, "Honesty mostly.", 0)
    second = text(flow, first.state, "And being asked first,", 20)
    third = text(flow, second.state, "not told after.", 50)

    closed = advance(flow, third.state, WindowClosed(WINDOW), at(50 + WINDOW))

    saves = [o for o in closed.outputs if isinstance(o, SaveAnswer)]
    assert [s.text for s in saves] == ["Honesty mostly.\nAnd being asked first,\nnot told after."]
    assert [o.step_id for o in closed.outputs if isinstance(o, Ask)] == ["promises"]
    assert closed.state.held == () and closed.state.step == "promises"


def test_the_first_held_text_gets_a_take_your_time_and_later_ones_nothing(flow):
    state = on_first_open_question(flow)
    first = text(flow, state, "Well,", 0)
    second = text(flow, first.state, "it depends", 5)

    assert [type(o) for o in first.outputs] == [Say, Held]
    assert "Take your time" in first.outputs[0].text
    assert second.outputs == (Held("value", WINDOW),)
    assert not any(isinstance(o, (SaveAnswer, Ask)) for o in first.outputs + second.outputs)


def test_a_check_before_the_window_has_passed_quietly_changes_nothing(flow):
    state = on_first_open_question(flow)
    held = text(flow, state, "One", 0)
    held = text(flow, held.state, "Two", 30)

    early = advance(flow, held.state, WindowClosed(WINDOW), at(WINDOW))  # 15 s after "Two"

    assert early.outputs == () and early.state.held == ("One", "Two")


def test_a_keyword_acts_at_once_after_keeping_what_was_written(flow):
    state = on_first_open_question(flow)
    held = text(flow, state, "Half an answer", 0)

    paused = text(flow, held.state, "PAUSE", 10)

    assert paused.outputs[0] == SaveAnswer("value", paused.outputs[0].question,
                                           "Half an answer", channel="sms")
    assert paused.state.status == "paused" and paused.state.held == ()
    assert paused.state.step == "promises"


def test_skip_after_held_texts_means_that_is_all_not_skip_the_next_one(flow):
    state = on_first_open_question(flow)
    held = text(flow, state, "Short answer", 0)

    skipped = text(flow, held.state, "SKIP", 3)

    assert [o.text for o in skipped.outputs if isinstance(o, SaveAnswer)] == ["Short answer"]
    assert skipped.state.step == "promises" and "promises" not in skipped.state.skipped


def test_no_window_answers_at_once_as_before(flow):
    state = on_first_open_question(flow)

    answered = text(flow, state, "Honesty", 0, window=0)

    assert isinstance(answered.outputs[0], SaveAnswer) and answered.state.step == "promises"


def test_held_texts_survive_being_stored_as_json(flow):
    state = text(flow, on_first_open_question(flow), "Kept", 0).state

    assert State.from_dict(state.to_dict()) == state


def test_a_check_with_nothing_held_does_nothing(flow):
    state = on_first_open_question(flow)

    assert advance(flow, state, WindowClosed(WINDOW), at(100)).outputs == ()


def test_a_call_while_texts_are_held_keeps_them_as_the_answer_they_were_written_for(flow):
    from flows.model import Start

    held = text(flow, on_first_open_question(flow), "Written by text", 0)

    rung = advance(flow, held.state, Start(channel="voice"), at(10))

    assert [o.text for o in rung.outputs if isinstance(o, SaveAnswer)] == ["Written by text"]
    assert rung.state.held == () and rung.state.step == "promises"


def test_a_spoken_answer_while_texts_are_held_answers_the_next_question(flow):
    held = text(flow, on_first_open_question(flow), "Texted answer", 0)

    spoken = advance(flow, held.state, Reply("Spoken answer", channel="voice"), at(10))

    saves = [(o.step_id, o.text) for o in spoken.outputs if isinstance(o, SaveAnswer)]
    assert saves == [("value", "Texted answer"), ("promises", "Spoken answer")]


def test_after_closing_for_a_call_the_next_question_is_asked_once(flow):
    from flows.model import Start

    held = text(flow, on_first_open_question(flow), "Written by text", 0)

    rung = advance(flow, held.state, Start(channel="voice"), at(10))

    assert [o.step_id for o in rung.outputs if isinstance(o, Ask)] == ["promises"]
