"""The shipped session flow says what the seed asks for, in plain words."""
from __future__ import annotations

from flows.engine import advance, new_state
from flows.loader import DATA_DIR, Registry
from flows.model import Reply
from flows.readability import check_flow, encoding
from tests.flows.transcript import NOW

FLOW_ID = "over-a-brew-2024-05"


def session():
    return Registry.from_dir(DATA_DIR).get(FLOW_ID)


def test_the_first_message_says_who_why_how_many_skip_stop_and_asks_to_start():
    flow = session()
    [ask] = advance(flow, new_state(flow), Reply("hi"), NOW).outputs
    for phrase in ("Over a Brew", "local services", "5 short questions", "SKIP", "STOP",
                   "Reply YES or NO"):
        assert phrase in ask.text


def test_there_are_five_numbered_questions_and_an_invite_consent_question():
    flow = session()
    numbered = sorted((s.number, s.kind) for s in flow.steps.values() if s.number)
    assert numbered == [(n, "open") for n in range(1, 6)]
    assert flow.step("invites").consent == "invites"


def test_no_question_uses_the_word_co_production():
    flow = session()
    assert not any("production" in s.text.render().lower() for s in flow.steps.values())


def test_every_text_fits_in_two_gsm7_segments_with_no_errors():
    flow = session()
    assert [f for f in check_flow(flow) if f.level == "error"] == []
    for step in flow.steps.values():
        assert encoding(step.text.render(total=5)).name == "GSM-7"
