"""Just before an invite, reminder or cancellation call goes: does it still make sense?

The sender asks these (delivery.claims.STILL_WANTED, filled by events.register()); a row
that no longer makes sense is cancelled with the reason instead of being sent.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from brewline.delivery.models import Outbox
from brewline.events import events
from brewline.events.models import Event, Rsvp
from brewline.people import audience
from brewline.platform.database import utcnow


def _event(session: Session, row: Outbox) -> Event | None:
    kind, _, number = (row.ref or "").partition(":")
    return session.get(Event, int(number)) if kind == "event" and number.isdigit() else None


def _event_open(session: Session, row: Outbox) -> str | None:
    return None if events.is_open(_event(session, row), utcnow()) else "event cancelled or started"


def invite_wanted(session: Session, row: Outbox) -> str | None:
    """An invite goes only to an open event and to someone who still agrees."""
    return _event_open(session, row) or audience.no_longer_agrees(session, row.contact_id)


def reminder_wanted(session: Session, row: Outbox) -> str | None:
    """An event reminder goes only while the event is on and the person still says yes."""
    reason = _event_open(session, row)
    if reason:
        return reason
    latest = session.scalars(select(Rsvp.answer).where(
        Rsvp.event_id == _event(session, row).id, Rsvp.contact_id == row.contact_id)
        .order_by(Rsvp.created_at.desc(), Rsvp.id.desc())).first()
    return None if latest == "yes" else "no longer coming"


def called_off_wanted(session: Session, row: Outbox) -> str | None:
    """A cancellation call goes only while the event's time is ahead (after it, nobody
    can turn up, and someone who did already knows)."""
    if events.is_called_off(_event(session, row), utcnow()):
        return None
    return "event not cancelled, or its time has passed"


CHECKS = {
    "invite": invite_wanted, "invite_call": invite_wanted, "reminder": reminder_wanted,
    "reminder_call": reminder_wanted, events.CANCELLED_CALL: called_off_wanted,
}
