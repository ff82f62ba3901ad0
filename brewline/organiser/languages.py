"""The languages people may take part in, as organisers see them: which are switched on
(LANGUAGES), and whether a fluent speaker has checked each catalogue's words."""
from __future__ import annotations

from flask import Flask

from brewline.organiser.guard import runtime
from flows.words import Catalogue, catalogues, missing, switched_on


def switched(include_english: bool = False) -> tuple[Catalogue, ...]:
    """The catalogues of the languages switched on, English first (or left out)."""
    codes = switched_on(runtime().settings.languages)
    return tuple(catalogues()[c] for c in codes if include_english or c != "en")


def name_of(code: str | None) -> str:
    """'Polish' for 'pl'; a code with no catalogue as it is ('cy'); English when unknown."""
    found = catalogues().get(code or "en")
    return found.english_name if found else code or "English"


def direction_of(code: str | None) -> str:
    """'rtl' for a right-to-left language, else 'ltr' (for the dir attribute)."""
    found = catalogues().get(code or "en")
    return found.direction if found else "ltr"


def status() -> list[dict]:
    """Every shipped language: on or off, checked by a fluent speaker or not, lines missing."""
    on = set(switched_on(runtime().settings.languages))
    return [{"catalogue": c, "on": c.language in on, "missing": len(missing(c.language))}
            for c in catalogues().values()]


def register(app: Flask) -> None:
    """Templates reach these as globals (macros imported without context can too)."""
    app.jinja_env.globals.update(other_languages=switched, language_name=name_of,
                                 language_direction=direction_of, language_status=status)
