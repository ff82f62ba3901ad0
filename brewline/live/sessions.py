"""Which event is live by phone now, its live session, and the callers in it."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from brewline.events.models import Event
from brewline.live.models import LiveCaller, LiveSession
from brewline.people.models import Contact

OPENS_BEFORE = timedelta(minutes=15)  # callers may ring in this long before the start
# Events have no end time: the line stays open this long after the start, unless the
# host or the organiser ends the session sooner.
OPEN_FOR = timedelta(hours=3)
PIN_DIGITS = 6
BREAK = timedelta(minutes=10)  # what "a break" is announced as


def live_event(session: Session, now: datetime) -> Event | None:
    """The event people can ring into now (the one starting first), or None."""
    ended = select(LiveSession.event_id).where(LiveSession.status == "ended")
    return session.scalars(select(Event).where(
        Event.by_phone.is_(True), Event.status == "planned",
        Event.starts_at <= now + OPENS_BEFORE, Event.starts_at > now - OPEN_FOR,
        Event.id.not_in(ended)).order_by(Event.starts_at, Event.id)).first()


def is_live(session: Session, event_id: int, now: datetime) -> bool:
    """Whether this event can still be rung into now."""
    found = live_event(session, now)
    return found is not None and found.id == event_id


def of_event(session: Session, event_id: int) -> LiveSession:
    """The event's live session, made (with a new host PIN) the first time it is needed."""
    found = session.scalars(select(LiveSession).where(LiveSession.event_id == event_id)).first()
    if found is None:
        found = LiveSession(event_id=event_id, host_pin=new_pin())
        session.add(found)
        session.flush()
    return found


def new_pin() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(PIN_DIGITS))


def caller(session: Session, live: LiveSession, contact_id: int, call_sid: str,
           is_host: bool = False) -> LiveCaller:
    """This call's row in the session; a person ringing back keeps their caller number."""
    found = session.scalars(select(LiveCaller).where(LiveCaller.call_sid == call_sid)).first()
    if found is None:
        found = LiveCaller(session_id=live.id, contact_id=contact_id, call_sid=call_sid,
                           caller_no=_number_for(session, live, contact_id))
        session.add(found)
    if is_host and not found.is_host:
        found.is_host, found.muted = True, False
    # Otherwise muted stays as it is: someone the host let speak keeps that through the menu.
    session.flush()
    return found


def _number_for(session: Session, live: LiveSession, contact_id: int) -> int:
    before = session.scalar(select(LiveCaller.caller_no).where(
        LiveCaller.session_id == live.id, LiveCaller.contact_id == contact_id).limit(1))
    if before is not None:
        return before
    highest = session.scalar(select(func.max(LiveCaller.caller_no)).where(
        LiveCaller.session_id == live.id))
    return (highest or 0) + 1


def by_call(session: Session, call_sid: str) -> LiveCaller | None:
    return session.scalars(select(LiveCaller).where(LiveCaller.call_sid == call_sid)).first()


def in_room(session: Session, live: LiveSession) -> list[LiveCaller]:
    """Callers in the room now, in the order they first rang in."""
    return list(session.scalars(select(LiveCaller).where(
        LiveCaller.session_id == live.id, LiveCaller.state == "in")
        .order_by(LiveCaller.caller_no, LiveCaller.id)))


def languages_in_room(session: Session, live: LiveSession) -> list[str]:
    """The languages, other than English, of the callers on the line (an announcement is
    said in each)."""
    return sorted(set(session.scalars(select(Contact.language).join(
        LiveCaller, LiveCaller.contact_id == Contact.id).where(
        LiveCaller.session_id == live.id, LiveCaller.state.in_(("in", "menu", "joining")),
        Contact.language.is_not(None), Contact.language != "en"))))


def hands(session: Session, live: LiveSession) -> list[LiveCaller]:
    """Callers who asked to speak and are still on the line, in the order they asked."""
    return list(session.scalars(select(LiveCaller).where(
        LiveCaller.session_id == live.id, LiveCaller.hand_at.is_not(None),
        LiveCaller.state.in_(("in", "menu", "joining")))
        .order_by(LiveCaller.hand_at, LiveCaller.id)))


def on_break(live: LiveSession, now: datetime) -> bool:
    """Whether the session is in a break the organiser announced."""
    return live.break_at is not None and live.break_at <= now < live.break_at + BREAK


def forget_callers_before(session: Session, cutoff: datetime) -> int:
    """Delete who was in the calls of sessions over before `cutoff` (retention); what
    counts is kept as attendance. How many rows went."""
    over = select(LiveSession.id).where(
        func.coalesce(LiveSession.ended_at, LiveSession.created_at) < cutoff)
    return session.execute(delete(LiveCaller).where(LiveCaller.session_id.in_(over))).rowcount or 0
