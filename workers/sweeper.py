"""The periodic sweep: nothing outbound is lost to a dead worker or a Redis restart."""
from __future__ import annotations

from typing import Callable

from service.runtime import Runtime
from workers import outbound

# Each step takes the runtime and returns a count or counts, for the log.
STEPS: list[Callable[[Runtime], object]] = [
    outbound.settle_stale, outbound.enqueue_pending]


def sweep_once(runtime: Runtime) -> list[object]:
    """Run every sweep step once."""
    return [step(runtime) for step in STEPS]
