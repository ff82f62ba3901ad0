"""Finding people on the Contacts page: by name, tag, participant id or the last digits of
their number (typed any usual way: "0123", "900 123", "07700 900123", "+44 7700...")."""
from __future__ import annotations

import re

from sqlalchemy import ColumnElement, exists, func, or_, true

from brewline.people.models import Contact, Tag

MIN_DIGITS = 3  # fewer would match most of the list
_NOT_DIGITS = re.compile(r"[\s()+.-]")


def _digits(query: str) -> str | None:
    """The digits to match the end of a number with, or None if the query is not a number."""
    digits = _NOT_DIGITS.sub("", query)
    if not digits.isdigit():
        return None
    # A number typed in full starts with 0 (or 44, 0044): E.164 keeps only what follows.
    return re.sub(r"^(?:00)?(?:44)?0*", "", digits) if len(digits) > 9 else digits


def matching(query: str) -> ColumnElement[bool]:
    """Who the Contacts page shows for a search (everyone for an empty one)."""
    query = " ".join(query.split())[:100]
    if not query:
        return true()
    digits = _digits(query)
    if digits is not None and len(digits) >= MIN_DIGITS:
        return Contact.phone.endswith(digits, autoescape=True)
    words = query.lower()
    tag = "-".join(words.split())
    return or_(func.lower(Contact.name).contains(words, autoescape=True),
               Contact.pid == words,
               exists().where(Tag.contact_id == Contact.id,
                              Tag.name.contains(tag, autoescape=True)))
