"""Sending one outbox row: guarded so that a retried or duplicated job never sends twice."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from sqlalchemy import select, update

from typing import Callable

from sqlalchemy.orm import Session

from service.phones import mask
from service.runtime import Runtime
from service.store import Contact, Outbox, utcnow
from workers import context

log = logging.getLogger("brewline.outbound")
# Per purpose (reminder, invite, ...): a reason the row no longer makes sense, or None.
STILL_WANTED: dict[str, Callable[[Session, Outbox], str | None]] = {}


def send_outbound(outbox_id: int) -> str:
    """RQ job: send one outbox row if it is still due. Returns what happened."""
    return deliver(context.runtime(), outbox_id)


def deliver(runtime: Runtime, outbox_id: int, now: datetime | None = None) -> str:
    """Claim the row (pending -> sending), send it, and record the sid."""
    now = now or utcnow()
    claimed = _claim(runtime, outbox_id, now)
    if claimed is None:
        return "skipped"
    row, phone = claimed
    sid = _send(runtime, row, phone)
    with runtime.store.transaction() as session:
        session.execute(update(Outbox).where(Outbox.id == outbox_id).values(
            status="sent", sid=sid, sent_at=utcnow()))
    log.info("sent outbox %s to %s", outbox_id, mask(phone))
    return "sent"


def _claim(runtime: Runtime, outbox_id: int, now: datetime):
    with runtime.store.transaction() as session:
        row = session.get(Outbox, outbox_id, with_for_update=True)
        if row is None or row.status != "pending" or row.not_before > now:
            return None
        contact = session.get(Contact, row.contact_id)
        if contact is None or contact.phone is None or contact.opted_out_at is not None:
            row.status, row.error = "cancelled", "opted out or erased"
            return None
        check = STILL_WANTED.get(row.purpose)
        reason = check(session, row) if check else None
        if reason:
            row.status, row.error = "cancelled", reason
            return None
        # Only the worker that moves pending -> sending may send; a duplicate job stops above.
        row.status, row.attempts = "sending", row.attempts + 1
        return row, contact.phone


def _send(runtime: Runtime, row: Outbox, phone: str) -> str:
    if runtime.settings.local_mode:
        return f"local-{row.id}"
    return SENDERS[row.channel](runtime, row, phone)


def _send_sms(runtime: Runtime, row: Outbox, phone: str) -> str:
    from workers.twilio_rest import TwilioRest, make_client

    settings = runtime.settings
    client = make_client(settings.twilio_account_sid, settings.twilio_auth_token,
                         settings.twilio_api_base_url)
    rest = TwilioRest(client, settings.twilio_phone_number)
    callback = f"{settings.public_base_url}/twilio/message-status"
    return rest.send_sms(phone, row.body, status_callback=callback)


def _send_call(runtime: Runtime, row: Outbox, phone: str) -> str:
    from workers.calls import place_call

    return place_call(runtime, row, phone)


SENDERS: dict[str, Callable[[Runtime, Outbox, str], str]] = {"sms": _send_sms, "call": _send_call}


def enqueue_pending(runtime: Runtime, now: datetime | None = None, limit: int = 1000) -> int:
    """Sweeper: queue every pending row that is due (after a crash or a Redis outage)."""
    now = now or datetime.now(timezone.utc)
    with runtime.store.transaction() as session:
        ids = session.scalars(select(Outbox.id).where(
            Outbox.status == "pending", Outbox.not_before <= now)
            .order_by(Outbox.not_before, Outbox.id).limit(limit)).all()
    return sum(runtime.enqueue("workers.outbound.send_outbound", i) for i in ids)


def sweep() -> int:
    """RQ job run periodically by the scheduler."""
    return enqueue_pending(context.runtime())
