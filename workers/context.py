"""The runtime a worker process builds for itself, from the environment, without Flask."""
from __future__ import annotations

from service.runtime import Runtime
from service.settings import from_env

_runtime: Runtime | None = None


def runtime() -> Runtime:
    """This process's runtime, built on first use."""
    global _runtime
    if _runtime is None:
        _runtime = Runtime(from_env())
        _register()
    return _runtime


def use(value: Runtime | None) -> None:
    """Run jobs in this process against `value` (tests and the all-in-one command)."""
    global _runtime
    _runtime = value
    _register()


def _register() -> None:
    from service import invite_hooks

    invite_hooks.register()
