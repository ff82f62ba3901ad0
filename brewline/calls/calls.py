"""Calls as things that happen: call rows, status changes, retries, voicemail, phone-only."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from brewline.calls.models import Call
from flows.words import words
from brewline.delivery import outbox, placing
from brewline.delivery.models import Outbox
from brewline.people.models import Contact
from brewline.platform.runtime import Runtime

RETRY_AFTER = timedelta(hours=1)
MAX_RETRIES = 2
RETRY_STATUSES = frozenset({"busy", "no-answer"})
FINAL_STATUSES = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})
KNOWN_STATUSES = FINAL_STATUSES | {"queued", "initiated", "ringing", "in-progress"}
CALL_PURPOSE = "call_me"
# A reminder call not answered is tried again the same day only: overnight it would meet
# the next reminder (or the event) coming the other way.
SAME_DAY_ONLY = frozenset({"reminder_call"})
RETRY_KEY = "call-retry:"
# What else changes when someone turns out to be phone-only (events: their reminder and
# cancellation texts become calls); each is called with (runtime, session, contact, now).
ON_PHONE_ONLY: list[Callable[[Runtime, Session, Contact, datetime], object]] = []


def queue_call(runtime: Runtime, session: Session, contact: Contact, now: datetime,
               ref: str | None = None, dedupe_key: str | None = None,
               purpose: str = CALL_PURPOSE, body: str = "") -> Outbox:
    """Write an outbound call to the outbox, due at the next civil hour."""
    return outbox.add(runtime, session, contact.id, body, purpose, channel="call",
                      not_before=outbox.civil_time(runtime.settings, now), ref=ref,
                      dedupe_key=dedupe_key)


def is_survey(session: Session, call: Call) -> bool:
    """Whether the call is about the questions (not, say, an invite call)."""
    placed = session.get(Outbox, call.outbox_id) if call.outbox_id else None
    return placing.is_survey(placed.purpose if placed else None)


def find_or_create(session: Session, sid: str, contact: Contact | None, outbound: bool,
                   now: datetime) -> Call:
    """The row for this CallSid, created the first time we hear of the call."""
    call = session.scalars(select(Call).where(Call.sid == sid)).first()
    if call is not None:
        return call
    placed = session.scalars(select(Outbox).where(Outbox.sid == sid)).first()
    call = Call(sid=sid, contact_id=contact.id if contact else (placed and placed.contact_id),
                direction="outbound" if outbound or placed else "inbound",
                outbox_id=placed.id if placed else None, created_at=now, updated_at=now)
    session.add(call)
    session.flush()
    return call


def known_call(session: Session, sid: str, now: datetime) -> Call | None:
    """A call we placed or answered, or None when the CallSid means nothing to us."""
    call = session.scalars(select(Call).where(Call.sid == sid)).first()
    placed = session.scalars(select(Outbox).where(Outbox.sid == sid)).first()
    if call is None and placed is not None:
        call = find_or_create(session, sid, None, True, now)
    return call


def record_status(runtime: Runtime, session: Session, call: Call, status: str,
                  answered_by: str | None, now: datetime) -> str:
    """Keep a status change; final statuses are never undone by a late earlier one."""
    if call.status in FINAL_STATUSES:
        return f"call already {call.status}; kept as it was"
    call.status, call.updated_at = status, now
    call.answered_by = answered_by or call.answered_by
    if status in RETRY_STATUSES:
        return _retry(runtime, session, call, now)
    return f"call {status}"


def _retry(runtime: Runtime, session: Session, call: Call, now: datetime) -> str:
    placed = session.get(Outbox, call.outbox_id) if call.outbox_id else None
    contact = session.get(Contact, call.contact_id) if call.contact_id else None
    if placed is None or contact is None or contact.opted_out_at is not None:
        return f"call {call.status}; not ours to retry"
    root = placed.ref or str(placed.id)
    if _tries_before(session, placed) >= MAX_RETRIES:
        return f"call {call.status}; no more retries"
    later = now + RETRY_AFTER
    if placed.purpose in SAME_DAY_ONLY and outbox.civil_time(runtime.settings, later) != later:
        return f"call {call.status}; not tried again after hours"
    queue_call(runtime, session, contact, later, ref=root,
               dedupe_key=f"{RETRY_KEY}{call.sid}", purpose=placed.purpose, body=placed.body)
    return f"call {call.status}; will try again in an hour"


def _tries_before(session: Session, placed: Outbox) -> int:
    """How many calls came before this one for the same reason (a retry names the sid
    of the call it follows), so each reminder, invite or "call me" has its own tries."""
    tries, row = 0, placed
    while row is not None and (row.dedupe_key or "").startswith(RETRY_KEY) and tries <= MAX_RETRIES:
        tries += 1
        row = session.scalars(select(Outbox).where(
            Outbox.sid == row.dedupe_key[len(RETRY_KEY):])).first()
    return tries


def voicemail_text(runtime: Runtime, session: Session, contact: Contact, call: Call,
                   now: datetime) -> None:
    """After a voicemail pickup, a text instead of the survey (never to phone-only people)."""
    if contact.phone_only or contact.cannot_text or contact.opted_out_at is not None:
        return
    already = session.scalars(select(Outbox.id).where(
        Outbox.dedupe_key == f"voicemail:{call.sid}")).first()
    if already is None:
        outbox.add(runtime, session, contact.id, words("call_texts.voicemail", contact.language), "call_voicemail",
                   not_before=outbox.civil_time(runtime.settings, now),
                   dedupe_key=f"voicemail:{call.sid}")


def mark_phone_only(runtime: Runtime, session: Session, contact: Contact, now: datetime) -> None:
    """The person cannot get texts: never text them, drop texts waiting to go, and ring
    them with any event reminders those texts were to give."""
    contact.phone_only = contact.cannot_text = True
    for hook in ON_PHONE_ONLY:
        hook(runtime, session, contact, now)
    session.execute(update(Outbox).where(
        Outbox.contact_id == contact.id, Outbox.channel == "sms", Outbox.status == "pending")
        .values(status="cancelled", error="phone only"))

