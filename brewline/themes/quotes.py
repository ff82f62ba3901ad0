"""Answers that may be quoted in public: only from people whose latest word on `quotes`
is yes, never with a phone number in them, and never naming anyone in our contacts.

An erased person's answers are deleted, so their words can never be quoted again.
"""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from brewline.people import audience
from brewline.people.models import Contact
from brewline.surveys.models import Answer
from brewline.themes.models import AnswerTag

TOPIC = "quotes"  # the consent question "Can we share your words, without your name?"
# A run of digits that could be a phone number (or a code) is never quoted.
NUMBER = re.compile(r"\+?\d[\d\s-]{4,}\d")
LONGEST = 200
WORD = re.compile(r"[^\W\d_]+")


def consented(session: Session, theme: str, start: datetime, end: datetime,
              count: int = 2) -> list[str]:
    """Up to `count` quotes for a theme from answers given between start and end."""
    consent = audience.latest_consent(TOPIC)
    words = func.coalesce(Answer.text, Answer.transcript)
    rows = session.execute(
        select(words).join(AnswerTag, AnswerTag.answer_id == Answer.id)
        .join(consent, consent.c.contact_id == Answer.contact_id)
        .where(AnswerTag.theme == theme, consent.c.granted == true(),
               Answer.created_at >= start, Answer.created_at < end, words.is_not(None))
        .order_by(func.length(words).desc(), Answer.id)).scalars().all()
    names = known_names(session)
    cleaned = [clean(t) for t in rows if 3 <= len(t.split()) and not _names_anyone(t, names)]
    return [q for q in cleaned if q][:count]


def known_names(session: Session) -> frozenset[str]:
    """Every word of every name in our contacts (lower case, three letters or more)."""
    found = session.scalars(select(Contact.name).where(Contact.name.is_not(None)))
    return frozenset(word for name in found for word in WORD.findall(name.casefold())
                     if len(word) >= 3)


def _names_anyone(text: str, names: frozenset[str]) -> bool:
    # A whole quote is left out rather than blanked: "[name]" in a report reads oddly,
    # and another answer can be quoted instead. Lower case too: texts often are.
    return any(word in names for word in WORD.findall(text.casefold()))


def clean(text: str) -> str:
    """One line, numbers taken out, cut at a word if long."""
    text = NUMBER.sub("[number]", " ".join(text.split()))
    return text if len(text) <= LONGEST else text[:LONGEST].rsplit(" ", 1)[0] + "..."
