"""Who came to an event (marked by an organiser): what earns an event's voucher."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session

from brewline.events.models import Attendance, Event
from brewline.people import audience, tags
from brewline.people.models import Contact


BY_PHONE = "by phone"


def record(session: Session, event_id: int, contact: Contact, now: datetime,
           how: str | None = None) -> bool:
    """Mark the person as having come to the event (`how`: BY_PHONE when they listened
    in on the live call); False if they were already marked."""
    if session.scalar(select(Attendance.id).where(
            Attendance.event_id == event_id, Attendance.contact_id == contact.id)):
        return False
    session.add(Attendance(event_id=event_id, contact_id=contact.id, created_at=now, how=how))
    session.flush()
    return True


def count_by_phone(session: Session, event_id: int) -> int:
    """How many came to the event by listening in on its live call."""
    return session.scalar(select(func.count()).select_from(Attendance).where(
        Attendance.event_id == event_id, Attendance.how == BY_PHONE)) or 0


def who_came(event_id: int) -> Select:
    """(id, phone_only, cannot_text) of everyone marked as having come to the event who
    agreed to hear from us: who is asked to say how it went."""
    return audience.consenting().where(exists().where(
        Attendance.event_id == event_id, Attendance.contact_id == Contact.id))


def chosen_people(session: Session, tag: str | None, event_id: int | None) -> tuple[Select, str]:
    """Who to ask, with how to say it: everyone agreeing with a tag, or who came to an
    event (ValueError, in plain words, for an unknown event or a bad tag)."""
    if event_id is not None:
        if session.get(Event, event_id) is None:
            raise ValueError(f"there is no event {event_id}: see `brewline events list`")
        return who_came(event_id), f"people who came to event {event_id}"
    if not tag:
        raise ValueError("say who to ask: people with a tag, or who came to an event")
    name = tags.clean(tag)
    return audience.consenting(name), f"people tagged {name}"
