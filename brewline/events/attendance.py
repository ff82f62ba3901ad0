"""Who came to an event (marked by an organiser): what earns an event's voucher."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from brewline.events.models import Attendance
from brewline.people.models import Contact


def record(session: Session, event_id: int, contact: Contact, now: datetime) -> bool:
    """Mark the person as having come to the event; False if they were already marked."""
    if session.scalar(select(Attendance.id).where(
            Attendance.event_id == event_id, Attendance.contact_id == contact.id)):
        return False
    session.add(Attendance(event_id=event_id, contact_id=contact.id, created_at=now))
    session.flush()
    return True
