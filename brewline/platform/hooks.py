"""Adding a hook to a capability's table, once however often register() runs."""
from __future__ import annotations

from typing import TypeVar

H = TypeVar("H")


def add(hooks: list[H], hook: H) -> None:
    """Append `hook` unless it is there already (tests build many apps in one process)."""
    if hook not in hooks:
        hooks.append(hook)
