"""Writing outbox rows, and queuing their ids once the transaction has committed."""
from __future__ import annotations

import logging
from datetime import datetime

import redis
from rq import Queue
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.runtime import Runtime
from service.store import Contact, Outbox, after_commit, utcnow

SEND_JOB = "workers.outbound.send_outbound"
log = logging.getLogger("brewline.outbox")


def add(runtime: Runtime, session: Session, contact_id: int, body: str, purpose: str,
        not_before: datetime | None = None, channel: str = "sms", **fields) -> Outbox:
    """Write an outbound row in this transaction; its id is queued after commit."""
    row = Outbox(contact_id=contact_id, body=body, purpose=purpose, channel=channel,
                 not_before=not_before or utcnow(), **fields)
    session.add(row)
    contact = session.get(Contact, contact_id)
    if channel == "sms" and contact is not None and contact.phone_only:
        # They told us they cannot get texts: keep the row as a record, never send it.
        row.status, row.error = "cancelled", "phone only"
    session.flush()
    row_id = row.id
    # The job carries only the id; if Redis is down the sweeper picks the row up later.
    after_commit(session, lambda: runtime.enqueue(SEND_JOB, row_id))
    return row


def add_many(runtime: Runtime, session: Session, rows: list[dict]) -> list[int]:
    """Write many outbound rows in one statement; their ids are queued after commit.

    Each dict holds Outbox fields (contact_id, body, purpose, ...); used for campaigns,
    where a flush per row would be far too slow.
    """
    if not rows:
        return []
    now = utcnow()
    values = [{"not_before": now, "channel": "sms", **row} for row in rows]
    from service import bulk

    ids = bulk.insert_rows(session, Outbox, values, ids=True)
    after_commit(session, lambda: enqueue_many(runtime, ids))
    return ids


def enqueue_many(runtime: Runtime, ids: list[int], chunk: int = 1000) -> int:
    """Queue send jobs for many ids in Redis pipelines; the sweeper covers any failure."""
    queued = 0
    try:
        for start in range(0, len(ids), chunk):
            batch = [Queue.prepare_data(SEND_JOB, (i,)) for i in ids[start:start + chunk]]
            # No MULTI/EXEC: each job stands alone, and the sweeper covers a half-done batch.
            with runtime.redis.pipeline(transaction=False) as pipe:
                runtime.queue.enqueue_many(batch, pipeline=pipe)
                pipe.execute()
            queued += len(batch)
    except redis.RedisError as exc:
        log.warning("could not enqueue %d outbox rows: %s", len(ids) - queued, type(exc).__name__)
    return queued


def existing_keys(session: Session, keys: list[str], chunk: int = 5000) -> set[str]:
    """Which of these dedupe keys are already taken (so a repeated command adds nothing)."""
    found: set[str] = set()
    for start in range(0, len(keys), chunk):
        found.update(session.scalars(select(Outbox.dedupe_key).where(
            Outbox.dedupe_key.in_(keys[start:start + chunk]))))
    return found
