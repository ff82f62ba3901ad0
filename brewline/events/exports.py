"""Exporting RSVPs: every answer about coming to an event, oldest first."""
from __future__ import annotations

from typing import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from brewline.events.models import Event, Rsvp
from brewline.people.models import Contact


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
