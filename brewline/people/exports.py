"""Export columns for contacts: their tags, and their latest word on hearing from us."""
from __future__ import annotations

from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from brewline.people import audience, tags


def contact_columns(session: Session) -> Callable[[int], dict]:
    """A function giving the tags and latest invite answer (yes/no/blank) of a contact."""
    tagged = tags.of(session)
    consent = audience.latest_consent()
    granted = dict(session.execute(select(consent.c.contact_id, consent.c.granted)).all())
    answer = {True: "yes", False: "no", None: None}
    return lambda cid: {"tags": " ".join(tagged.get(cid, [])),
                        "invites": answer[granted.get(cid)]}
