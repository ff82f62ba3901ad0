"""What was done about a theme ("we did"), and the short "you said, we did" text.

An action says what was done, when, by whom (a team or organisation) and what changed.
The text goes out through the existing broadcast (brewline/surveys/broadcast.py), which
sends it only to people who answered and still agree to hear from us.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from brewline.themes.models import AnswerTag, ThemeAction
from flows.readability import MAX_SEGMENTS, encoding
from flows.words import words

MAX_WHAT = 300
MAX_IN_TEXT = 3  # themes in one "you said, we did" text: it stays within a few SMS parts


class Problem(ValueError):
    """An action we cannot record, with the reason in plain words."""


@dataclass(frozen=True)
class Entry:
    """What an organiser typed for one action."""

    theme: str
    what: str
    done_on: date
    done_by: str
    changed: str = ""


def record(session: Session, entry: Entry, user_id: int | None) -> ThemeAction:
    """Keep an action against a theme answers already have."""
    theme = " ".join(entry.theme.split()).lower()
    known = session.scalars(select(AnswerTag.id).where(AnswerTag.theme == theme)).first()
    if known is None:
        raise Problem("Choose a theme that answers have, such as one you accepted.")
    what, by = " ".join(entry.what.split()), " ".join(entry.done_by.split())
    if not what or not by:
        raise Problem("Say what was done and who did it.")
    action = ThemeAction(theme=theme, what=what[:MAX_WHAT], done_on=entry.done_on,
                         done_by=by[:120], changed=" ".join(entry.changed.split()) or None,
                         user_id=user_id)
    session.add(action)
    return action


def by_theme(session: Session, since: date | None = None,
             until: date | None = None) -> dict[str, list[ThemeAction]]:
    """Actions grouped by theme, newest first, optionally between two dates (inclusive)."""
    query = select(ThemeAction).order_by(ThemeAction.done_on.desc(), ThemeAction.id.desc())
    if since:
        query = query.where(ThemeAction.done_on >= since)
    if until:
        query = query.where(ThemeAction.done_on <= until)
    found: dict[str, list[ThemeAction]] = defaultdict(list)
    for action in session.scalars(query):
        found[action.theme].append(action)
    return dict(found)


def you_said_we_did(org: str, actions: dict[str, list[ThemeAction]]) -> str:
    """The short text: the newest action of up to three themes, as many as fit in the
    SMS parts a broadcast may take (the words are the catalogue's `we_did` lines)."""
    newest = sorted(((a[0].done_on, t, a[0]) for t, a in actions.items() if a), reverse=True)
    hello, more, pairs = words("we_did.hello", org_name=org), words("we_did.more"), []
    for _, theme, action in newest[:MAX_IN_TEXT]:
        pair = words("we_did.pair", theme=theme, what=_sentence(action.what))
        if encoding(" ".join([hello, *pairs, pair, more])).segments <= MAX_SEGMENTS:
            pairs.append(pair)
    return " ".join([hello, *pairs, more])


def _sentence(what: str) -> str:
    what = what.rstrip(" .")
    return what[:1].lower() + what[1:] if what[:2] != what[:2].upper() else what
