"""Reminders: before an event for those coming, and one gentle nudge for a quiet survey."""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from flows.invites import (
    relative_when, reminder_time, render, render_spoken, spoken_when, survey_reminder, when,
)
from service import events, outbox
from service.runtime import Runtime
from service.store import Contact, Conversation, Event, Outbox, utcnow

log = logging.getLogger("brewline.reminders")
SURVEY_KEY = "survey-reminder:{}"
PERIOD_SECONDS = 300


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
    for spec in runtime.settings.reminders:
        due = reminder_time(spec, starts)
        if now < due < starts:
            written += _remind(runtime, session, event, contact_id, spec, due)
    return written


def _remind(runtime: Runtime, session: Session, event: Event, contact_id: int, spec: str,
            due: datetime) -> int:
    key = f"event-reminder:{event.id}:{contact_id}:{spec}"
    if _exists_again(session, key):
        return 0
    outbox.add(runtime, session, contact_id, _reminder_text(runtime, event, due), "reminder",
               not_before=due, ref=events.ref(event.id), dedupe_key=key)
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
    key = f"event-reminder-call:{event.id}:{contact_id}:{spec}"
    if _exists_again(session, key):
        return 0
    # The body is a record of what the call will say; the call itself words it when heard.
    zone = ZoneInfo(runtime.settings.tz_default)
    said = render_spoken("reminder_call", events.words(event, zone),
                         spoken_when(event.starts_at.astimezone(zone), due.astimezone(zone)))
    outbox.add(runtime, session, contact_id, said, CALL_PURPOSE, channel="call",
               not_before=due, ref=events.ref(event.id), dedupe_key=key)
    return 1


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


def _reminder_text(runtime: Runtime, event: Event, due: datetime) -> str:
    starts = event.starts_at.astimezone(due.tzinfo)
    # Quiet hours may hold a reminder until morning, so "tomorrow" could turn out wrong.
    held = outbox.civil_time(runtime.settings, due) != due
    relative = f"on {when(starts)}" if held else relative_when(starts, due)
    return render("reminder", events.words(event, due.tzinfo), relative=relative)


def nudge_quiet_surveys(runtime: Runtime, now: datetime | None = None) -> int:
    """Write one gentle reminder for each survey left quiet for SURVEY_REMINDER_HOURS."""
    hours = runtime.settings.survey_reminder_hours
    if not hours:
        return 0
    now = now or utcnow()
    with runtime.store.transaction() as session:
        quiet = _quiet_conversations(session, now - timedelta(hours=hours))
        return sum(_nudge(runtime, session, conversation) for conversation in quiet)


def _quiet_conversations(session: Session, before: datetime) -> list[Conversation]:
    # Only "active": a paused survey (PAUSE) is never nudged, nor a finished or declined one.
    candidates = session.scalars(
        select(Conversation).join(Contact, Contact.id == Conversation.contact_id)
        .where(Conversation.status == "active", Conversation.updated_at <= before,
               Contact.opted_out_at.is_(None), Contact.phone.is_not(None),
               Contact.phone_only.is_(False), Contact.cannot_text.is_(False))).all()
    keys = {SURVEY_KEY.format(c.id) for c in candidates}
    done = set(session.scalars(select(Outbox.dedupe_key).where(Outbox.dedupe_key.in_(keys))))
    # Someone who never began answering did not agree to start, so is not nudged.
    return [c for c in candidates if SURVEY_KEY.format(c.id) not in done
            and (c.state.get("answered") or c.state.get("skipped"))]


def _nudge(runtime: Runtime, session: Session, conversation: Conversation) -> int:
    flow = runtime.flows.get(conversation.flow_id, conversation.flow_version)
    answered = sum(1 for s in conversation.state.get("answered", ()) if flow.step(s).number)
    try:
        with session.begin_nested():
            outbox.add(runtime, session, conversation.contact_id,
                       survey_reminder(answered, flow.total_questions), "survey_reminder",
                       ref=f"conversation:{conversation.id}",
                       dedupe_key=SURVEY_KEY.format(conversation.id))
        return 1
    except IntegrityError:
        return 0  # another worker nudged them a moment ago


def run_forever(runtime: Runtime, stop: threading.Event, seconds: int = PERIOD_SECONDS) -> None:
    """Look for quiet surveys every few minutes until `stop` is set (runs in the worker)."""
    while not stop.wait(seconds):
        try:
            nudge_quiet_surveys(runtime)
        except Exception:
            log.exception("could not look for quiet surveys; trying again later")
