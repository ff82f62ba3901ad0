"""A send-rate limiter shared by every worker: a sliding-window log kept in Redis."""
from __future__ import annotations

import math
import random
import time
import uuid

import redis

KEY = "brewline:send-rate"
# Time passes between taking a slot and the request reaching Twilio (scheduling, the
# network, a busy CPU). Widening the window by this much keeps any one-second window
# *as Twilio sees it* at or under the rate, at the cost of sending a little slower.
MARGIN_SECONDS = 0.1
LONGEST_NAP = 0.25

# One script, so that counting and taking a slot are atomic across workers. Redis's
# own clock is used so that workers on machines with skewed clocks still agree.
_TAKE = """
local now = redis.call('TIME')
local now_us = tonumber(now[1]) * 1000000 + tonumber(now[2])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_us - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now_us, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tonumber(oldest[2]) + window - now_us + 1
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

    def try_take(self) -> float:
        """Take a slot now (returns 0.0) or return how many seconds until one frees up."""
        if self.rate <= 0:
            return 0.0
        allowed, window = window_for(self.rate)
        wait = self._take(keys=[self.key], args=[allowed, window, uuid.uuid4().hex])
        return max(0, int(wait)) / 1_000_000

    def take(self) -> None:
        """Block until a slot is ours. Short naps with jitter so waiting workers interleave."""
        while (wait := self.try_take()) > 0:
            time.sleep(min(wait, LONGEST_NAP) + random.uniform(0, 0.005))
