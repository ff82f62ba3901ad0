"""Writing outbox rows, and queuing their ids once the transaction has committed."""
from __future__ import annotations

import logging
import time
import uuid
from datetime import datetime
from typing import Callable
from zoneinfo import ZoneInfo

import redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from brewline.delivery import leases
from brewline.delivery.models import Outbox
from brewline.delivery.quiet_hours import next_allowed
from brewline.people.models import Contact
from brewline.platform import bulk
from brewline.platform.database import after_commit, utcnow
from brewline.platform.runtime import Runtime
from brewline.platform.settings import Settings

log = logging.getLogger("brewline.outbox")
# The RQ job that sends a batch of rows (delivery.sending.send_outbound). Sending queues
# again what it defers, so it cannot be imported here: delivery.register() names it.
_send_job: list[Callable[..., object]] = []
# "This row's send job is <job id>": lets the sweeper leave a row alone while that job is
# in the queue, scheduled, or running (its alive key, leases.py), and queue it again as
# soon as the job is none of these. It lives in the same Redis as the queue, so a Redis
# restart loses both together. It is only read for pending rows, so it is left to expire
# once a row is sent.
QUEUED_KEY = "brewline:outbox:queued:{}"
MARKER_SECONDS = 600
# RQ's scheduler moves a due job to the queue within a second or so; a scheduled job this
# overdue has no scheduler (its worker died holding the scheduler's lock for a minute).
SCHEDULER_GRACE_SECONDS = 10
EARLY_SECONDS = 2  # clocks of the sweeper's and the scheduler's machines may differ a little
# Finished send jobs are dropped at once: the outbox row is the record, not RQ.
RESULT_TTL = 0
# Due rows go several to a job: RQ costs a couple of dozen Redis round trips per job,
# more than sending one text. Each row is still claimed, guarded and retried on its own.
BATCH = 25
BATCH_TIMEOUT = 900  # seconds: 25 texts behind a rate limit, or 25 slow API calls


def use_send_job(job: Callable[..., object]) -> None:
    """Name the job that sends rows (delivery.register() does, from the composition roots)."""
    _send_job[:] = [job]


def send_job() -> Callable[..., object]:
    """The job that sends a batch of outbox ids."""
    if not _send_job:
        raise RuntimeError("no send job: brewline.delivery.register() names it at start")
    return _send_job[0]


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
    by_due: dict[datetime | None, list[int]] = {}
    for i, due in rows:
        by_due.setdefault(due if due is not None and due > now else None, []).append(i)
    soon = [(_job_id(), batch) for batch in _batches(by_due.pop(None, []))]
    # No MULTI/EXEC: each job stands alone, and the sweeper covers a half-done batch.
    with runtime.redis.pipeline(transaction=False) as pipe:
        queue_.enqueue_many([queue_.prepare_data(send_job(), batch, result_ttl=RESULT_TTL,
                                                 timeout=BATCH_TIMEOUT, job_id=job_id)
                             for job_id, batch in soon], pipeline=pipe)
        for job_id, batch in soon:
            _mark(pipe, batch, job_id, marker_seconds(runtime))
        pipe.execute()
    for due, ids in by_due.items():  # later rows (quiet hours, backoff), batched by time
        for batch in _batches(ids):
            job = queue_.enqueue_at(due, send_job(), *batch, result_ttl=RESULT_TTL,
                                    job_timeout=BATCH_TIMEOUT, job_id=_job_id())
            with runtime.redis.pipeline(transaction=False) as pipe:
                seconds = int((due - now).total_seconds()) + marker_seconds(runtime)
                _mark(pipe, batch, job.id, seconds)
                pipe.execute()
    return len(rows)


def _job_id() -> str:
    return uuid.uuid4().hex


def _batches(ids: list[int]) -> list[tuple[int, ...]]:
    return [tuple(ids[n:n + BATCH]) for n in range(0, len(ids), BATCH)]


def _mark(pipe, ids: tuple[int, ...], job_id: str, seconds: int) -> None:
    for i in ids:
        pipe.set(QUEUED_KEY.format(i), job_id, ex=seconds)


def add_many(runtime: Runtime, session: Session, rows: list[dict]) -> list[int]:
    """Write many outbound rows in one statement; their ids are queued after commit.

    Each dict holds Outbox fields (contact_id, body, purpose, ...); used for campaigns,
    where a flush per row would be far too slow. Quiet hours apply as in `add`.
    """
    if not rows:
        return []
    now, shifted = utcnow(), {}
    values = [{"not_before": now, "channel": "sms", **row} for row in rows]
    for value in values:
        if not value.get("direct_reply"):
            due = value["not_before"]
            if due not in shifted:  # a campaign's rows share one time: work it out once
                shifted[due] = civil_time(runtime.settings, due)
            value["not_before"] = shifted[due]
    ids = bulk.insert_rows(session, Outbox, values, ids=True)
    for row_id, value in zip(ids, values):
        if value.get("status", "pending") == "pending":
            queue_after_commit(runtime, session, row_id, value["not_before"])
    return ids


def enqueue_many(runtime: Runtime, ids: list[int], chunk: int = 1000) -> int:
    """Queue send jobs for many due ids; the sweeper covers any failure."""
    return sum(queue(runtime, [(i, None) for i in ids[start:start + chunk]])
               for start in range(0, len(ids), chunk))


def existing_keys(session: Session, keys: list[str], chunk: int = 5000) -> set[str]:
    """Which of these dedupe keys are already taken (so a repeated command adds nothing)."""
    found: set[str] = set()
    for start in range(0, len(keys), chunk):
        found.update(session.scalars(select(Outbox.dedupe_key).where(
            Outbox.dedupe_key.in_(keys[start:start + chunk]))))
    return found


def marker_seconds(runtime: Runtime) -> int:
    """How long a queued marker lasts (BREWLINE_QUEUED_MARKER_SECONDS; fault tests shorten it)."""
    return int(runtime.settings.extra.get("BREWLINE_QUEUED_MARKER_SECONDS", MARKER_SECONDS))


def unqueued(runtime: Runtime, ids: list[int]) -> list[int]:
    """The ids among `ids` whose send job is gone: never queued, lost with Redis, taken by a
    worker that died, or scheduled but overdue (no scheduler running)."""
    if not ids:
        return []
    jobs, waiting = _jobs_and_waiting(runtime, ids)
    covered = waiting | leases.alive(runtime, {j for j in jobs if j and j not in waiting})
    return [i for i, job in zip(ids, jobs) if job not in covered]


def _jobs_and_waiting(runtime: Runtime, ids: list[int]) -> tuple[list[str | None], set[str]]:
    """Each row's job (by its marker), and the jobs queued or scheduled for about now,
    read at one moment (MULTI), so a job cannot move between the two reads."""
    queue_, moment = runtime.queue, time.time()
    with runtime.redis.pipeline(transaction=True) as pipe:
        for i in ids:
            pipe.get(QUEUED_KEY.format(i))
        pipe.lrange(queue_.key, 0, -1)
        # Only jobs due about now: one scheduled for later does not cover a row due now.
        pipe.zrangebyscore(queue_.scheduled_job_registry.key,
                           moment - SCHEDULER_GRACE_SECONDS, moment + EARLY_SECONDS)
        *jobs, queued, scheduled = pipe.execute()
    return ([job.decode() if job else None for job in jobs],
            {job.decode() for job in (*queued, *scheduled)})


def sent_since(session: Session, contact_id: int, since: datetime | None = None) -> list[Outbox]:
    """A person's sent outbound messages sent at or after `since`, in the order they went.

    In local mode this is where texts "go": `brewline chat` and the simulator read them.
    A row written earlier can go later (quiet hours, an answer window), so the order is
    when each was sent, not when it was written.
    """
    query = select(Outbox).where(Outbox.contact_id == contact_id, Outbox.status == "sent")
    if since is not None:
        query = query.where(Outbox.sent_at >= since)
    return list(session.scalars(query.order_by(Outbox.sent_at, Outbox.id)))
