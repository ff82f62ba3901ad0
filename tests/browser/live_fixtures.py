"""A live session by phone with people in it, written straight to the database, for the
browser tests (the webhooks that fill it are tested in tests/live/)."""
from __future__ import annotations

from datetime import timedelta

from brewline.events.models import Event
from brewline.live.models import LiveCaller, LiveSession
from brewline.people.models import Contact
from brewline.platform.database import utcnow

CONFERENCE = "CF" + "c" * 32


def live_session(runtime, people: list[tuple[str, str | None, bool]]) -> tuple[int, list[int]]:
    """An event on now, by phone, its conference started, and callers (phone, name, hand
    raised) in the room; (event id, caller ids)."""
    with runtime.store.transaction() as db:
        event = Event(title="Over a Brew: buses and trains", where="Whitley Bay Library",
                      starts_at=utcnow() + timedelta(minutes=5), by_phone=True)
        db.add(event)
        db.flush()
        live = LiveSession(event_id=event.id, host_pin="482913", conference_sid=CONFERENCE,
                           status="started", started_at=utcnow())
        db.add(live)
        db.flush()
        ids = [add_caller(db, live, phone, name, hand, n)
               for n, (phone, name, hand) in enumerate(people, 1)]
        return event.id, ids


def add_caller(db, live: LiveSession, phone: str, name: str | None, hand: bool,
               number: int) -> int:
    contact = Contact(phone=phone, name=name, source="call")
    db.add(contact)
    db.flush()
    caller = LiveCaller(session_id=live.id, contact_id=contact.id, call_sid=f"CA{number:032x}",
                        caller_no=number, state="in", muted=True, joined_at=utcnow(),
                        hand_at=utcnow() + timedelta(seconds=number) if hand else None)
    db.add(caller)
    db.flush()
    return caller.id
