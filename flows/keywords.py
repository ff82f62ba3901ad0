"""Recognise keywords and the plain phrases people use for them."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from flows import catalogue_files

# Twilio answers these single words itself (Advanced Opt-Out defaults), so we stay quiet.
TWILIO_STOP_WORDS = frozenset(
    {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout", "revoke"})
TWILIO_START_WORDS = frozenset({"start", "unstop"})

# Exact phrases (after normalising) for each intent.
PHRASES: dict[str, frozenset[str]] = {
    "opt_out": frozenset({
        "stop texting me", "stop texting", "stop messaging me", "stop sending me messages",
        "stop sending messages", "stop contacting me", "no more messages", "no more texts",
        "dont text me", "do not text me", "dont text me again", "do not text me again",
        "please stop", "stop please", "leave me alone", "unsubscribe me", "stop it",
        "remove me", "take me off your list", "opt out", "stop all",
        # Said (or texted) about our calls: opting out stops calls and texts alike.
        "stop calling me", "stop calling", "stop ringing me", "stop ringing", "stop phoning me",
        "please stop calling me", "stop calling me please", "please stop ringing me",
        "stop ringing me please", "dont call me", "do not call me", "dont call me again",
        "do not call me again", "dont ring me", "do not ring me", "dont ring me again",
        "do not ring me again", "dont phone me again", "do not phone me again",
        "no more calls", "no more phone calls",
    }),
    "opt_in": frozenset({"start again", "unstop", "opt in", "resume texts"}),
    "help": frozenset({"help", "info", "help me", "what is this", "who is this", "help please"}),
    "skip": frozenset({
        "skip", "skip it", "skip this", "skip this one", "skip question", "next",
        "next question", "pass", "id rather not say", "rather not say",
    }),
    "repeat": frozenset({
        "repeat", "again", "say again", "say that again", "repeat that",
        "repeat the question", "what was the question", "resend", "send again",
    }),
    "pause": frozenset({
        "pause", "later", "break", "not now", "take a break", "another time", "busy",
        "later please", "im busy", "can i do this later", "talk later", "wait",
    }),
    "call_me": frozenset({
        "call", "call me", "ring me", "phone me", "can you call me", "can you ring me",
        "please call me", "please ring me", "call me please", "ring me please",
        "could you call me", "could you ring me", "can someone call me",
    }),
    "erase": frozenset({
        "delete my data", "delete me", "erase my data", "erase me", "forget me",
        "delete my details", "remove my data", "delete my answers",
    }),
    "voucher": frozenset({
        "voucher", "my voucher", "vouchers", "the voucher", "send my voucher", "send voucher",
        "voucher code", "my voucher code", "code", "my code", "the code", "send my code",
        "send code", "gift card", "my gift card", "voucher again", "my voucher again",
        "code again", "my code again", "whats my code", "what is my code", "what was my code",
        "where is my voucher", "wheres my voucher", "lost my code", "i lost my code",
        "ive lost my code", "resend my code", "resend code", "resend my voucher",
    }),
}
# What people put around a keyword to be polite ("please stop texting me, thanks"), in
# normalised words. Only whole phrases at either end are taken off, so a sentence that
# merely mentions stopping ("please stop wasting money") is still an answer.
LEADING = (
    "please", "pls", "plz", "kindly", "just", "hi", "hello", "hey", "hiya", "ok", "okay", "oh",
    "sorry", "can you", "could you", "would you", "will you", "can u", "could u",
    "can i have", "could i have", "may i have", "can i get", "could i get", "can i",
    "i want to", "i would like to", "id like to", "i want", "i would like", "id like",
    "send me", "i need",
)
TRAILING = (
    "please", "pls", "plz", "thanks", "thank you", "thankyou", "thank u", "ta", "cheers",
    "thanks very much", "thank you very much", "many thanks", "x", "xx", "xxx", "now",
)
# Words that, on their own or together, mean "I'm back" rather than an answer after a
# pause: "hi", "hello again!", "hi, I'm back", "back now", "ok I'm ready".
GREETING_WORDS = frozenset({
    "hi", "hello", "hiya", "hey", "heya", "hullo", "good", "morning", "afternoon", "evening",
    "again", "im", "i", "am", "back", "now", "ready", "here", "its", "me", "ok", "okay",
    "yes", "yeah", "yep", "right", "sorry", "carry", "on", "continue", "go", "lets",
    "resume", "start", "there", "all",
})
MAX_GREETING_WORDS = 6
# Each catalogue's `keywords:` (flows/data/words/<code>.yaml) adds the words people text in
# that language. Names that are intents (the PHRASES above) become keywords everywhere; these
# others answer something we asked and count only where it was asked: yes and no (a choice
# question whose value is yes or no, and a voucher offer), maybe (an invite), no_thanks (a
# voucher offer), delete (confirming "delete my data"), hello (starting or coming back, as
# the greeting words above). polite_before and polite_after are padding, as LEADING and
# TRAILING. STOP and START stay English in every language: Twilio answers them itself.
#
# Every shipped language's keywords are recognised for everyone, not only for people whose
# language is recorded as that one: someone recorded wrongly can still text "pomiń", and
# the scripts and words do not collide (no Polish or Arabic keyword is an English answer
# word; tests/flows/test_keyword_languages.py checks), so nobody's answer is taken away.
ANSWER_WORDS = ("yes", "no", "maybe", "no_thanks", "delete", "hello", "coming", "not_coming")
PADDING = ("polite_before", "polite_after")
_WORD_ONLY = re.compile(r"[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Keyword:
    """A recognised keyword: the intent, and whether Twilio already replied to it."""

    intent: str
    twilio_handles: bool = False


@lru_cache(maxsize=4096)  # each text is compared with many word lists
def normalise(text: str | None) -> str:
    """Lower case, no punctuation or emoji, single spaces: how keywords are compared."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("'", "").replace("\u2019", "")
    return " ".join(_WORD_ONLY.sub(" ", folded).split())


def classify(text: str | None) -> Keyword | None:
    """The keyword a message means, or None when it is ordinary words."""
    plain = normalise(text)
    if plain in TWILIO_STOP_WORDS:
        return Keyword("opt_out", twilio_handles=True)
    if plain in TWILIO_START_WORDS:
        return Keyword("opt_in", twilio_handles=True)
    return _phrase(plain) or _phrase(unpadded(plain))


def _phrase(plain: str) -> Keyword | None:
    for intent in PHRASES:
        if plain in phrases(intent):
            return Keyword(intent)
    # "stop please" is ours to answer: Twilio only acts on the single word.
    if plain in TWILIO_STOP_WORDS:
        return Keyword("opt_out")
    return Keyword("opt_in") if plain in TWILIO_START_WORDS else None


@lru_cache(maxsize=4096)  # one text asks this of the same words several times
def unpadded(plain: str) -> str:
    """Normalised words without the politeness around them: "can you stop texting me
    thanks" -> "stop texting me". Whole phrases only, from either end."""
    words = plain.split()
    leading, trailing = _padding()
    trimmed = True
    while trimmed and words:
        trimmed = _trim(words, leading, front=True) or _trim(words, trailing, front=False)
    return " ".join(words)


def _trim(words: list[str], padding: Padding, front: bool) -> bool:
    """Take the longest phrase of `padding` off one end of `words`, never every word."""
    for size in padding.sizes:  # most words first: the longest phrase that fits wins
        end = slice(0, size) if front else slice(len(words) - size, len(words))
        if size < len(words) and " ".join(words[end]) in padding.phrases:
            del words[end]
            return True
    return False


def is_greeting(text: str | None) -> bool:
    """Whether a message only says hello or "I'm back" ("Hi, I'm back!", "hello again")."""
    words = normalise(text).split()
    greeting = _greeting_words()
    return 0 < len(words) <= MAX_GREETING_WORDS and all(w in greeting for w in words)


@cache
def phrases(intent: str) -> frozenset[str]:
    """Every phrase that means `intent`: the English ones and every catalogue's."""
    return PHRASES.get(intent, frozenset()) | translated(intent)


def is_answer(text: str | None, name: str) -> bool:
    """Whether a message is one of the catalogues' `name` words (ANSWER_WORDS: "tak" for
    yes, "nie dziękuję" for no_thanks), in any shipped language."""
    plain = normalise(text)
    return bool(plain) and (plain in translated(name) or unpadded(plain) in translated(name))


def translated(name: str) -> frozenset[str]:
    """The words every shipped catalogue gives for keyword `name`, normalised."""
    return _catalogue_keywords().get(name, frozenset())


# Joined once per process: keywords are looked up on every text.

@dataclass(frozen=True)
class Padding:
    """Polite phrases for one end of a message, and how many words they come in."""

    phrases: frozenset[str]
    sizes: tuple[int, ...]  # most words first


@cache
def _padding() -> tuple[Padding, Padding]:
    """LEADING and TRAILING with every catalogue's polite words."""
    return tuple(_padding_of(frozenset(english) | translated(name))
                 for english, name in ((LEADING, "polite_before"), (TRAILING, "polite_after")))


def _padding_of(phrases: frozenset[str]) -> Padding:
    return Padding(phrases, tuple(sorted({len(p.split()) for p in phrases}, reverse=True)))


@cache
def _greeting_words() -> frozenset[str]:
    return GREETING_WORDS | {w for said in translated("hello") for w in said.split()}


@cache
def _catalogue_keywords() -> dict[str, frozenset[str]]:
    # Read when a keyword is first looked up, never at import, as the lines are.
    merged: dict[str, frozenset[str]] = {}
    for data in catalogue_files.read():
        for name, said in (data.get("keywords") or {}).items():
            plain = {normalise(str(w)) for w in said or ()} - {""}
            merged[name] = merged.get(name, frozenset()) | plain
    return merged


def matches(text: str | None, words: tuple[str, ...]) -> bool:
    """Whether a message is one of `words` (already normalised), ignoring punctuation."""
    if not text:
        return False
    # Emoji-only words (a thumbs up) vanish when normalised, so compare them raw too.
    return normalise(text) in words or text.strip() in words
