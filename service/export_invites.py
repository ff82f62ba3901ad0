"""Export columns for invites: RSVPs, and each contact's tags and invite consent."""
from __future__ import annotations

from typing import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import audience, tags
from service.store import Contact, Event, Rsvp


def contact_columns(session: Session) -> Callable[[int], dict]:
    """A function giving the tags and latest invite answer (yes/no/blank) of a contact."""
    tagged = tags.of(session)
    consent = audience.latest_consent()
    granted = dict(session.execute(select(consent.c.contact_id, consent.c.granted)).all())
    answer = {True: "yes", False: "no", None: None}
    return lambda cid: {"tags": " ".join(tagged.get(cid, [])),
                        "invites": answer[granted.get(cid)]}


def rsvps(session: Session, include_phone: bool, person: Callable) -> Iterable[dict]:
    """Every RSVP, oldest first; the latest per person and event is the one that counts."""
    rows = session.execute(select(Rsvp, Event, Contact).join(Event, Event.id == Rsvp.event_id)
                           .join(Contact, Contact.id == Rsvp.contact_id).order_by(Rsvp.id))
    for rsvp, event, contact in rows:
        yield person(contact, include_phone) | {
            "event": event.id, "event_title": event.title,
            "event_starts": event.starts_at.isoformat(), "event_status": event.status,
            "answer": rsvp.answer, "said": rsvp.said, "channel": rsvp.channel,
            "time": rsvp.created_at.isoformat()}
