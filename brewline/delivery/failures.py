"""What a failed send does to its row, by the kind of Twilio error: try again, or stop."""
from __future__ import annotations

import logging
from datetime import timedelta

import requests
from sqlalchemy.orm import Session
from urllib3.exceptions import NewConnectionError

from brewline.delivery import outbox, stopping
from brewline.delivery.backoff import gives_up, retry_delay, retry_for
from brewline.delivery.claiming import Claim, settle
from brewline.delivery.explained import TRYING_AGAIN
from brewline.delivery.models import Outbox
from brewline.delivery.twilio_rest import (
    CannotReceive,
    OptedOut,
    RateLimited,
    Rejected,
    SendError,
    TransientError,
)
from brewline.people.models import Contact
from brewline.people.phones import mask
from brewline.platform.database import lock, utcnow
from brewline.platform.runtime import Runtime

log = logging.getLogger("brewline.outbound")


def after_error(runtime: Runtime, claim: Claim, exc: SendError) -> str:
    handler = next(_ON_ERROR[c] for c in type(exc).__mro__ if c in _ON_ERROR)
    log.warning("outbox %s to %s: %s", claim.row.id, mask(claim.phone), exc)
    return handler(runtime, claim, exc)


def _retry(runtime: Runtime, claim: Claim, exc: SendError) -> str:
    """429 and 5xx: try again later with backoff, for as long as retry_for() (two hours)."""
    def change(session: Session, row: Outbox) -> str:
        now, limit = max(claim.claimed_at, utcnow()), retry_for(runtime)
        since = row.retrying_since or claim.claimed_at
        if gives_up(since, now, limit):
            row.status, row.error = "failed", gave_up(row.attempts, now - since, exc)
            return "failed"
        delay = retry_delay(row.attempts, getattr(exc, "retry_after", None))
        row.status, row.claimed_at, row.lease_until = "pending", None, None
        row.retrying_since, row.error = since, f"{TRYING_AGAIN}{exc}"[:300]
        row.not_before = now + timedelta(seconds=delay)
        outbox.queue_after_commit(runtime, session, row.id, row.not_before)
        return "retry"
    return settle(runtime, claim, change)


def gave_up(tries: int, over: timedelta, exc: SendError | str) -> str:
    """The error kept on a row we stopped trying (explained.py puts it in plain words)."""
    return f"gave up after {tries} tries in {round(over.total_seconds() / 60)} minutes: {exc}"[:300]


def _transient(runtime: Runtime, claim: Claim, exc: TransientError) -> str:
    """A 5xx or refused connection is safe to retry; a lost reply is not (see the top)."""
    if exc.status is not None or _never_connected(exc):
        return _retry(runtime, claim, exc)
    return settle(runtime, claim, _lost_reply(claim, exc))


def _lost_reply(claim: Claim, exc: SendError):
    """The row stays "sending": once its lease is over the sweeper asks Twilio, and sends it
    again only if Twilio never had it, for as long as retry_for() from the first loss."""
    def change(session: Session, row: Outbox) -> str:
        row.retrying_since = row.retrying_since or claim.claimed_at
        row.error = f"{TRYING_AGAIN}{exc}"[:300]
        return "unknown"
    return change


def _never_connected(exc: Exception) -> bool:
    cause = exc.__cause__
    if isinstance(cause, requests.ConnectTimeout):
        return True
    reason = getattr(cause.args[0], "reason", None) if cause and cause.args else None
    return isinstance(cause, requests.ConnectionError) and isinstance(reason, NewConnectionError)


def _opted_out(runtime: Runtime, claim: Claim, exc: SendError) -> str:
    """21610: they replied STOP to Twilio; stop everything to them."""
    def change(session: Session, row: Outbox) -> str:
        row.status, row.error = "failed", str(exc)[:300]
        stopping.opt_out(session, lock(session, Contact, row.contact_id), utcnow())
        return "opted out"
    return settle(runtime, claim, change)


def _cannot_receive(runtime: Runtime, claim: Claim, exc: SendError) -> str:
    """21211/21614/30006: the number cannot get texts; stop texting it."""
    def change(session: Session, row: Outbox) -> str:
        row.status, row.error = "failed", str(exc)[:300]
        stopping.mark_cannot_text(session, row.contact_id)
        return "cannot receive"
    return settle(runtime, claim, change)


def _rejected(runtime: Runtime, claim: Claim, exc: SendError) -> str:
    """Any other 4xx: retrying unchanged will not help; keep the reason."""
    def change(session: Session, row: Outbox) -> str:
        row.status, row.error = "failed", str(exc)[:300]
        return "failed"
    return settle(runtime, claim, change)


_ON_ERROR = {RateLimited: _retry, TransientError: _transient, OptedOut: _opted_out,
             CannotReceive: _cannot_receive, Rejected: _rejected, SendError: _rejected}
