"""Plugging invites into the shared pipeline: the RSVP hook and the still-wanted checks.

`register()` is called explicitly (create_app, workers.context), never at import time.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import audience, events
from service.conversations import latest_consent
from service.store import Conversation, Event, Outbox, Rsvp, utcnow


def _event(session: Session, row: Outbox) -> Event | None:
    kind, _, number = (row.ref or "").partition(":")
    return session.get(Event, int(number)) if kind == "event" and number.isdigit() else None


def _event_open(session: Session, row: Outbox) -> str | None:
    return None if events.is_open(_event(session, row), utcnow()) else "event cancelled or started"


def _consented(session: Session, row: Outbox) -> str | None:
    granted = latest_consent(session, row.contact_id, audience.TOPIC)
    return None if granted else "no longer agrees to hear from us"


def invite_wanted(session: Session, row: Outbox) -> str | None:
    """An invite goes only to an open event and to someone who still agrees."""
    return _event_open(session, row) or _consented(session, row)


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


def survey_reminder_wanted(session: Session, row: Outbox) -> str | None:
    """A survey nudge goes only if the survey is still unfinished, unpaused and quiet."""
    kind, _, number = (row.ref or "").partition(":")
    conversation = session.get(Conversation, int(number)) if number.isdigit() else None
    if conversation is None or conversation.status != "active":
        return "survey finished, paused or gone"
    if conversation.updated_at > row.created_at:
        return "they carried on by themselves"
    return None


CHECKS = {
    "invite": invite_wanted, "invite_call": invite_wanted, "reminder": reminder_wanted,
    "reminder_call": reminder_wanted, events.CANCELLED_CALL: called_off_wanted,
    "broadcast": _consented, "survey_reminder": survey_reminder_wanted,
}


def register() -> None:
    """Add the RSVP hook and the still-wanted checks (safe to call more than once)."""
    from service import inbound, rsvps
    from workers import outbound

    if rsvps.before_conversation not in inbound.BEFORE_CONVERSATION:
        inbound.BEFORE_CONVERSATION.append(rsvps.before_conversation)
    for purpose, check in CHECKS.items():
        outbound.STILL_WANTED.setdefault(purpose, check)
