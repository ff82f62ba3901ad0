"""When to try a failed send again, and for how long: capped exponential backoff with jitter,
honouring Retry-After, for as long as BREWLINE_SEND_RETRY_MINUTES (two hours)."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from brewline.platform.runtime import Runtime

BASE_SECONDS = 2.0
# Short enough that once Twilio is back every waiting row is tried within a minute.
CAP_SECONDS = 50.0
# RQ runs a scheduled job up to a second early; Retry-After is kept to the second.
ROUNDING_SECONDS = 1.0
RETRY_MINUTES = 120


def retry_delay(tries: int, retry_after: float | None = None,
                rand: random.Random | None = None) -> float:
    """Seconds to wait after the `tries`-th failed try (1, 2, ...)."""
    ceiling = min(CAP_SECONDS, BASE_SECONDS * 2 ** min(tries - 1, 16))
    # "Equal jitter": half fixed, half random, so retries from many rows spread out.
    delay = ceiling / 2 + (rand or random).uniform(0, ceiling / 2)
    return max(delay, retry_after + ROUNDING_SECONDS) if retry_after else delay


def retry_for(runtime: Runtime) -> timedelta:
    """How long a row is tried again after its first failure (BREWLINE_SEND_RETRY_MINUTES)."""
    return timedelta(minutes=float(runtime.settings.extra.get("BREWLINE_SEND_RETRY_MINUTES",
                                                              RETRY_MINUTES)))


def gives_up(since: datetime, now: datetime, limit: timedelta) -> bool:
    """Whether a row failing since `since` has been tried for as long as we try."""
    return now - since >= limit
