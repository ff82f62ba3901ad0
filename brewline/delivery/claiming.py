"""Claiming an outbox row: the last check before sending, and the move pending -> sending.

Only the worker that moves a row to "sending" (the claim, committed before the API call)
may send it, so a retried or duplicated job never sends twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from brewline.delivery import leases, outbox
from brewline.delivery.models import Outbox
from brewline.people.models import Contact
from brewline.platform.database import lock
from brewline.platform.runtime import Runtime

# Per purpose (reminder, invite, ...): a reason the row no longer makes sense, or None.
# Filled by each capability's register(), from the composition roots.
STILL_WANTED: dict[str, Callable[[Session, Outbox], str | None]] = {}
# RQ keeps a scheduled job's time in whole seconds (rounded down), so a job can run up
# to a second before its row is due: a row due this soon counts as due.
EARLY_TOLERANCE = timedelta(seconds=2)


@dataclass(frozen=True)
class Claim:
    """A row this worker has moved to "sending" and may now send, once."""

    row: Outbox
    phone: str
    claimed_at: datetime


def claim_due(runtime: Runtime, ids: list[int], now: datetime) -> dict[int, Claim | str]:
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
    if row.not_before > now + EARLY_TOLERANCE:
        # Given a job of its own for its time, so it never waits on its "queued" marker.
        outbox.queue_after_commit(runtime, session, row.id, row.not_before)
        return "early"
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
    row.lease_until = now + leases.lease(runtime)
    return Claim(row, contact.phone if contact else None, now)


def unwanted(session: Session, row: Outbox, contact: Contact | None) -> str | None:
    """Why this row must not go now (opted out, cannot text, no longer wanted), or None."""
    if row.channel in ADDRESSLESS:
        return None  # acts on Twilio itself (an erased person's recording), not on a person
    if contact is None or contact.phone is None:
        return "contact erased"
    if contact.opted_out_at is not None:
        return "opted out"
    if row.channel == "sms" and contact.cannot_text:
        return "number cannot receive texts"
    check = STILL_WANTED.get(row.purpose)
    return check(session, row) if check else None


# Channels that act on Twilio itself, not on a person: no number, sent even after erasure.
ADDRESSLESS = frozenset({"api"})


def settle(runtime: Runtime, claimed: Claim, change: Callable[[Session, Outbox], str]) -> str:
    """Apply `change` to the row if it is still this claim's; returns the outcome."""
    with runtime.store.transaction() as session:
        row = lock(session, Outbox, claimed.row.id)
        if row is None or row.status != "sending" or row.claimed_at != claimed.claimed_at:
            return "skipped"
        return change(session, row)


def release(runtime: Runtime, row_id: int, claimed_at: datetime) -> str:
    """Twilio never got it: sending -> pending, queued again."""
    with runtime.store.transaction() as session:
        done = session.execute(update(Outbox).where(
            Outbox.id == row_id, Outbox.status == "sending", Outbox.claimed_at == claimed_at)
            .values(status="pending", claimed_at=None, lease_until=None)).rowcount
        if done:
            outbox.queue_after_commit(runtime, session, row_id)
    return "released" if done else "skipped"
