"""People text keywords in their own language: every word a Polish or Arabic line asks for
is understood, for everyone, and ordinary answers are still answers."""
from __future__ import annotations

import re

import pytest

from flows import catalogue_files
from flows.engine import new_state
from flows.invites import rsvp_answer
from flows.keywords import (ANSWER_WORDS, PADDING, PHRASES, Keyword, classify, is_answer,
                            is_greeting, normalise, translated)
from flows.loader import DATA_DIR, load_file
from flows.sheet import NO_WORDS, NOT_NOW_WORDS, START_WORDS, YES_WORDS
from flows.words import catalogues
from tests.flows.transcript import run

TRANSLATED = ("pl", "ar")
# Twilio answers these itself, in English, whatever the person's language.
TWILIO_WORDS = {"STOP", "START"}
NOT_KEYWORDS = {"SMS", "PIN"}  # capitals in Polish lines that are not words to text
# Polish shows a word to text in capitals; Arabic has none, so it uses «angle quotes».
ASKED_FOR = {
    "pl": re.compile(r"\b[A-ZĄĆĘŁŃÓŚŹŻ]{2,}(?: [A-ZĄĆĘŁŃÓŚŹŻ]{2,})*\b"),
    "ar": re.compile(r"«([^»]+)»|\b[A-Z]{2,}(?: [A-Z]{2,})*\b"),
}
ENGLISH_ASKED_FOR = re.compile(r"\b[A-Z]{2,}(?: [A-Z]{2,})*\b")
SHARED_SET = load_file(DATA_DIR / "over-a-brew-2024-05.yaml")


def lines_in(language: str) -> list[tuple[str, str]]:
    """(where, text) for every line of the language: its catalogue and the shipped set."""
    found = [(f"{language}.yaml[{key}]", text)
             for key, text in catalogues()[language].lines.items()]
    texts = [(f"set texts.{key}", text) for key, text in SHARED_SET.texts.items()]
    texts += [(f"set {step.id}.{field}", getattr(step, field))
              for step in SHARED_SET.steps.values()
              for field in ("text", "no_match") if getattr(step, field) is not None]
    return found + [(where, text.translations[language]) for where, text in texts
                    if language in text.translations]


def asked_for(language: str, text: str) -> set[str]:
    """The words a line tells people to text ("POMIŃ", "نعم")."""
    return {m.group(m.lastindex or 0) for m in ASKED_FOR[language].finditer(text)
            if m.group(0) not in NOT_KEYWORDS}


def recognised(word: str) -> bool:
    """Whether something in Brewline acts on the word when texted."""
    return (classify(word) is not None or is_greeting(word) or rsvp_answer(word) is not None
            or any(is_answer(word, name) for name in ANSWER_WORDS))


def english_keywords() -> set[str]:
    return {word for _, text in catalogues()["en"].lines.items()
            for word in ENGLISH_ASKED_FOR.findall(text)} | {"YES", "NO", "SKIP", "PAUSE",
                                                            "REPEAT"}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_word_a_polish_or_arabic_line_asks_people_to_text_is_understood(language):
    asked = {(where, word) for where, text in lines_in(language)
             for word in asked_for(language, text)}
    assert asked, "the lines ask for no keyword at all: the pattern is wrong"
    assert sorted((where, word) for where, word in asked if not recognised(word)) == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_polish_and_arabic_lines_ask_for_their_own_words_and_keep_only_stop_and_start(
        language):
    english = english_keywords() - TWILIO_WORDS
    left = sorted((where, word) for where, text in lines_in(language)
                  for word in asked_for(language, text) if word in english)
    assert left == []


def test_every_keyword_name_in_a_catalogue_is_one_the_service_knows():
    known = set(PHRASES) | set(ANSWER_WORDS) | set(PADDING)
    named = {(data["language"], name) for data in catalogue_files.read()
             for name in data.get("keywords") or {}}
    assert {(code, name) for code, name in named if name not in known} == set()
    assert {code for code, _ in named} >= set(TRANSLATED)


def test_a_phrase_means_one_keyword_only_in_every_language_together():
    seen: dict[str, str] = {}
    clashes = []
    for intent in PHRASES:
        for phrase in PHRASES[intent] | translated(intent):
            if seen.setdefault(phrase, intent) != intent:
                clashes.append((phrase, seen[phrase], intent))
    assert clashes == []


def test_no_polish_or_arabic_keyword_is_an_english_answer_word_so_all_can_be_understood_by_all():
    # Why every language's keywords work for everyone: none of them takes an English answer.
    english_answers = {normalise(w) for w in YES_WORDS + NO_WORDS + START_WORDS + NOT_NOW_WORDS}
    translated_keywords = set().union(*(translated(intent) for intent in PHRASES))
    assert translated_keywords & english_answers == set()
    answers = set().union(*(translated(name) for name in ANSWER_WORDS if name != "hello"))
    assert {word for word in answers if classify(word)} == set()


@pytest.mark.parametrize("text, intent", [
    ("pomiń", "skip"), ("POMIN", "skip"), ("Dalej", "skip"), ("następne pytanie", "skip"),
    ("POWTÓRZ", "repeat"), ("jeszcze raz", "repeat"), ("pauza", "pause"),
    ("Nie teraz.", "pause"), ("pomoc", "help"), ("zadzwoń do mnie", "call_me"),
    ("usuń moje dane", "erase"), ("bon", "voucher"), ("Mój kod", "voucher"),
    ("nie piszcie do mnie", "opt_out"), ("pomiń, proszę", "skip"), ("bon dziękuję", "voucher"),
    ("تخطي", "skip"), ("التالي", "skip"), ("كرر", "repeat"), ("أعد", "repeat"),
    ("اعد", "repeat"), ("استراحة", "pause"), ("ليس الآن", "pause"), ("مساعدة", "help"),
    ("اتصل بي", "call_me"), ("احذف بياناتي", "erase"), ("قسيمة", "voucher"),
    ("الرمز", "voucher"), ("من فضلك تخطي", "skip"), ("قسيمة، شكرًا", "voucher"),
])
def test_polish_and_arabic_keywords_are_recognised_for_anyone(text, intent):
    assert classify(text) == Keyword(intent)


@pytest.mark.parametrize("text", [
    "nie wiem, może później zobaczę", "Dalej jest źle z autobusami", "pomoc w domu by się przydała",
    "bon appetit", "كرر الموظفون نفس الكلام", "الرمز البريدي خطأ دائما",
])
def test_an_ordinary_answer_that_contains_a_keyword_word_is_still_an_answer(text):
    assert classify(text) is None


@pytest.mark.parametrize("text, name", [
    ("tak", "yes"), ("TAK!", "yes"), ("tak, proszę", "yes"), ("nie", "no"), ("نعم", "yes"),
    ("لا", "no"), ("nie dziękuję", "no_thanks"), ("لا شكرا", "no_thanks"), ("USUŃ", "delete"),
    ("احذف", "delete"), ("może", "maybe"), ("ربما", "maybe"),
])
def test_answers_in_polish_and_arabic_are_known_by_what_they_answer(text, name):
    assert is_answer(text, name)


def test_a_greeting_in_polish_or_arabic_is_a_hello_not_an_answer():
    assert is_greeting("Cześć, już jestem") and is_greeting("مرحبا") and is_greeting("CZEŚĆ")


# The shipped set, in the engine: transcripts.

def test_a_polish_texter_answers_the_welcome_with_tak_and_skips_with_pomin():
    state, lines = run(SHARED_SET, ["Cześć", "tak", "pomiń"], new_state(SHARED_SET, "pl"))
    assert lines[1] == "save welcome: 'tak'=yes"
    assert lines[2].startswith("ask value: Pytanie 1 z 5")
    assert lines[3:5] == ["save value: skipped",
                          "say: Nie ma sprawy, pominęliśmy to pytanie."]
    assert lines[5].startswith("ask promises: Pytanie 2 z 5")
    assert state.skipped == ("value",)


def test_a_polish_texter_who_texts_powtorz_hears_the_question_again():
    state, lines = run(SHARED_SET, ["Cześć", "tak", "POWTÓRZ"], new_state(SHARED_SET, "pl"))
    assert lines[-1] == lines[2] and lines[-1].startswith("ask value: Pytanie 1 z 5")
    assert state.answered == ("welcome",)


def test_an_arabic_texter_who_texts_takhatti_skips_the_question():
    state, lines = run(SHARED_SET, ["مرحبا", "نعم", "تخطي"], new_state(SHARED_SET, "ar"))
    assert lines[1] == "save welcome: 'نعم'=yes"
    assert lines[3:5] == ["save value: skipped", "say: لا مشكلة، تخطينا هذا السؤال."]
    assert state.skipped == ("value",)


def test_english_keywords_still_work_for_a_polish_texter():
    state, lines = run(SHARED_SET, ["hi", "YES", "skip"], new_state(SHARED_SET, "pl"))
    assert "save value: skipped" in lines
    assert state.skipped == ("value",)


def test_a_polish_answer_that_mentions_later_is_kept_as_the_answer():
    answer = "nie wiem, może później zobaczę"
    state, lines = run(SHARED_SET, ["Cześć", "tak", answer], new_state(SHARED_SET, "pl"))
    assert lines[3] == f"save value: {answer!r}"
    assert state.answered == ("welcome", "value") and state.status == "active"


def test_a_set_written_in_english_only_still_takes_tak_and_nie_for_yes_and_no():
    every_kind = load_file(DATA_DIR.parent.parent / "tests/flows/data/every_kind.yaml")
    _, lines = run(every_kind, ["hi", "tak"], new_state(every_kind, "pl"))
    assert lines[-2] == "save ready: 'tak'=yes"
