"""Twilio's conference status callbacks: who is in the room, muted or not, and for how long.

Time in the room adds up over a call (and over ringing back); ATTENDED of it marks the
person as having come to the event, by phone (events/attendance.py), as an organiser
marking them would: vouchers and "ask the people who came" use it as they are.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from brewline.events import attendance
from brewline.events.models import Event
from brewline.live import sessions
from brewline.live.forms import ConferenceChange, moment
from brewline.live.models import LiveCaller, LiveSession
from brewline.people.models import Contact
from brewline.platform.runtime import Runtime

ATTENDED = timedelta(minutes=10)


def apply(runtime: Runtime, change: ConferenceChange, now: datetime) -> tuple[int, str]:
    """Keep what the conference told us (in one transaction); (HTTP status, reason)."""
    with runtime.store.transaction() as session:
        if session.get(Event, change.event_id) is None:
            return 404, "unknown event"
        live = sessions.of_event(session, change.event_id)
        live.conference_sid = change.conference_sid
        at = moment(change, now)
        handle = _HANDLERS.get(change.what)
        if handle is None:
            return 200, f"{change.what}: nothing to do"
        return 200, handle(session, live, change, at)


def _started(session: Session, live: LiveSession, change: ConferenceChange,
             at: datetime) -> str:
    live.status, live.started_at = "started", live.started_at or at
    return "session started"


def _ended(session: Session, live: LiveSession, change: ConferenceChange, at: datetime) -> str:
    live.status, live.ended_at = "ended", at
    for caller in session.scalars(select(LiveCaller).where(LiveCaller.session_id == live.id,
                                                           LiveCaller.state != "out")):
        _leave(session, live, caller, at)
        caller.state = "out"
    return "session ended"


def _joined(session: Session, live: LiveSession, change: ConferenceChange, at: datetime) -> str:
    caller = sessions.by_call(session, change.call_sid)
    if caller is None:
        return "not one of our callers"
    caller.state, caller.joined_at = "in", at
    caller.muted = caller.muted if change.muted is None else change.muted
    return f"caller {caller.caller_no} is in"


def _left(session: Session, live: LiveSession, change: ConferenceChange, at: datetime) -> str:
    caller = sessions.by_call(session, change.call_sid)
    if caller is None:
        return "not one of our callers"
    _leave(session, live, caller, at)
    return f"caller {caller.caller_no} left"


def _leave(session: Session, live: LiveSession, caller: LiveCaller, at: datetime) -> None:
    if caller.joined_at is not None:
        caller.seconds += max(int((at - caller.joined_at).total_seconds()), 0)
    caller.joined_at = None
    # A caller who pressed * is at our menu, still on the line, not gone.
    caller.state = "menu" if caller.state == "menu" else "out"
    _mark_attended(session, live, caller, at)


def _mark_attended(session: Session, live: LiveSession, caller: LiveCaller,
                   at: datetime) -> None:
    total = session.scalar(select(func.sum(LiveCaller.seconds)).where(
        LiveCaller.session_id == live.id, LiveCaller.contact_id == caller.contact_id))
    contact = session.get(Contact, caller.contact_id)
    if not caller.is_host and contact is not None and (total or 0) >= ATTENDED.total_seconds():
        attendance.record(session, live.event_id, contact, at, how=attendance.BY_PHONE)


def call_ended(session: Session, call, now: datetime) -> None:
    """A call ended (calls.calls.ON_ENDED): a caller still listed (at the * menu, or in
    the room with no leave heard) leaves the session."""
    caller = sessions.by_call(session, call.sid)
    if caller is not None and caller.state != "out":
        live = session.get(LiveSession, caller.session_id)
        _leave(session, live, caller, now)
        caller.state = "out"


def _muted(session: Session, live: LiveSession, change: ConferenceChange, at: datetime) -> str:
    caller = sessions.by_call(session, change.call_sid)
    if caller is None:
        return "not one of our callers"
    caller.muted = change.what == "participant-mute"
    return f"caller {caller.caller_no} {'muted' if caller.muted else 'can speak'}"


_HANDLERS: dict[str, Callable[[Session, LiveSession, ConferenceChange, datetime], str]] = {
    "conference-start": _started, "conference-end": _ended, "participant-join": _joined,
    "participant-leave": _left, "participant-mute": _muted, "participant-unmute": _muted}
