"""Everything a process needs, built from settings: used by web, workers and the CLI."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property

import redis
from rq import Queue

from flows.loader import DATA_DIR, Registry
from service import embedded_redis
from service.settings import Settings
from service.store import Store

log = logging.getLogger("brewline")
QUEUE_NAME = "brewline"


@dataclass
class Runtime:
    """Settings plus the connections built from them, created lazily, never at import."""

    settings: Settings

    @cached_property
    def store(self) -> Store:
        return Store(self.settings.database_url)

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
    def flows(self) -> Registry:
        return Registry.from_dir(self.settings.flows_dir or DATA_DIR)

    def enqueue(self, func: str, *args, **kwargs) -> bool:
        """Queue a job by dotted name; False (and a log line) when Redis is unreachable."""
        try:
            self.queue.enqueue(func, *args, **kwargs)
            return True
        except redis.RedisError as exc:
            # The sweeper re-enqueues pending rows, so nothing is lost by carrying on.
            log.warning("could not enqueue %s: %s", func, type(exc).__name__)
            return False

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.dispose()
        if "redis" in self.__dict__:
            self.redis.close()
