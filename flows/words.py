"""Every word a participant reads or hears, one catalogue per language. Pure, no I/O but reading
the catalogue files.

How to add a line (or a language):

1. Add it to `flows/data/words/en.yaml` under the section it belongs to (`replies`,
   `voice`, `invites`...), as `key: text`. `{name}` is a value filled in when it is said:
   `{org_name}`, `{org_description}` and `{org_phone}` always (from the ORG_* settings),
   anything else your code passes.
2. Use it with `words("section.key", language, name=value)`: the same call for texts and
   speech, in every package. A line missing from a language falls back to English, so
   a new English line works at once; add it to `pl.yaml` and `ar.yaml` too (the tests
   say which lines are missing).
3. `tests/test_participant_words.py` measures every line of every catalogue: reading
   age, sentence length, and SMS parts in the encoding the language needs.

A language is one file, `<code>.yaml`, with a header (`language`, `name` in the language
itself, `english_name`, `also_called`: other names people text to choose it, `direction`,
`checked_by_fluent_speaker`, `goodbye`: a call's last words, for languages other than
English `keywords`: the words people text in the language instead of SKIP, YES, VOUCHER...
(flows/keywords.py reads them and says which names there are), and a `calendar`: days,
months and how dates and times are written) and its `lines`.
A person chooses their language by texting its name ("POLSKI", "Polish", "العربية"), and
the LANGUAGES setting says which are on.
"""
from __future__ import annotations

import string
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Mapping

from flows import catalogue_files
from flows.catalogue_files import WORDS_DIR
from flows.keywords import normalise, unpadded
ENGLISH = "en"
# Filled into every line; the composition roots set them from the ORG_* settings.
_ORG: dict[str, str] = {"org_name": "Over a Brew",
                        "org_description": "a chat about local services",
                        "org_phone": "this number"}


@dataclass(frozen=True)
class Catalogue:
    """One language's words: key ("section.key") -> text with {placeholders}."""

    language: str
    name: str  # in the language itself ("Polski")
    english_name: str  # "Polish"
    direction: str  # "ltr" or "rtl"
    checked: bool  # has a fluent speaker read every line?
    lines: Mapping[str, str] = field(default_factory=dict)
    also_called: tuple[str, ...] = ()  # more names people use for it ("po polsku")
    # Days, months and how a time is written ("dziś, 14:00"); empty: English's own words.
    calendar: Mapping[str, object] = field(default_factory=dict)
    goodbye: str = "Goodbye."  # a call's last words, left off when the call goes on

    @cached_property  # asked on every text: is it a language's name?
    def names(self) -> frozenset[str]:
        """Every name of the language, as keywords are compared (lower case, no marks)."""
        return frozenset(normalise(n) for n in (self.language, self.name, self.english_name,
                                                *self.also_called))


def use_org(name: str, description: str, phone: str | None = None) -> None:
    """Name the organisation every line speaks for (from settings, at start)."""
    _ORG.update(org_name=name, org_description=description,
                org_phone=phone or "this number")


def org() -> dict[str, str]:
    """The organisation's values, as filled into every line."""
    return dict(_ORG)


def words(key: str, language: str = ENGLISH, /, **values: object) -> str:
    """The line `key` in `language` (else English), with its values filled in."""
    return template(key, language).format(**(_ORG | values))


def template(key: str, language: str = ENGLISH) -> str:
    """The line `key` in `language` (else English), unfilled; KeyError for an unknown key."""
    found = catalogues().get(language, _english()).lines.get(key)
    if found is None:
        found = _english().lines[key]
    return found


def placeholders(text: str) -> set[str]:
    """The {names} a line needs."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def language_of(code: str | None) -> str:
    """A shipped language code for `code` (any case, "pl-PL"), else English."""
    short = (code or "").strip().lower().split("-")[0].split("_")[0]
    return short if short in catalogues() else ENGLISH


def code_for(value: str | None) -> str | None:
    """The catalogue code a contacts file or a setting means ("Polish", "PL", "pl-PL",
    "polski" -> "pl"), or None when it names no shipped language."""
    plain = normalise((value or "").replace("_", "-"))
    short = plain.split("-")[0].split(" ")[0] if plain else ""
    for code, catalogue in catalogues().items():
        if plain in catalogue.names or short == code:
            return code
    return None


def language_named(text: str | None, among: tuple[str, ...]) -> str | None:
    """The language a whole message names ("POLSKI", " polish please", "العربية"), if it
    is one of `among`; words around a name ("I am Polish") are an answer, not a choice."""
    plain = normalise(text)
    for said in (plain, unpadded(plain)):
        for code in among:
            if code in catalogues() and said and said in catalogues()[code].names - {code}:
                return code
    return None


@cache  # the catalogues do not change while a process runs
def switched_on(requested: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The languages people may choose: those `requested` (English always), or with none
    requested every shipped catalogue with no line missing."""
    if not requested:
        return tuple(code for code in catalogues() if not missing(code))
    chosen = [code for code in requested if code in catalogues()]
    return tuple(dict.fromkeys([ENGLISH, *chosen]))


def missing(language: str) -> list[str]:
    """English keys the language has no line for (they fall back to English)."""
    lines = catalogues()[language].lines
    return [key for key in _english().lines if key not in lines]


@cache
def catalogues(directory: Path = WORDS_DIR) -> dict[str, Catalogue]:
    """Every catalogue in `directory`, English first, read once per process."""
    found = [_load(data) for data in catalogue_files.read(directory)]
    found.sort(key=lambda c: (c.language != ENGLISH, c.language))
    return {c.language: c for c in found}


def _english() -> Catalogue:
    return catalogues()[ENGLISH]


def _load(data: Mapping) -> Catalogue:
    lines = {f"{section}.{key}": " ".join(str(text).split()) if "\n" not in str(text).strip()
             else str(text).strip()
             for section, entries in (data.get("lines") or {}).items()
             for key, text in (entries or {}).items()}
    return Catalogue(language=data["language"], name=data["name"],
                     english_name=data["english_name"], direction=data.get("direction", "ltr"),
                     checked=bool(data.get("checked_by_fluent_speaker")), lines=lines,
                     also_called=tuple(data.get("also_called") or ()),
                     calendar=data.get("calendar") or {},
                     goodbye=str(data.get("goodbye") or "Goodbye."))
