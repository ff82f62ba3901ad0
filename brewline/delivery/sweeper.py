"""The periodic sweep: nothing outbound is lost to a dead worker or a Redis restart.

A row left "sending" past its lease (leases.py: renewed while its worker lives) is looked
up at Twilio, never resent blindly; a due row whose job is gone (never queued, lost with
Redis, taken by a worker that died) is queued again.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable

from sqlalchemy import and_, or_, select, update

from brewline.delivery import clients, leases, outbox
from brewline.delivery.backoff import gives_up, retry_for
from brewline.delivery.claiming import ADDRESSLESS, release
from brewline.delivery.explained import TRYING_AGAIN
from brewline.delivery.failures import gave_up
from brewline.delivery.models import Outbox
from brewline.delivery.sending import record_sent
from brewline.delivery.twilio_rest import SendError
from brewline.people.models import Contact
from brewline.platform.database import utcnow
from brewline.platform.runtime import Runtime

log = logging.getLogger("brewline.sweeper")
LEASE = leases.LEASE


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
            Outbox.status == "sending", or_(Outbox.lease_until < now, and_(
                Outbox.lease_until.is_(None), Outbox.claimed_at < now - leases.lease(runtime))))))
    counts: dict[str, int] = {}
    for row_id, claimed_at in stale:
        outcome = _settle_one(runtime, row_id, claimed_at, now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _settle_one(runtime: Runtime, row_id: int, claimed_at: datetime, now: datetime) -> str:
    with runtime.store.transaction() as session:
        row = session.get(Outbox, row_id)
        phone = session.get(Contact, row.contact_id).phone if row else None
    if row is None or (phone is None and row.channel not in ADDRESSLESS):
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
    if row.retrying_since and gives_up(row.retrying_since, now, retry_for(runtime)):
        return _give_up(runtime, row, claimed_at, now)
    return release(runtime, row_id, claimed_at)


def _give_up(runtime: Runtime, row: Outbox, claimed_at: datetime, now: datetime) -> str:
    """Twilio never had it, and replies have been lost for as long as we try: stop."""
    error = gave_up(row.attempts, now - row.retrying_since,
                    (row.error or "").removeprefix(TRYING_AGAIN))
    with runtime.store.transaction() as session:
        session.execute(update(Outbox).where(
            Outbox.id == row.id, Outbox.status == "sending", Outbox.claimed_at == claimed_at)
            .values(status="failed", error=error))
    return "failed"


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
    return clients.twilio(runtime).find_sms(phone, row.body, since)


def _nothing_to_find(*_args) -> None:
    """Deleting a recording twice is harmless, so a lost one is simply tried again."""
    return None


LOOKUPS: dict[str, Callable[[Runtime, Outbox, str, datetime], str | None]] = {
    "sms": _find_sms, "api": _nothing_to_find}


def sweep_once(runtime: Runtime) -> list[object]:
    """Run every sweep step once (the worker does, every BREWLINE_SWEEP_SECONDS)."""
    return [settle_stale(runtime), enqueue_pending(runtime)]
