"""Everything a process needs, built from settings: used by web, workers and the CLI.

A process makes one Runtime in its composition root (create_app, the worker, the CLI)
and hands it down. RQ jobs cannot be handed anything but ids, so the worker also names
its runtime with `use()`, and a job asks for it with `current()`.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property
from typing import Callable

import redis
from rq import Queue

from brewline.platform import embedded_redis
from brewline.platform.database import Store
from brewline.platform.database_limits import DatabaseLimits
from brewline.platform.settings import Settings
from flows import words

log = logging.getLogger("brewline")
QUEUE_NAME = "brewline"
# Where a runtime's question sets come from: the database, as surveys.register() says
# (surveys is above this layer, so it names itself here at start).
_flow_source: list[Callable[["Runtime"], object]] = []


def use_flow_source(source: Callable[["Runtime"], object]) -> None:
    """Name what builds a runtime's question sets (surveys.register() does, at start)."""
    _flow_source[:] = [source]


@dataclass
class Runtime:
    """Settings plus the connections built from them, created lazily, never at import."""

    settings: Settings

    def __post_init__(self) -> None:
        # Every line people read or hear speaks for the organisation these settings name.
        words.use_org(self.settings.org_name, self.settings.org_description,
                      self.settings.org_phone)

    @cached_property
    def store(self) -> Store:
        settings = self.settings
        return Store(settings.database_url, DatabaseLimits(
            connect=settings.database_connect_timeout,
            statement=settings.database_statement_timeout,
            pool=settings.database_pool_timeout))

    @cached_property
    def redis_url(self) -> str:
        return self.settings.redis_url or embedded_redis.ensure(self.settings.instance_dir)

    @cached_property
    def redis(self) -> redis.Redis:
        # Short timeouts: a webhook must not hang on an unreachable Redis.
        return redis.Redis.from_url(self.redis_url, socket_timeout=2, socket_connect_timeout=2)

    @cached_property
    def queue(self) -> Queue:
        return Queue(QUEUE_NAME, connection=self.redis)

    @cached_property
    def flows(self):
        """The question sets, by id and version (brewline.surveys.catalogue.Catalogue)."""
        if not _flow_source:
            raise RuntimeError("no question sets: brewline.surveys.register() names where "
                               "they come from at start")
        return _flow_source[0](self)

    def enqueue(self, job: Callable, *args, **kwargs) -> bool:
        """Queue a job (a function that takes ids); False, and a log line, if Redis is down."""
        try:
            self.queue.enqueue(job, *args, **kwargs)
            return True
        except redis.RedisError as exc:
            # The sweeper re-enqueues pending rows, so nothing is lost by carrying on.
            log.warning("could not enqueue %s: %s", job.__name__, type(exc).__name__)
            return False

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.dispose()
        if "redis" in self.__dict__:
            self.redis.close()


_current: Runtime | None = None


def use(runtime: Runtime | None) -> None:
    """Name this process's runtime, for the jobs it runs (the worker, and tests)."""
    global _current
    _current = runtime


def current() -> Runtime:
    """The runtime this process named with `use()`: what an RQ job runs against."""
    if _current is None:
        raise RuntimeError("no runtime: the worker names one with runtime.use() at start")
    return _current
