"""Writing outbox rows, and queuing their ids once the transaction has committed."""
from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.quiet_hours import next_allowed
from service.runtime import Runtime
from service.settings import Settings
from service.store import Contact, Outbox, after_commit, utcnow

log = logging.getLogger("brewline.outbox")
SEND_JOB = "workers.outbound.send_outbound"
# "A job for this row is queued or scheduled": lets the sweeper leave queued rows alone.
# It lives in the same Redis as the queue, so a Redis restart loses both together. It is
# only read for pending rows, so it is left to expire once a row is sent.
QUEUED_KEY = "brewline:outbox:queued:{}"
MARKER_SECONDS = 600
# Finished send jobs are dropped at once: the outbox row is the record, not RQ.
RESULT_TTL = 0
# Due rows go several to a job: RQ costs a couple of dozen Redis round trips per job,
# more than sending one text. Each row is still claimed, guarded and retried on its own.
BATCH = 25
BATCH_TIMEOUT = 900  # seconds: 25 texts behind a rate limit, or 25 slow API calls


def add(runtime: Runtime, session: Session, contact_id: int, body: str, purpose: str,
        not_before: datetime | None = None, channel: str = "sms", **fields) -> Outbox:
    """Write an outbound row in this transaction; its id is queued after commit.

    Anything but a direct reply is moved out of quiet hours here, so `not_before` is true.
    """
    due = not_before or utcnow()
    if not fields.get("direct_reply"):
        due = civil_time(runtime.settings, due)
    row = Outbox(contact_id=contact_id, body=body, purpose=purpose, channel=channel,
                 not_before=due, **fields)
    session.add(row)
    contact = session.get(Contact, contact_id)
    if channel == "sms" and contact is not None and contact.phone_only:
        # They told us they cannot get texts: keep the row as a record, never send it.
        row.status, row.error = "cancelled", "phone only"
    session.flush()
    if row.status != "cancelled":
        queue_after_commit(runtime, session, row.id, due)
    return row


def civil_time(settings: Settings, moment: datetime) -> datetime:
    """`moment`, or the end of quiet hours if it falls inside them."""
    return next_allowed(moment, settings.quiet_hours, ZoneInfo(settings.tz_default))


def queue_after_commit(runtime: Runtime, session: Session, row_id: int,
                       due: datetime | None = None) -> None:
    """Queue a row once this transaction commits; rows of one transaction go in one batch."""
    batch = session.info.get("outbox_batch")
    if batch is None:
        batch = session.info["outbox_batch"] = []
        # If Redis is down the sweeper picks these rows up later, so nothing is lost.
        after_commit(session, lambda: queue(runtime, batch))
    batch.append((row_id, due))


def queue(runtime: Runtime, rows: list[tuple[int, datetime | None]]) -> int:
    """Queue due rows and schedule later ones; returns how many. Never raises for Redis."""
    try:
        return _queue(runtime, rows)
    except redis.RedisError as exc:
        log.warning("could not queue %d outbox rows: %s", len(rows), type(exc).__name__)
        return 0


def _queue(runtime: Runtime, rows: list[tuple[int, datetime | None]]) -> int:
    now, queue_ = utcnow(), runtime.queue
    soon = [i for i, due in rows if due is None or due <= now]
    batches = [tuple(soon[n:n + BATCH]) for n in range(0, len(soon), BATCH)]
    with runtime.redis.pipeline() as pipe:
        queue_.enqueue_many([queue_.prepare_data(SEND_JOB, batch, result_ttl=RESULT_TTL,
                                                 timeout=BATCH_TIMEOUT)
                             for batch in batches], pipeline=pipe)
        for i in soon:
            pipe.set(QUEUED_KEY.format(i), 1, ex=MARKER_SECONDS)
        pipe.execute()
    for i, due in rows:
        if due is not None and due > now:
            queue_.enqueue_at(due, SEND_JOB, i, result_ttl=RESULT_TTL)
            seconds = int((due - now).total_seconds()) + MARKER_SECONDS
            runtime.redis.set(QUEUED_KEY.format(i), 1, ex=seconds)
    return len(rows)


def unqueued(runtime: Runtime, ids: list[int]) -> list[int]:
    """The ids among `ids` with no queued or scheduled job (by the markers)."""
    if not ids:
        return []
    with runtime.redis.pipeline() as pipe:
        for i in ids:
            pipe.exists(QUEUED_KEY.format(i))
        found = pipe.execute()
    return [i for i, there in zip(ids, found) if not there]


def sent_since(session: Session, contact_id: int, after_id: int = 0) -> list[Outbox]:
    """A person's sent outbound messages with ids above `after_id`, oldest first.

    In local mode this is where texts "go": `brewline chat` and the simulator read it.
    """
    return list(session.scalars(select(Outbox).where(
        Outbox.contact_id == contact_id, Outbox.id > after_id, Outbox.status == "sent")
        .order_by(Outbox.id)))
