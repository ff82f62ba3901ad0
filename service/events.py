"""Events people are invited to: create, cancel (telling those coming), list."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from flows.invites import EventWords, render, when
from flows.readability import CURLY
from service import outbox
from service.runtime import Runtime
from service.store import Event, Invite, Outbox, Rsvp

FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%d %B %Y %H:%M",
           "%d %b %Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


class EventProblem(ValueError):
    """An event request we refuse, with the reason in plain words."""


def parse_starts_at(value: str, zone: ZoneInfo, now: datetime) -> datetime:
    """An aware time from what an organiser typed (local time unless an offset is given)."""
    moment = _parse(value.strip())
    if moment is None:
        raise EventProblem(f"cannot read {value!r} as a date and time; "
                           f"write it like {now.year + 1}-06-26 14:00 (local time)")
    moment = moment if moment.tzinfo else moment.replace(tzinfo=zone)
    if moment <= now:
        raise EventProblem(f"{value!r} is in the past; an event must start in the future")
    return moment


def _parse(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    for fmt in FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def plain(text: str | None) -> str | None:
    """Curly quotes and dashes pasted from a word processor, made plain (GSM-7)."""
    if text is None:
        return None
    for curly, straight in CURLY.items():
        text = text.replace(curly, straight)
    return " ".join(text.split())


def create(session: Session, title: str, starts_at: datetime, where: str,
           details: str | None) -> Event:
    if not plain(title) or not plain(where):
        raise EventProblem("an event needs a title and a place (--title and --where)")
    event = Event(title=plain(title)[:200], starts_at=starts_at, where=plain(where)[:200],
                  details=plain(details) or None)
    session.add(event)
    session.flush()
    return event


def words(event: Event, zone: ZoneInfo) -> EventWords:
    """The event as a text mentions it, in the organiser's time zone."""
    return EventWords(event.title, when(event.starts_at.astimezone(zone)), event.where,
                      event.details)


def is_open(event: Event | None, now: datetime) -> bool:
    """Still worth talking about: not cancelled and not started."""
    return event is not None and event.status == "planned" and event.starts_at > now


def cancel(runtime: Runtime, session: Session, event: Event, now: datetime) -> int:
    """Cancel the event, drop what was waiting to go about it, and tell those coming."""
    if event.status == "cancelled":
        raise EventProblem(f"event {event.id} is already cancelled")
    if event.starts_at <= now:
        raise EventProblem(f"event {event.id} has already started")
    event.status, event.cancelled_at = "cancelled", now
    session.execute(update(Outbox).where(Outbox.ref == ref(event.id), Outbox.status == "pending")
                    .values(status="cancelled", error="event cancelled"))
    body = render("event_cancelled", words(event, ZoneInfo(runtime.settings.tz_default)))
    rows = [{"contact_id": cid, "body": body, "purpose": "event_cancelled", "ref": ref(event.id),
             "dedupe_key": f"event-cancelled:{event.id}:{cid}"}
            for cid in coming(session, event.id)]
    outbox.add_many(runtime, session, rows)
    return len(rows)


def ref(event_id: int) -> str:
    """How outbox rows about an event point back at it."""
    return f"event:{event_id}"


def latest_rsvps(event_id: int | None = None):
    """A query of (event_id, contact_id, answer) for each person's latest RSVP."""
    latest = select(Rsvp.event_id, Rsvp.contact_id, Rsvp.answer, func.row_number().over(
        partition_by=(Rsvp.event_id, Rsvp.contact_id),
        order_by=(Rsvp.created_at.desc(), Rsvp.id.desc())).label("n"))
    if event_id is not None:
        latest = latest.where(Rsvp.event_id == event_id)
    ranked = latest.subquery()
    return select(ranked.c.event_id, ranked.c.contact_id, ranked.c.answer).where(ranked.c.n == 1)


def coming(session: Session, event_id: int, answers=("yes", "maybe")) -> list[int]:
    """Contacts whose latest answer is one of `answers`."""
    rows = session.execute(latest_rsvps(event_id))
    return sorted(cid for _e, cid, answer in rows if answer in answers)


def summary(session: Session) -> list[dict]:
    """Every event with how many were invited and how many said yes, no and maybe."""
    invited = dict(session.execute(
        select(Invite.event_id, func.count()).group_by(Invite.event_id)).all())
    answers: dict[int, dict[str, int]] = {}
    for event_id, _cid, answer in session.execute(latest_rsvps()):
        counts = answers.setdefault(event_id, {})
        counts[answer] = counts.get(answer, 0) + 1
    return [{"event": e, "invited": invited.get(e.id, 0), **answers.get(e.id, {})}
            for e in session.scalars(select(Event).order_by(Event.starts_at))]
