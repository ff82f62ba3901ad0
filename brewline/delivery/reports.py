"""POST /twilio/message-status: Twilio tells us how an outbound text got on."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from flask import Blueprint, Response, current_app, request
from sqlalchemy import select

from brewline.delivery import spool, stopping
from brewline.delivery.models import Outbox
from brewline.platform.database import utcnow
from brewline.platform.runtime import Runtime
from brewline.platform.twilio_edge import BadForm, plain, required, twilio_webhook

bp = Blueprint("message_status", __name__)
# Statuses only move forward: a late "sent" never overwrites "delivered".
RANK = {"accepted": 1, "scheduled": 1, "queued": 2, "sending": 3, "sent": 4,
        "undelivered": 5, "failed": 5, "canceled": 5, "partially_delivered": 6,
        "delivered": 6, "read": 7}
CANNOT_RECEIVE = frozenset({"21211", "21614", "30006"})


@dataclass(frozen=True)
class DeliveryStatus:
    sid: str
    status: str
    error_code: str | None
    outbox_id: int | None


def delivery_status(form: Mapping[str, str]) -> DeliveryStatus:
    """Twilio's status-callback form in our words."""
    sid, status = required(form, "MessageSid", "MessageStatus")
    status = status.strip().lower()
    if status not in RANK:
        raise BadForm(f"unknown MessageStatus {status[:20]!r}")
    ref = request.args.get("outbox", "")
    return DeliveryStatus(sid, status, form.get("ErrorCode") or None,
                          int(ref) if ref.isdigit() else None)


@bp.post("/twilio/message-status")
@twilio_webhook(delivery_status)
def message_status(update: DeliveryStatus) -> Response:
    runtime = current_app.extensions["brewline"]
    # Kept in the spool while the database is down: Twilio retries a status callback only
    # in a few cases, and it may be the only word that a number cannot take texts.
    return spool.now_or_later(runtime, "message_status", update,
                              lambda now: plain(200, apply(runtime, update, now)),
                              plain(200, "kept; applied when the database is back"))


def apply(runtime: Runtime, update: DeliveryStatus, now: datetime) -> str:
    """Keep a delivery status with its outbox row."""
    with runtime.store.transaction() as session:
        row = _row(session, update)
        if row is not None:
            record(session, row, update, now)
    # Twilio retries on errors; an unknown sid is not one, so it gets a 2xx and is dropped.
    return "ok" if row is not None else "unknown message"


def replay(runtime: Runtime, fields: dict, at: datetime) -> None:
    """A delivery status the spool kept while the database was down (spool.py)."""
    apply(runtime, DeliveryStatus(**fields), at)


def _row(session, update: DeliveryStatus) -> Outbox | None:
    row = session.scalars(select(Outbox).where(Outbox.sid == update.sid)
                          .with_for_update()).first()
    if row is None and update.outbox_id is not None:
        # A worker lost the reply to its API call: the callback tells us the sid.
        row = session.get(Outbox, update.outbox_id, with_for_update=True)
        if row is None or row.sid is not None or row.status not in ("sending", "pending"):
            return None
    return row


def record(session, row: Outbox, update: DeliveryStatus, now: datetime | None = None) -> None:
    """Keep the newer of the stored and the reported status (reported at `now`)."""
    now = now or utcnow()
    if row.sid is None:
        row.sid, row.status, row.sent_at = update.sid, "sent", now
    if RANK[update.status] > RANK.get(row.delivery or "", 0):
        row.delivery, row.delivery_at = update.status, now
    if update.error_code:
        row.error = f"twilio error {update.error_code[:10]} ({update.status})"
        if update.error_code in CANNOT_RECEIVE:
            stopping.mark_cannot_text(session, row.contact_id)
