"""Keywords work in any case, with punctuation, and in the phrases people write."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.keywords import classify, matches, normalise


@pytest.mark.parametrize("text, intent, twilio", [
    ("STOP", "opt_out", True), (" stop. ", "opt_out", True), ("Unsubscribe", "opt_out", True),
    ("Stop texting me!!", "opt_out", False), ("no more messages", "opt_out", False),
    ("Don't text me", "opt_out", False), ("START", "opt_in", True), ("unstop", "opt_in", True),
    ("Help?", "help", False), ("skip", "skip", False), ("Skip this one", "skip", False),
    ("REPEAT", "repeat", False), ("say that again", "repeat", False),
    ("pause", "pause", False), ("Later", "pause", False), ("BREAK!", "pause", False),
    ("Call me", "call_me", False), ("can you ring me?", "call_me", False),
    ("Delete my data", "erase", False), ("VOUCHER", "voucher", False),
])
def test_keywords_are_recognised_in_their_usual_forms(text, intent, twilio):
    keyword = classify(text)
    assert keyword is not None and (keyword.intent, keyword.twilio_handles) == (intent, twilio)


@pytest.mark.parametrize("text", [
    "Stop wasting money on consultants", "I need help with transport to sessions",
    "the tea", "", None, "👍", "Later in life I learned a lot",
])
def test_ordinary_answers_are_never_taken_for_keywords(text):
    assert classify(text) is None


def test_normalising_drops_case_punctuation_and_extra_spaces():
    assert normalise("  Can't   MAKE it!! ") == "cant make it"


def test_an_emoji_choice_word_matches_even_though_normalising_removes_it():
    assert matches("👍", ("yes", "👍"))
    assert not matches("🙂", ("yes", "👍"))


@given(st.text(max_size=200))
def test_classifying_any_text_never_fails(text):
    keyword = classify(text)
    assert keyword is None or keyword.intent
