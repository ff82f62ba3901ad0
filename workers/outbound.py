"""Sending one outbox row: guarded so that a retried or duplicated job never sends twice.

A row moves pending -> sending -> sent(sid). Only the worker that moves it to "sending"
(the claim, committed before the API call) may send it. Twilio has no idempotency key,
so the one open question is a worker that dies, or a request that times out, after the
claim: Twilio may or may not have the message. Such a row is never resent blindly. It
stays "sending" until its lease (LEASE) runs out; then the sweeper asks Twilio whether
a message with this body went to this number since the claim (or a status callback,
which carries the row id, has already told us its sid): found -> sent(sid); not found ->
pending again. Only a failed look-up leaves it for the next sweep.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import bindparam, insert, literal, select, update
from sqlalchemy.orm import Session

from service import contacts, outbox
from service.phones import mask
from service.runtime import Runtime
from service.store import Contact, Message, Outbox, UTCDateTime, lock, utcnow
from workers import context
from workers.backoff import gives_up, retry_delay
from workers.twilio_rest import (
    CannotReceive, OptedOut, RateLimited, Rejected, SendError, TransientError,
)

log = logging.getLogger("brewline.outbound")
# Longer than any API call can take (the client times out after 10 s), so a row still
# "sending" after this has lost its worker.
LEASE = timedelta(minutes=2)
# Per purpose (reminder, invite, ...): a reason the row no longer makes sense, or None.
STILL_WANTED: dict[str, Callable[[Session, Outbox], str | None]] = {}


@dataclass(frozen=True)
class Claim:
    """A row this worker has moved to "sending" and may now send, once."""

    row: Outbox
    phone: str
    claimed_at: datetime


def send_outbound(*outbox_ids: int) -> list[str]:
    """RQ job: send each outbox row (in order) if it is still due; what happened to each."""
    return deliver_many(context.runtime(), list(outbox_ids))


def deliver(runtime: Runtime, outbox_id: int, now: datetime | None = None) -> str:
    """Claim the row, wait for a sending slot, send it, and record the sid."""
    return deliver_many(runtime, [outbox_id], now)[0]


def deliver_many(runtime: Runtime, ids: list[int], now: datetime | None = None) -> list[str]:
    """Deliver rows in order. With no rate limit they are claimed together and recorded
    together (a transaction each per batch, not per row); behind a limit one at a time,
    so every re-check stays right before its own API call."""
    size = len(ids) if runtime.settings.send_rate <= 0 or runtime.settings.local_mode else 1
    outcomes: list[str] = []
    for start in range(0, len(ids), max(size, 1)):
        outcomes += _deliver_chunk(runtime, ids[start:start + size], now or utcnow())
    return outcomes


def _deliver_chunk(runtime: Runtime, chunk: list[int], now: datetime) -> list[str]:
    claims = _claim(runtime, chunk, now)
    sent: list[tuple[Claim, str]] = []
    try:
        return [_send_claimed(runtime, claims.pop(i, "skipped"), sent) for i in chunk]
    finally:
        # Even if something unexpected stops the batch, what went out is recorded.
        _record_all(runtime, sent)


def _send_claimed(runtime: Runtime, claim: Claim | str, sent: list) -> str:
    if isinstance(claim, str):
        return claim
    try:
        sid = _send_in_slot(runtime, claim)
    except SendError as exc:
        return _after_error(runtime, claim, exc)
    sent.append((claim, sid))
    log.info("sent outbox %s to %s", claim.row.id, mask(claim.phone))
    return "sent"


def _claim(runtime: Runtime, ids: list[int], now: datetime) -> dict[int, Claim | str]:
    """Re-check each row just before sending and move it pending -> sending.

    A repeated id gets "skipped" (popped once), as does an id with no row.
    """
    with runtime.store.transaction() as session:
        # In id order, so two workers locking overlapping batches cannot deadlock.
        rows = session.scalars(select(Outbox).where(Outbox.id.in_(set(ids)))
                               .order_by(Outbox.id).with_for_update()
                               .execution_options(populate_existing=True)).all()
        people = {c.id: c for c in session.scalars(select(Contact).where(
            Contact.id.in_({r.contact_id for r in rows})))}
        return {row.id: _claim_row(runtime, session, row, people.get(row.contact_id), now)
                for row in rows}


def _claim_row(runtime: Runtime, session: Session, row: Outbox, contact: Contact | None,
               now: datetime) -> Claim | str:
    if row.status != "pending":
        return "skipped"  # a duplicated job, or already sent, failed or cancelled
    if row.not_before > now:
        return "early"  # its own scheduled job (or the sweeper) will come back for it
    reason = unwanted(session, row, contact)
    if reason:
        row.status, row.error = "cancelled", reason
        return "cancelled"
    later = now if row.direct_reply else outbox.civil_time(runtime.settings, now)
    if later > now:
        row.not_before = later
        outbox.queue_after_commit(runtime, session, row.id, later)
        return "deferred"
    row.status, row.claimed_at, row.attempts = "sending", now, row.attempts + 1
    return Claim(row, contact.phone, now)


def unwanted(session: Session, row: Outbox, contact: Contact | None) -> str | None:
    """Why this row must not go now (opted out, cannot text, no longer wanted), or None."""
    if contact is None or contact.phone is None:
        return "contact erased"
    if contact.opted_out_at is not None:
        return "opted out"
    if row.channel == "sms" and contact.cannot_text:
        return "number cannot receive texts"
    check = STILL_WANTED.get(row.purpose)
    return check(session, row) if check else None


def _send_in_slot(runtime: Runtime, claim: Claim) -> str:
    """Send within a rate-limit slot taken right before the request (after the claim, so
    database waits cannot bunch requests together). A worker killed while waiting
    leaves a "sending" row, which the sweeper settles."""
    if runtime.settings.local_mode:
        return _send(runtime, claim.row, claim.phone)
    context.twilio(runtime)  # built before the slot is taken, not inside it
    with context.limiter(runtime).slot():
        return _send(runtime, claim.row, claim.phone)


def _send(runtime: Runtime, row: Outbox, phone: str) -> str:
    if runtime.settings.local_mode:
        return f"local-{row.id}"
    return SENDERS[row.channel](runtime, row, phone)


def status_callback(runtime: Runtime, row_id: int) -> str:
    """Where Twilio reports delivery; the row id lets a callback settle an unknown send."""
    return f"{runtime.settings.public_base_url}/twilio/message-status?outbox={row_id}"


def _send_sms(runtime: Runtime, row: Outbox, phone: str) -> str:
    return context.twilio(runtime).send_sms(phone, row.body,
                                            status_callback=status_callback(runtime, row.id))


def _send_call(runtime: Runtime, row: Outbox, phone: str) -> str:
    from workers.calls import place_call

    return place_call(runtime, row, phone)


SENDERS: dict[str, Callable[[Runtime, Outbox, str], str]] = {"sms": _send_sms, "call": _send_call}


def record_sent(runtime: Runtime, row_id: int, sid: str, claimed_at: datetime | None) -> bool:
    """sending -> sent(sid), only for the claim that sent it; keeps the text in messages."""
    with runtime.store.transaction() as session:
        return _record(session, row_id, sid, claimed_at)


def _record_all(runtime: Runtime, sent: list[tuple[Claim, str]]) -> None:
    """Record a batch in two statements (an executemany and one INSERT ... SELECT)."""
    if not sent:
        return
    table, now = Outbox.__table__, utcnow()
    guarded = (update(table).where(
        table.c.id == bindparam("row_id"), table.c.status == "sending",
        table.c.claimed_at == bindparam("claimed"))
        .values(status="sent", sid=bindparam("new_sid"), sent_at=now))
    with runtime.store.transaction() as session:
        session.connection().execute(guarded, [
            {"row_id": c.row.id, "claimed": c.claimed_at, "new_sid": sid} for c, sid in sent])
        _keep_messages(session, [sid for _claim, sid in sent])


def _record(session: Session, row_id: int, sid: str, claimed_at: datetime | None) -> bool:
    guard = [Outbox.id == row_id, Outbox.status == "sending"]
    if claimed_at is not None:
        guard.append(Outbox.claimed_at == claimed_at)
    done = session.execute(update(Outbox).where(*guard).values(
        status="sent", sid=sid, sent_at=utcnow())).rowcount
    if done:
        _keep_message(session, row_id, sid)
    return bool(done)


def _keep_message(session: Session, row_id: int, sid: str) -> None:
    _keep_messages(session, [sid])


def _keep_messages(session: Session, sids: list[str]) -> None:
    """Copy sent texts into messages, so the transcript is whole. Only rows that now
    carry these sids are copied: one whose claim was lost to the sweeper is not."""
    session.execute(insert(Message).from_select(
        ["contact_id", "direction", "channel", "sid", "body", "status", "created_at"],
        select(Outbox.contact_id, literal("out"), literal("sms"), Outbox.sid, Outbox.body,
               literal("sent"), literal(utcnow(), UTCDateTime()))
        .where(Outbox.sid.in_(sids), Outbox.channel == "sms", Outbox.status == "sent")))


# Twilio errors, by class.

def _after_error(runtime: Runtime, claim: Claim, exc: SendError) -> str:
    handler = next(_ON_ERROR[c] for c in type(exc).__mro__ if c in _ON_ERROR)
    log.warning("outbox %s to %s: %s", claim.row.id, mask(claim.phone), exc)
    return handler(runtime, claim, exc)


def _settle(runtime: Runtime, claim: Claim, change: Callable[[Session, Outbox], str]) -> str:
    """Apply `change` to the row if it is still this claim's; returns the outcome."""
    with runtime.store.transaction() as session:
        row = lock(session, Outbox, claim.row.id)
        if row is None or row.status != "sending" or row.claimed_at != claim.claimed_at:
            return "skipped"
        return change(session, row)


def _retry(runtime: Runtime, claim: Claim, exc: SendError) -> str:
    """429 and 5xx: try again later with backoff, at most MAX_TRIES tries in all."""
    def change(session: Session, row: Outbox) -> str:
        if gives_up(row.attempts):
            row.status, row.error = "failed", f"gave up after {row.attempts} tries: {exc}"[:300]
            return "failed"
        delay = retry_delay(row.attempts, getattr(exc, "retry_after", None))
        row.status, row.claimed_at, row.error = "pending", None, str(exc)[:300]
        row.not_before = utcnow() + timedelta(seconds=delay)
        outbox.queue_after_commit(runtime, session, row.id, row.not_before)
        return "retry"
    return _settle(runtime, claim, change)


def _transient(runtime: Runtime, claim: Claim, exc: TransientError) -> str:
    """A 5xx or refused connection is safe to retry; a lost reply is not (see the top)."""
    if exc.status is not None or _never_connected(exc):
        return _retry(runtime, claim, exc)
    return "unknown"  # stays "sending": the sweeper asks Twilio once the lease is over


def _never_connected(exc: Exception) -> bool:
    import requests
    from urllib3.exceptions import NewConnectionError

    cause = exc.__cause__
    if isinstance(cause, requests.ConnectTimeout):
        return True
    reason = getattr(cause.args[0], "reason", None) if cause and cause.args else None
    return isinstance(cause, requests.ConnectionError) and isinstance(reason, NewConnectionError)


def _opted_out(runtime: Runtime, claim: Claim, exc: SendError) -> str:
    """21610: they replied STOP to Twilio; stop everything to them."""
    def change(session: Session, row: Outbox) -> str:
        row.status, row.error = "failed", str(exc)[:300]
        contacts.opt_out(session, lock(session, Contact, row.contact_id), utcnow())
        return "opted out"
    return _settle(runtime, claim, change)


def _cannot_receive(runtime: Runtime, claim: Claim, exc: SendError) -> str:
    """21211/21614/30006: the number cannot get texts; stop texting it."""
    def change(session: Session, row: Outbox) -> str:
        row.status, row.error = "failed", str(exc)[:300]
        mark_cannot_text(session, row.contact_id)
        return "cannot receive"
    return _settle(runtime, claim, change)


def mark_cannot_text(session: Session, contact_id: int) -> None:
    """Mark the number unable to get texts and cancel the texts waiting for it."""
    lock(session, Contact, contact_id).cannot_text = True
    session.execute(update(Outbox).where(
        Outbox.contact_id == contact_id, Outbox.status == "pending", Outbox.channel == "sms")
        .values(status="cancelled", error="number cannot receive texts"))


def _rejected(runtime: Runtime, claim: Claim, exc: SendError) -> str:
    """Any other 4xx: retrying unchanged will not help; keep the reason."""
    def change(session: Session, row: Outbox) -> str:
        row.status, row.error = "failed", str(exc)[:300]
        return "failed"
    return _settle(runtime, claim, change)


_ON_ERROR = {RateLimited: _retry, TransientError: _transient, OptedOut: _opted_out,
             CannotReceive: _cannot_receive, Rejected: _rejected, SendError: _rejected}


# The sweeper.

def enqueue_pending(runtime: Runtime, now: datetime | None = None, page: int = 1000,
                    pages: int = 100) -> int:
    """Sweeper: queue due pending rows that have no job (after a crash or a Redis outage).

    Pages through every due row, as a long campaign keeps thousands queued (marked) ahead
    of the ones that lost their job.
    """
    now, after, queued = now or utcnow(), 0, 0
    for _page in range(pages):
        with runtime.store.transaction() as session:
            ids = list(session.scalars(select(Outbox.id).where(
                Outbox.status == "pending", Outbox.not_before <= now, Outbox.id > after)
                .order_by(Outbox.id).limit(page)))
        if not ids:
            break
        after = ids[-1]
        queued += outbox.queue(runtime, [(i, None) for i in outbox.unqueued(runtime, ids)])
    return queued


def settle_stale(runtime: Runtime, now: datetime | None = None) -> dict[str, int]:
    """Sweeper: rows left "sending" past the lease are looked up, never resent blindly."""
    now = now or utcnow()
    with runtime.store.transaction() as session:
        stale = list(session.execute(select(Outbox.id, Outbox.claimed_at).where(
            Outbox.status == "sending", Outbox.claimed_at < now - LEASE)))
    counts: dict[str, int] = {}
    for row_id, claimed_at in stale:
        outcome = _settle_one(runtime, row_id, claimed_at)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _settle_one(runtime: Runtime, row_id: int, claimed_at: datetime) -> str:
    with runtime.store.transaction() as session:
        row = session.get(Outbox, row_id)
        phone = session.get(Contact, row.contact_id).phone if row else None
    if row is None or phone is None:
        return "gone"
    if not runtime.settings.local_mode and row.channel not in LOOKUPS:
        return _give_up_unknown(runtime, row_id, claimed_at)
    try:
        sid = _look_up(runtime, row, phone, claimed_at)
    except SendError as exc:
        log.warning("could not ask twilio about outbox %s: %s", row_id, exc)
        return "unsettled"
    if sid:
        return "sent" if record_sent(runtime, row_id, sid, claimed_at) else "skipped"
    return _release(runtime, row_id, claimed_at)


def _give_up_unknown(runtime: Runtime, row_id: int, claimed_at: datetime) -> str:
    """No way to ask Twilio (calls): a second call would be worse than none, so stop."""
    with runtime.store.transaction() as session:
        session.execute(update(Outbox).where(
            Outbox.id == row_id, Outbox.status == "sending", Outbox.claimed_at == claimed_at)
            .values(status="unknown", error="worker stopped mid-send; not tried again"))
    return "unknown"


def _look_up(runtime: Runtime, row: Outbox, phone: str, since: datetime) -> str | None:
    """The sid of this row's message if Twilio has it; in local mode nothing left us."""
    if runtime.settings.local_mode:
        return None
    return LOOKUPS[row.channel](runtime, row, phone, since)


def _find_sms(runtime: Runtime, row: Outbox, phone: str, since: datetime) -> str | None:
    return context.twilio(runtime).find_sms(phone, row.body, since)


LOOKUPS: dict[str, Callable[[Runtime, Outbox, str, datetime], str | None]] = {"sms": _find_sms}


def _release(runtime: Runtime, row_id: int, claimed_at: datetime) -> str:
    """Twilio never got it: sending -> pending, queued again."""
    with runtime.store.transaction() as session:
        done = session.execute(update(Outbox).where(
            Outbox.id == row_id, Outbox.status == "sending", Outbox.claimed_at == claimed_at)
            .values(status="pending", claimed_at=None)).rowcount
        if done:
            outbox.queue_after_commit(runtime, session, row_id)
    return "released" if done else "skipped"


def sweep() -> int:
    """RQ job run periodically by the scheduler."""
    runtime = context.runtime()
    settle_stale(runtime)
    return enqueue_pending(runtime)
