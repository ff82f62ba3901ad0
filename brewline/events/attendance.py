"""Who came to an event (marked by an organiser): what earns an event's voucher."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from brewline.events.models import Attendance
from brewline.people import audience
from brewline.people.models import Contact


def record(session: Session, event_id: int, contact: Contact, now: datetime) -> bool:
    """Mark the person as having come to the event; False if they were already marked."""
    if session.scalar(select(Attendance.id).where(
            Attendance.event_id == event_id, Attendance.contact_id == contact.id)):
        return False
    session.add(Attendance(event_id=event_id, contact_id=contact.id, created_at=now))
    session.flush()
    return True


def who_came(event_id: int) -> Select:
    """(id, phone_only, cannot_text) of everyone marked as having come to the event who
    agreed to hear from us: who is asked to say how it went."""
    return audience.consenting().where(exists().where(
        Attendance.event_id == event_id, Attendance.contact_id == Contact.id))
