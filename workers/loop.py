"""The worker's main loop: an RQ worker with its scheduler, kept going through Redis outages."""
from __future__ import annotations

import logging
import threading
import time

import redis
from rq import SimpleWorker
from rq.exceptions import StopRequested

from brewline.platform.runtime import Runtime
from workers import context, periodic

log = logging.getLogger("brewline.worker")


def run(runtime: Runtime, burst: bool = False) -> None:
    """Wire the process, start the periodic tasks, and run jobs until asked to stop."""
    context.use(runtime)
    stop = threading.Event()
    periodic.start(runtime, stop)
    try:
        _work(runtime, burst)
    finally:
        stop.set()


def _work(runtime: Runtime, burst: bool) -> None:
    while True:
        # SimpleWorker runs jobs in this process, so the database pool is reused, not forked.
        rq_worker = SimpleWorker([runtime.queue], connection=runtime.redis)
        # Retry a lost Redis every few seconds, not RQ's default of up to a minute.
        rq_worker.max_connection_wait_time = 5.0
        try:
            rq_worker.work(burst=burst, with_scheduler=True)
        except redis.RedisError as exc:
            log.warning("Redis went away (%s)", exc)
        # RQ quits on some Redis errors; carry on unless we were asked to stop.
        if burst or rq_worker._shutdown_requested_date is not None:
            return
        try:
            time.sleep(1)
        except StopRequested:  # RQ's SIGTERM handler, still installed, raises this
            return
