"""Keywords work in any case, with punctuation, and in the phrases people write."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.keywords import Keyword, classify, is_greeting, matches, normalise


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


@pytest.mark.parametrize("text", [
    "please stop texting me", "Please stop texting me.", "Can you stop texting me?",
    "could you please stop sending me messages", "Stop texting me, thanks",
    "PLEASE CAN YOU STOP TEXTING ME THANK YOU", "stop please!", "Hi, please stop texting me x",
    "I want to stop", "stop now",
])
def test_stop_phrases_work_with_the_politeness_people_add(text):
    assert classify(text) == Keyword("opt_out")


@pytest.mark.parametrize("text", [
    "Please stop wasting money on consultants", "Can you stop the buses being late please",
    "please", "thank you", "Stop calling me love, it is patronising thanks",
])
def test_politeness_around_a_sentence_that_mentions_stopping_leaves_it_an_answer(text):
    assert classify(text) is None


@pytest.mark.parametrize("text", [
    "voucher please", "my voucher", "Can I have my voucher?", "code", "My code please",
    "could I have the voucher please", "what's my code?", "send me my voucher", "Voucher code",
])
def test_asking_for_a_voucher_in_plain_words_is_the_voucher_keyword(text):
    assert classify(text) == Keyword("voucher")


@pytest.mark.parametrize("text", ["hi", "Hi, I'm back", "hello again!", "back now",
                                  "Hiya, I'm ready", "ok I'm back now", "Good morning"])
def test_a_greeting_or_im_back_is_recognised(text):
    assert is_greeting(text)


@pytest.mark.parametrize("text", ["", "thanks", "Hi, I think the buses are too expensive",
                                  "back pain stops me going out", "I am a carer"])
def test_words_with_something_to_say_are_not_a_greeting(text):
    assert not is_greeting(text)
