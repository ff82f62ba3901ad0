"""The runtime this worker process runs jobs against, wired as the worker wires it."""
from __future__ import annotations

from brewline import wiring
from brewline.platform import runtime as process
from brewline.platform.runtime import Runtime


def use(runtime: Runtime | None) -> None:
    """Run jobs in this process against `runtime` (the worker at start, and tests)."""
    if runtime is not None:
        wiring.register()
    process.use(runtime)
