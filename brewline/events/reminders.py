"""Event reminders for those coming: texts, or calls for people who cannot get texts."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from brewline.delivery import outbox
from brewline.delivery.models import Outbox
from brewline.events import events
from brewline.events.models import Event
from brewline.people.models import Contact
from brewline.platform.runtime import Runtime
from flows.invites import relative_when, reminder_time, render, render_spoken, spoken_when

# Reminders by phone call, for people who cannot get texts (phone-only).
CALL_PURPOSE = "reminder_call"
PURPOSES = ("reminder", CALL_PURPOSE)
# Texts about an event that become calls when the person turns out to be phone-only.
RUNG_INSTEAD = ("reminder", "event_cancelled")


def for_event(runtime: Runtime, session: Session, event: Event, contact_id: int,
              now: datetime) -> int:
    """Write the reminders (REMINDERS, e.g. '1d,morning') for one person coming to an event.

    Phone-only people are rung instead of texted (reminder_call outbox rows).
    """
    zone = ZoneInfo(runtime.settings.tz_default)
    starts = event.starts_at.astimezone(zone)
    contact = session.get(Contact, contact_id)
    if contact is not None and contact.phone_only:
        return _ring_for_event(runtime, session, event, contact_id, starts, now)
    written = 0
    language = contact.language if contact is not None else "en"
    for spec in runtime.settings.reminders:
        due = reminder_time(spec, starts)
        if now < due < starts:
            written += _remind(runtime, session, event, contact_id, spec, due, language)
    return written


def _remind(runtime: Runtime, session: Session, event: Event, contact_id: int, spec: str,
            due: datetime, language: str) -> int:
    return _write_once(runtime, session, f"event-reminder:{event.id}:{contact_id}:{spec}",
                       contact_id, _reminder_text(runtime, event, due, language), "reminder",
                       not_before=due, ref=events.ref(event.id))


def _write_once(runtime: Runtime, session: Session, key: str, contact_id: int, body: str,
                purpose: str, **fields) -> int:
    """Write one reminder row with dedupe key `key` unless it was written before."""
    if _exists_again(session, key):
        return 0
    outbox.add(runtime, session, contact_id, body, purpose, dedupe_key=key, **fields)
    return 1


def _exists_again(session: Session, key: str) -> bool:
    """Whether this reminder was written before; one that was dropped is wanted again."""
    existing = session.scalars(select(Outbox).where(Outbox.dedupe_key == key)).first()
    if existing is None:
        return False
    # Said yes again after a no: the reminder that was dropped is wanted once more.
    if existing.status == "cancelled":
        existing.status, existing.error = "pending", None
    return True


def _ring_for_event(runtime: Runtime, session: Session, event: Event, contact_id: int,
                    starts: datetime, now: datetime) -> int:
    """One reminder call per REMINDERS time, each at civil hours, never two at once."""
    written, rung = 0, set()
    for spec in runtime.settings.reminders:
        due = reminder_time(spec, starts)
        civil = outbox.civil_time(runtime.settings, due)
        # "1d" before an evening event moves to 09:00, where "morning" already rings.
        if now < due < starts and civil < starts and civil not in rung:
            rung.add(civil)
            written += _ring(runtime, session, event, contact_id, spec, civil)
    return written


def _ring(runtime: Runtime, session: Session, event: Event, contact_id: int, spec: str,
          due: datetime) -> int:
    # The body is a record of what the call will say; the call itself words it when heard.
    zone = ZoneInfo(runtime.settings.tz_default)
    language = session.get(Contact, contact_id).language
    said = render_spoken("reminder_call", events.words(event, zone),
                         spoken_when(event.starts_at.astimezone(zone), due.astimezone(zone),
                                     language), language)
    return _write_once(runtime, session, f"event-reminder-call:{event.id}:{contact_id}:{spec}",
                       contact_id, said, CALL_PURPOSE, channel="call", not_before=due,
                       ref=events.ref(event.id))


def calls_waiting(session: Session, event_id: int, contact_id: int) -> bool:
    """Whether a reminder call about this event is still to ring this person."""
    return session.scalars(select(Outbox.id).where(
        Outbox.contact_id == contact_id, Outbox.ref == events.ref(event_id),
        Outbox.purpose == CALL_PURPOSE, Outbox.status == "pending")).first() is not None


def switch_to_calls(runtime: Runtime, session: Session, contact: Contact,
                    now: datetime) -> int:
    """They cannot get texts after all: reminder and cancellation texts still to go are
    dropped, and rung instead."""
    waiting = (Outbox.contact_id == contact.id, Outbox.purpose.in_(RUNG_INSTEAD),
               Outbox.channel == "sms", Outbox.status == "pending")
    found = set(session.execute(select(Outbox.purpose, Outbox.ref).where(*waiting)).all())
    session.execute(update(Outbox).where(*waiting).values(status="cancelled", error="phone only"))
    written = 0
    for purpose, ref in sorted(f for f in found if f[1] and f[1].partition(":")[2].isdigit()):
        event = session.get(Event, int(ref.partition(":")[2]))
        written += _ring_instead(runtime, session, purpose, event, contact.id, now)
    return written


def _ring_instead(runtime: Runtime, session: Session, purpose: str, event: Event | None,
                  contact_id: int, now: datetime) -> int:
    if purpose == "reminder" and events.is_open(event, now):
        return for_event(runtime, session, event, contact_id, now)
    if purpose == "event_cancelled" and events.is_called_off(event, now):
        return events.ring_called_off(runtime, session, event, [contact_id], now)
    return 0


def _reminder_text(runtime: Runtime, event: Event, due: datetime, language: str = "en") -> str:
    starts = event.starts_at.astimezone(due.tzinfo)
    # Quiet hours may hold a reminder until morning, so "tomorrow" could turn out wrong.
    held = outbox.civil_time(runtime.settings, due) != due
    relative = (relative_when(starts, starts - timedelta(days=7), language) if held
                else relative_when(starts, due, language))
    return render("reminder", events.words(event, due.tzinfo), language, relative=relative)
