"""When to try a failed send again: exponential backoff with jitter, honouring Retry-After."""
from __future__ import annotations

import random

MAX_TRIES = 5
BASE_SECONDS = 2.0
CAP_SECONDS = 300.0


def retry_delay(tries: int, retry_after: float | None = None,
                rand: random.Random | None = None) -> float:
    """Seconds to wait after the `tries`-th failed try (1, 2, ...)."""
    ceiling = min(CAP_SECONDS, BASE_SECONDS * 2 ** (tries - 1))
    # "Equal jitter": half fixed, half random, so retries from many rows spread out.
    delay = ceiling / 2 + (rand or random).uniform(0, ceiling / 2)
    return max(delay, retry_after or 0.0)


def gives_up(tries: int) -> bool:
    """Whether `tries` tries are as many as we make."""
    return tries >= MAX_TRIES
