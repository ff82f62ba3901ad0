"""Keywords work in any case, with punctuation, and in the phrases people write."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.keywords import Keyword, classify, matches, normalise


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


@pytest.mark.parametrize("text", [
    "Stop calling me", "stop calling me!", "STOP RINGING ME", "Stop ringing me, please",
    "Don't call me again", "do not call me again.", "Don’t ring me", "Please stop calling me",
    "No more calls",
])
def test_asking_us_to_stop_calling_opts_out_like_stop_contacting_me(text):
    assert classify(text) == classify("stop contacting me") == Keyword("opt_out")


@pytest.mark.parametrize("text", [
    "Stop calling me love, it is patronising", "I wish the council would stop ringing me",
    "They never stop calling me about the bins", "Don't call me a service user",
    "Do not call me before 10am please", "The doctors stop ringing me back",
    "Stop calling it co-production",
])
def test_sentences_that_mention_calling_are_answers_not_stop(text):
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
