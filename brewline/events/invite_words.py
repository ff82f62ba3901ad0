"""What is wrong with an invite's text, in words an organiser can act on.

The checks are flows/readability.py's, the same as `brewline flows check`; here each
finding says what to change and why, never "GSM-7" or "UCS-2". Errors stop an invite
from being created, sent or scheduled; warnings are worth reading first.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flows.readability import (
    CURLY,
    GSM7_BASIC,
    GSM7_EXTENDED,
    MAX_SEGMENTS,
    MAX_SENTENCE_WORDS,
    Finding,
    encoding,
)

# How many characters fit in MAX_SEGMENTS joined parts: plain texts, and texts with a
# character from outside the plain set (which shrinks every part to 67).
FITS = {"GSM-7": 153 * MAX_SEGMENTS, "UCS-2": 67 * MAX_SEGMENTS}


@dataclass(frozen=True)
class Problems:
    """An invite's problems: errors must be fixed before it can go; warnings are advice."""

    errors: list[str]
    warnings: list[str]

    def refusal(self) -> str:
        """Why the invite cannot go, in one paragraph."""
        return "The invite needs changing first. " + " ".join(self.errors)


def _listed(chars: list[str]) -> str:
    shown = [f"\u201c{c}\u201d" for c in chars]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _characters(text: str, finding: Finding) -> str:
    odd = sorted({c for c in text if c not in GSM7_BASIC and c not in GSM7_EXTENDED
                  and c not in CURLY})
    this = "this character makes" if len(odd) == 1 else "these characters make"
    return (f"Take out {_listed(odd)}: {this} every text cost about twice as much, and "
            "some phones cannot show them.")


def _curly(text: str, finding: Finding) -> str:
    curly = sorted({c for c in text if c in CURLY})
    return (f"Use plain quotes and dashes instead of {_listed(curly)}: curly ones make "
            "every text cost about twice as much.")


def _length(text: str, finding: Finding) -> str:
    enc = encoding(text)
    plain = encoding("".join(c for c in text if c in GSM7_BASIC or c in GSM7_EXTENDED))
    too_many = (f"It would go as {enc.segments} texts joined together, each paid for, and "
                f"invites are kept to {MAX_SEGMENTS}.")
    if enc.name != plain.name and plain.segments <= MAX_SEGMENTS:
        # Only the special characters make it long: taking them out is the whole fix.
        return (f"{too_many} That is because of the special characters: without them it "
                f"goes as {plain.segments}.")
    over = plain.units - FITS[plain.name]
    return (f"Make it shorter by about {over} characters. {too_many} Shorten the title, the "
            "place or the extra sentence.")


def _jargon(text: str, finding: Finding) -> str:
    word = finding.message.split("'")[1] if finding.message.count("'") >= 2 else "a word"
    return f"\u201c{word}\u201d is not a word everyone uses: say it in plain words."


def _sentence(text: str, finding: Finding) -> str:
    words = "".join(c for c in finding.message.split(")")[0] if c.isdigit())
    return (f"One sentence has {words} words. Sentences of {MAX_SENTENCE_WORDS} words or "
            "fewer are easier to read.")


def _reading(text: str, finding: Finding) -> str:
    return ("Some people may find it hard to read. Shorter sentences and everyday words "
            "make it easier.")


SAY: dict[str, Callable[[str, Finding], str]] = {
    "characters": _characters, "curly": _curly, "length": _length, "jargon": _jargon,
    "sentence": _sentence, "reading": _reading}


def problems(text: str, findings: list[Finding]) -> Problems:
    """The findings for an invite's text, told apart and in plain words."""
    said = [(f.level, SAY.get(f.kind, lambda _t, f: f.message)(text, f)) for f in findings]
    return Problems(errors=[words for level, words in said if level == "error"],
                    warnings=[words for level, words in said if level != "error"])
