"""A send-rate limiter shared by every worker: a sliding-window log kept in Redis.

Twilio counts a message when the request reaches it, somewhere between taking the slot
and getting the answer. So a slot is booked far ahead while its request is in flight and
re-stamped with the time the answer came back: a later slot is only granted a whole
window after that, so no window *as Twilio sees it* can hold more than the rate, however
slow the network or the machine. A worker that dies mid-request frees its slot after HOLD.
"""
from __future__ import annotations

import math
import random
import time
import uuid
from contextlib import contextmanager
from typing import Iterator

import redis

KEY = "brewline:send-rate"
MARGIN_SECONDS = 0.05  # the fake and Redis read different clocks; a little room for that
HOLD_SECONDS = 30  # longer than the API client's timeout
LONGEST_NAP = 0.25

# One script, so that counting and taking a slot are atomic across workers. Redis's
# own clock is used so that workers on machines with skewed clocks still agree.
_TAKE = """
local now = redis.call('TIME')
local now_us = tonumber(now[1]) * 1000000 + tonumber(now[2])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_us - window)
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now_us + tonumber(ARGV[4]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil((window + tonumber(ARGV[4])) / 1000) + 1000)
  return 0
end
return math.max(1, tonumber(oldest[2]) + window - now_us + 1)
"""
_DONE = """
local now = redis.call('TIME')
return redis.call('ZADD', KEYS[1], 'XX', tonumber(now[1]) * 1000000 + tonumber(now[2]), ARGV[1])
"""


def window_for(rate: float) -> tuple[int, int]:
    """(sends allowed, window in microseconds) for `rate` messages per second."""
    allowed = max(1, math.floor(rate))
    return allowed, int((allowed / rate + MARGIN_SECONDS) * 1_000_000)


class RateLimiter:
    """Take one sending slot at a time; `rate` <= 0 turns limiting off."""

    def __init__(self, connection: redis.Redis, rate: float, key: str = KEY):
        self.rate, self.key = rate, key
        self._take = connection.register_script(_TAKE)
        self._done = connection.register_script(_DONE)

    def try_take(self, token: str | None = None) -> float:
        """Take a slot now (returns 0.0) or return how many seconds until one frees up."""
        if self.rate <= 0:
            return 0.0
        allowed, window = window_for(self.rate)
        hold = HOLD_SECONDS * 1_000_000
        wait = self._take(keys=[self.key], args=[allowed, window, token or uuid.uuid4().hex, hold])
        return max(0, int(wait)) / 1_000_000

    def done(self, token: str) -> None:
        """The request for this slot has been answered: its window starts now."""
        if self.rate > 0:
            self._done(keys=[self.key], args=[token])

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Wait for a slot, hold it during the block, and stamp it when the block ends."""
        token = uuid.uuid4().hex
        while (wait := self.try_take(token)) > 0:
            time.sleep(min(wait, LONGEST_NAP) + random.uniform(0, 0.005))
        try:
            yield
        finally:
            try:
                self.done(token)
            except redis.RedisError:
                pass  # the send already happened; the slot's key expires by itself
