"""Sending one outbox row: guarded so that a retried or duplicated job never sends twice.

A row moves pending -> sending -> sent(sid). Only the worker that moves it to "sending"
(the claim, committed before the API call) may send it. Twilio has no idempotency key,
so the one open question is a worker that dies, or a request that times out, after the
claim: Twilio may or may not have the message. Such a row is never resent blindly. It
stays "sending" until its lease runs out (leases.py: renewed while the worker lives, so
that is seconds after a worker dies); then the sweeper asks Twilio whether
a message with this body went to this number since the claim (or a status callback,
which carries the row id, has already told us its sid): found -> sent(sid); not found ->
pending again. Only a failed look-up leaves it for the next sweep.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable

import redis
from rq import get_current_job
from sqlalchemy import bindparam, insert, literal, select, update
from sqlalchemy.orm import Session

from brewline.delivery import clients, leases
from brewline.delivery.claiming import Claim, claim_due, release
from brewline.delivery.failures import after_error
from brewline.delivery.models import Message, Outbox
from brewline.delivery.placing import place_call
from brewline.delivery.twilio_rest import SendError
from brewline.people.phones import mask
from brewline.platform import runtime as process
from brewline.platform.database import UTCDateTime, utcnow
from brewline.platform.runtime import Runtime

log = logging.getLogger("brewline.outbound")


def send_outbound(*outbox_ids: int) -> list[str]:
    """RQ job: send each outbox row (in order) if it is still due; what happened to each.

    While it runs it keeps itself and its claims alive (leases.py), so if its worker dies
    the rest of the batch is queued again within seconds, not minutes."""
    runtime, job = process.current(), get_current_job()
    with leases.keep_alive(runtime, job.id if job else None, list(outbox_ids)):
        return deliver_many(runtime, list(outbox_ids))


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
    claimed = claim_due(runtime, chunk, now)
    sent: list[tuple[Claim, str]] = []
    try:
        return [_send_claimed(runtime, claimed.pop(i, "skipped"), sent) for i in chunk]
    finally:
        # Even if something unexpected stops the batch, what went out is recorded.
        _record_all(runtime, sent)


def _send_claimed(runtime: Runtime, claim: Claim | str, sent: list) -> str:
    if isinstance(claim, str):
        return claim
    try:
        sid = _send_in_slot(runtime, claim)
    except SendError as exc:
        return after_error(runtime, claim, exc)
    sent.append((claim, sid))
    log.info("sent outbox %s to %s", claim.row.id, mask(claim.phone))
    return "sent"


def _send_in_slot(runtime: Runtime, claim: Claim) -> str:
    """Send within a rate-limit slot taken right before the request (after the claim, so
    database waits cannot bunch requests together). A worker killed while waiting
    leaves a "sending" row, which the sweeper settles."""
    if runtime.settings.local_mode:
        return _send(runtime, claim.row, claim.phone)
    clients.twilio(runtime)  # built before the slot is taken, not inside it
    try:
        with clients.limiter(runtime).slot():
            return _send(runtime, claim.row, claim.phone)
    except redis.RedisError:
        # Only taking the slot talks to Redis, so nothing went out: the row goes back to
        # pending now instead of waiting out the lease (Redis stopped mid-campaign).
        release(runtime, claim.row.id, claim.claimed_at)
        raise


def _send(runtime: Runtime, row: Outbox, phone: str) -> str:
    if runtime.settings.local_mode:
        return f"local-{row.id}"
    return SENDERS[row.channel](runtime, row, phone)


def status_callback(runtime: Runtime, row_id: int) -> str:
    """Where Twilio reports delivery; the row id lets a callback settle an unknown send."""
    return f"{runtime.settings.public_base_url}/twilio/message-status?outbox={row_id}"


def _send_sms(runtime: Runtime, row: Outbox, phone: str) -> str:
    return clients.twilio(runtime).send_sms(phone, row.body,
                                            status_callback=status_callback(runtime, row.id))


def _send_call(runtime: Runtime, row: Outbox, phone: str) -> str:
    return place_call(runtime, row, phone)


def _delete_recording(runtime: Runtime, row: Outbox, _phone: None) -> str:
    """Ask Twilio to delete a recording (an erased person's); the row's ref is its sid."""
    clients.twilio(runtime).delete_recording(row.ref)
    return f"deleted-{row.ref}"


SENDERS: dict[str, Callable[[Runtime, Outbox, str], str]] = {
    "sms": _send_sms, "call": _send_call, "api": _delete_recording}


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
        _keep_messages(session, [sid])
    return bool(done)


def _keep_messages(session: Session, sids: list[str]) -> None:
    """Copy sent texts into messages, so the transcript is whole. Only rows that now
    carry these sids are copied: one whose claim was lost to the sweeper is not."""
    session.execute(insert(Message).from_select(
        ["contact_id", "direction", "channel", "sid", "body", "status", "created_at"],
        select(Outbox.contact_id, literal("out"), literal("sms"), Outbox.sid, Outbox.body,
               literal("sent"), literal(utcnow(), UTCDateTime()))
        .where(Outbox.sid.in_(sids), Outbox.channel == "sms", Outbox.status == "sent")))
