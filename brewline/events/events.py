"""Events people are invited to: create, cancel (telling those coming), list."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from brewline.delivery import outbox
from brewline.delivery.models import Outbox
from brewline.events.models import Event, Invite, Rsvp, ScheduledInvites
from brewline.people import contacts
from brewline.people.models import Contact
from brewline.platform.runtime import Runtime
from flows.invites import EventWords, render, render_spoken, spoken_when, when
from flows.readability import CURLY

# A call telling someone who cannot get texts that an event they meant to come to is off.
CANCELLED_CALL = "event_cancelled_call"
COMING = ("yes", "maybe")  # the answers of people who may turn up

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
           details: str | None = None, **more) -> Event:
    """A new event; `more` sets any other detail (editing.FIELDS names them all)."""
    if not plain(title) or not plain(where):
        raise EventProblem("an event needs a title and a place (--title and --where)")
    event = Event(title=plain(title)[:200], starts_at=starts_at, where=plain(where)[:200],
                  details=plain(details) or None, **more)
    session.add(event)
    session.flush()
    return event


def words(event: Event, zone: ZoneInfo) -> EventWords:
    """The event as a text mentions it, in the organiser's time zone."""
    starts = event.starts_at.astimezone(zone)
    return EventWords(event.title, when(starts), event.where, event.details, starts)


def is_open(event: Event | None, now: datetime) -> bool:
    """Still worth talking about: not cancelled and not started."""
    return event is not None and event.status == "planned" and event.starts_at > now


def is_called_off(event: Event | None, now: datetime) -> bool:
    """Cancelled, and its time still ahead: someone not told might yet turn up."""
    return event is not None and event.status == "cancelled" and event.starts_at > now


def cancel(runtime: Runtime, session: Session, event: Event, now: datetime) -> int:
    """Cancel the event, drop what was waiting to go about it, and tell those coming.

    People who cannot get texts (phone-only: they were invited by a call) are rung.
    """
    if event.status == "cancelled":
        raise EventProblem(f"event {event.id} is already cancelled")
    if event.starts_at <= now:
        raise EventProblem(f"event {event.id} has already started")
    event.status, event.cancelled_at = "cancelled", now
    session.execute(update(ScheduledInvites).where(
        ScheduledInvites.event_id == event.id, ScheduledInvites.status == "waiting")
        .values(status="cancelled", done_at=now, problem="The event was cancelled."))
    # Invites, reminder texts and reminder calls still to go: none of them may ring now.
    session.execute(update(Outbox).where(Outbox.ref == ref(event.id), Outbox.status == "pending")
                    .values(status="cancelled", error="event cancelled"))
    people = coming(session, event.id)
    rung = cannot_be_texted(session, event.id)
    about = words(event, ZoneInfo(runtime.settings.tz_default))
    language_of = contacts.languages(session, sorted(people))
    rows = [{"contact_id": cid, "body": render("event_cancelled", about, language_of.get(cid, "en")),
             "purpose": "event_cancelled", "ref": ref(event.id),
             "dedupe_key": f"event-cancelled:{event.id}:{cid}"}
            for cid in people if cid not in rung]
    outbox.add_many(runtime, session, rows)
    return len(rows) + ring_called_off(runtime, session, event, sorted(rung), now)


def _said_off(event: Event, zone: ZoneInfo, due: datetime, language: str) -> str:
    when_said = spoken_when(event.starts_at.astimezone(zone), due.astimezone(zone), language)
    return render_spoken("cancelled_call", words(event, zone), when_said, language)


def ring_called_off(runtime: Runtime, session: Session, event: Event, contact_ids: list[int],
                    now: datetime) -> int:
    """A cancellation call to each person, at a civil hour before the event's time (once:
    a dedupe key per event and person)."""
    due = outbox.civil_time(runtime.settings, now)
    if due >= event.starts_at:
        return 0  # the first civil hour comes after it was to start: too late to help
    keys = {cid: f"event-cancelled-call:{event.id}:{cid}" for cid in contact_ids}
    taken = outbox.existing_keys(session, list(keys.values()))
    zone = ZoneInfo(runtime.settings.tz_default)
    # The body is a record of what the call will say; the call itself words it when heard.
    language_of = contacts.languages(session, contact_ids)
    rows = [{"contact_id": cid, "purpose": CANCELLED_CALL, "channel": "call",
             "body": _said_off(event, zone, due, language_of.get(cid, "en")),
             "not_before": due, "ref": ref(event.id), "dedupe_key": key}
            for cid, key in keys.items() if key not in taken]
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


def coming(session: Session, event_id: int, answers=COMING) -> list[int]:
    """Contacts whose latest answer is one of `answers`."""
    rows = session.execute(latest_rsvps(event_id))
    return sorted(cid for _e, cid, answer in rows if answer in answers)


def cannot_be_texted(session: Session, event_id: int) -> set[int]:
    """Those coming (yes or maybe) whose number cannot take texts: phone-only and the like."""
    latest = latest_rsvps(event_id).subquery()
    return set(session.scalars(
        select(Contact.id).join(latest, latest.c.contact_id == Contact.id)
        .where(latest.c.answer.in_(COMING), or_(Contact.phone_only, Contact.cannot_text))))


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
