"""The optional question "Can we share your words, without your name?" on a question set."""
from __future__ import annotations

from dataclasses import replace

from flows import loader, sheet
from flows.engine import advance, new_state
from flows.model import Ask, Reply, SaveConsent, Start
from flows.sheet import Question, en
from tests.flows.transcript import NOW


def one_question(consents: tuple[str, ...]):
    written = replace(sheet.new("Buses"), consents=consents,
                      questions=(Question("q1", "open", en("What would make buses better?")),))
    return loader.build(sheet.to_data(written, "buses", 1)), written


def play(flow, *events):
    state, said = new_state(flow), []
    for event in events:
        result = advance(flow, state, event, NOW)
        state, said = result.state, said + list(result.outputs)
    return said


def test_a_new_set_does_not_ask_it_unless_the_organiser_ticks_it():
    flow, _ = one_question(sheet.new("Buses").consents)
    assert "quotes" not in flow.steps and sheet.new("x").consents == ("invites",)


def test_when_asked_a_yes_is_kept_as_consent_to_be_quoted_and_the_set_reads_back():
    flow, written = one_question(("invites", "quotes"))
    said = play(flow, Start(), Reply("yes"), Reply("more of them"), Reply("no"), Reply("yes"))
    asked = [o.text for o in said if isinstance(o, Ask)]
    assert any(t.startswith("Can we share your words, without your name?") for t in asked)
    consents = [(o.topic, o.granted) for o in said if isinstance(o, SaveConsent)]
    assert consents == [("invites", False), ("quotes", True)]
    assert sheet.from_data(sheet.to_data(written, "buses", 1)).consents == ("invites", "quotes")
