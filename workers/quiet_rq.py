"""RQ's worker and scheduler, quiet while Redis is away: workers/loop.py says, in a few
plain lines, when Redis goes and when it is back, instead of a line every two seconds and
the scheduler's tracebacks."""
from __future__ import annotations

import logging

import redis
from rq import SimpleWorker
from rq.scheduler import RQScheduler

REDIS_AWAY = (redis.ConnectionError, redis.TimeoutError)


class QuietScheduler(RQScheduler):
    """RQ's scheduler process, ending with one line (not a traceback) when Redis goes.

    The worker starts a new one once Redis answers again (its maintenance step)."""

    def work(self) -> None:
        try:
            super().work()
        except REDIS_AWAY as exc:
            self.log.warning("the scheduler stopped: Redis went away (%s); it starts again "
                             "once Redis is back", exc)


class Worker(SimpleWorker):
    """SimpleWorker (jobs run in this process, so the database pool is reused, not forked)
    whose scheduler is the quiet one."""

    def _start_scheduler(self, burst: bool = False, logging_level: str | None = "INFO",
                         *args, **kwargs) -> None:
        # RQ 3.0's _start_scheduler, with QuietScheduler in place of RQScheduler.
        self.scheduler = QuietScheduler(
            self.queues, connection=self.connection,
            logging_level=logging_level if logging_level is not None else self.log.level,
            serializer=self.serializer)
        self.scheduler.acquire_locks()
        if not self.scheduler.acquired_locks:
            return
        if not burst:
            self.scheduler.start()
            return
        try:
            self.scheduler.register_birth()
            self.scheduler.enqueue_scheduled_jobs()
        finally:
            self.scheduler.release_locks()
            self.scheduler.register_death()


class NoRetryLines(logging.Filter):
    """Drops RQ's "could not connect to Redis instance ... retrying" lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "could not connect to Redis instance" not in str(record.msg)


def quieten() -> None:
    """Install the filter on RQ's worker log (once per process)."""
    log = logging.getLogger("rq.worker")
    if not any(isinstance(f, NoRetryLines) for f in log.filters):
        log.addFilter(NoRetryLines())
