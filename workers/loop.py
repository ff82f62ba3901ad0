"""The worker's main loop: an RQ worker with its scheduler, kept going through Redis outages.

While Redis is away the worker waits for it (trying again after 1, 2, 4 and then every 5
seconds), says so in a plain line when it goes and when it is back, and carries on.
The sweeper then queues again whatever could not be queued meanwhile.
"""
from __future__ import annotations

import logging
import signal
import threading
import time

import redis

from brewline.platform.runtime import Runtime
from workers import context, periodic, quiet_rq

log = logging.getLogger("brewline.worker")
FIRST_WAIT, LONGEST_WAIT = 1.0, 5.0  # seconds between tries while Redis is away


def run(runtime: Runtime, burst: bool = False) -> None:
    """Wire the process, start the periodic tasks, and run jobs until asked to stop."""
    context.use(runtime)
    quiet_rq.quieten()
    stop = threading.Event()
    periodic.start(runtime, stop)
    threading.Thread(target=watch_redis, args=(runtime, stop), daemon=True).start()
    try:
        _work(runtime, burst, stop)
    finally:
        stop.set()


def _work(runtime: Runtime, burst: bool, stop: threading.Event) -> None:
    while not stop.is_set():
        _stop_on_signals(stop)  # RQ puts in its own while it works
        if not wait_for_redis(runtime, stop):
            return
        rq_worker = None
        try:
            rq_worker = quiet_rq.Worker([runtime.queue], connection=runtime.redis)
            # Retry a lost Redis every few seconds, not RQ's default of up to a minute.
            rq_worker.max_connection_wait_time = 5.0
            rq_worker.work(burst=burst, with_scheduler=True)
        except redis.RedisError:
            pass  # wait_for_redis says so, once
        if burst or _asked_to_stop(rq_worker):
            return


def _asked_to_stop(rq_worker) -> bool:
    return rq_worker is not None and (rq_worker._stop_requested
                                      or rq_worker._shutdown_requested_date is not None)


def _stop_on_signals(stop: threading.Event) -> None:
    """Ctrl-C or SIGTERM between RQ runs (while waiting for Redis) ends the loop quietly."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())


def wait_for_redis(runtime: Runtime, stop: threading.Event) -> bool:
    """Return once Redis answers (True), or once asked to stop (False), trying again after
    1, 2, 4 and then every 5 seconds (`watch_redis` says what is going on)."""
    pause = FIRST_WAIT
    while not _answers(runtime):
        if stop.wait(pause):
            return False
        pause = min(pause * 2, LONGEST_WAIT)
    return True


def watch_redis(runtime: Runtime, stop: threading.Event) -> None:
    """Say in one plain line when Redis stops answering, again each time the wait doubles
    from a minute, and once when it is back (RQ's own retry lines are filtered out)."""
    away_since, next_note = None, 60.0
    while not stop.wait(LONGEST_WAIT if away_since is None else FIRST_WAIT):
        up = _answers(runtime)
        if not up and away_since is None:
            away_since, next_note = time.monotonic(), 60.0
            log.warning("Redis is not answering at %s; waiting for it (jobs wait, nothing "
                        "is lost)", _where(runtime))
        elif not up and time.monotonic() - away_since >= next_note:
            log.warning("still waiting for Redis, %.0f s now", next_note)
            next_note *= 2
        elif up and away_since is not None:
            log.warning("Redis is back after %.0f s; carrying on", time.monotonic() - away_since)
            away_since = None


def _answers(runtime: Runtime) -> bool:
    try:
        return bool(runtime.redis.ping())
    except redis.RedisError:
        return False


def _where(runtime: Runtime) -> str:
    """Redis's address without any password in it."""
    url = runtime.redis_url
    return url.split("@", 1)[1] if "@" in url else url
