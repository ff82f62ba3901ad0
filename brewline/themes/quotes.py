"""Answers that may be quoted in public: only from people whose latest word on `quotes`
is yes, and never with a phone number in them.

An erased person's answers are deleted, so their words can never be quoted again.
"""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from brewline.people import audience
from brewline.surveys.models import Answer
from brewline.themes.models import AnswerTag

TOPIC = "quotes"  # the consent question "Can we share your words, without your name?"
# A run of digits that could be a phone number (or a code) is never quoted.
NUMBER = re.compile(r"\+?\d[\d\s-]{4,}\d")
LONGEST = 200


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
    cleaned = [clean(t) for t in rows if 3 <= len(t.split())]
    return [q for q in cleaned if q][:count]


def clean(text: str) -> str:
    """One line, numbers taken out, cut at a word if long."""
    text = NUMBER.sub("[number]", " ".join(text.split()))
    return text if len(text) <= LONGEST else text[:LONGEST].rsplit(" ", 1)[0] + "..."
