"""Keeping a send job's claims alive while it works, so a dead worker is noticed in seconds.

While a send job runs, a thread beside it renews two things every few seconds:

- the job's own key in Redis (ALIVE_KEY, ALIVE_SECONDS): the rows of its batch it has not
  reached yet count as queued while it lives; once its worker dies (or Redis restarts) the
  key is gone within ALIVE_SECONDS and the sweeper queues those rows again;
- `lease_until` of each of its rows that is "sending": a row whose lease ran out has lost
  its worker, and the sweeper asks Twilio whether it went (never resends blindly).

A lease outlasts any API call (the client gives up after 10 s), so a dead worker's last
request has long been answered before its row is looked up.
"""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Iterator

from sqlalchemy import update

from brewline.delivery.models import Outbox
from brewline.platform.database import utcnow
from brewline.platform.runtime import Runtime

log = logging.getLogger("brewline.outbound")
LEASE = timedelta(seconds=30)
ALIVE_KEY = "brewline:outbox:job:{}"
ALIVE_SECONDS = 10
BEAT_SECONDS = 3.0


def lease(runtime: Runtime) -> timedelta:
    """How long a claim is trusted without renewal (BREWLINE_LEASE_SECONDS)."""
    seconds = runtime.settings.extra.get("BREWLINE_LEASE_SECONDS")
    return timedelta(seconds=float(seconds)) if seconds else LEASE


def beat_seconds(runtime: Runtime) -> float:
    """How often a running job renews: several times within a lease and an alive key."""
    return min(BEAT_SECONDS, lease(runtime).total_seconds() / 10)


@contextmanager
def keep_alive(runtime: Runtime, job_id: str | None, ids: list[int]) -> Iterator[None]:
    """Renew the job's alive key and its rows' leases until the block ends."""
    stop = threading.Event()
    if job_id:
        _quietly(_mark_alive, runtime, job_id)
    beat = threading.Thread(target=_beat, args=(runtime, job_id, ids, stop), daemon=True)
    beat.start()
    try:
        yield
    finally:
        stop.set()
        beat.join()
        if job_id:  # what the job left pending is the sweeper's now, not in ten seconds
            _quietly(lambda r, j: r.redis.delete(ALIVE_KEY.format(j)), runtime, job_id)


def _beat(runtime: Runtime, job_id: str | None, ids: list[int], stop: threading.Event) -> None:
    while not stop.wait(beat_seconds(runtime)):
        if job_id:
            _quietly(_mark_alive, runtime, job_id)
        _quietly(renew, runtime, ids)


def _quietly(step, runtime: Runtime, arg) -> None:
    try:
        step(runtime, arg)
    except Exception as exc:  # Redis or the database away: the sweeper covers us
        log.warning("could not renew a send job's lease: %s", type(exc).__name__)


def _mark_alive(runtime: Runtime, job_id: str) -> None:
    runtime.redis.set(ALIVE_KEY.format(job_id), 1, ex=ALIVE_SECONDS)


def renew(runtime: Runtime, ids: list[int], now: datetime | None = None) -> int:
    """Push on the leases of these rows that are "sending" and past half their lease.

    A row is "sending" for well under a second as a rule, so this seldom writes at all,
    and seldom touches a row its worker is recording as sent at that moment."""
    now, length = now or utcnow(), lease(runtime)
    with runtime.store.transaction() as session:
        return session.execute(update(Outbox).where(
            Outbox.id.in_(ids), Outbox.status == "sending",
            Outbox.lease_until < now + length / 2).values(lease_until=now + length)).rowcount


def alive(runtime: Runtime, job_ids: set[str]) -> set[str]:
    """Which of these send jobs are running now (their alive key is there)."""
    ordered = sorted(job_ids)
    with runtime.redis.pipeline(transaction=False) as pipe:
        for job_id in ordered:
            pipe.exists(ALIVE_KEY.format(job_id))
        found = pipe.execute()
    return {job_id for job_id, there in zip(ordered, found) if there}
