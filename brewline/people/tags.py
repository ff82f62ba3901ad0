"""Contact tags (e.g. north-tyneside): labels organisers use to pick an audience."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from brewline.people.models import Tag
from brewline.platform import bulk

_TAG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")


def clean(name: str) -> str:
    """A tag as stored: lower case, spaces as dashes; ValueError when it cannot be one."""
    tag = "-".join(name.strip().lower().split())
    if not _TAG.match(tag):
        raise ValueError(f"a tag is letters, digits and dashes (up to 60), not {name!r}")
    return tag


def add(session: Session, name: str, contact_ids: list[int], now: datetime) -> int:
    """Tag these contacts (those already tagged are left as they are); returns how many."""
    have = set(session.scalars(select(Tag.contact_id).where(Tag.name == name)))
    new = sorted(set(contact_ids) - have)
    if new:
        bulk.insert_rows(session, Tag, [{"contact_id": c, "name": name, "created_at": now}
                                      for c in new])
    return len(new)


def of(session: Session) -> dict[int, list[str]]:
    """Every contact's tags, sorted."""
    query = select(Tag.contact_id, Tag.name).order_by(Tag.contact_id, Tag.name)
    found: dict[int, list[str]] = {}
    for contact_id, name in session.execute(query):
        found.setdefault(contact_id, []).append(name)
    return found
