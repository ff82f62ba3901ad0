"""What the worker does on a timer, beside the jobs: each task takes the runtime."""
from __future__ import annotations

import logging
import threading
from typing import Callable

from brewline.delivery import spool, sweeper
from brewline.platform.database import DATABASE_DOWN
from brewline.platform.runtime import Runtime
from brewline.privacy import retention
from brewline.surveys import answer_window, reminders

log = logging.getLogger("brewline.sweeper")
Task = Callable[[Runtime], object]
SWEEP_SECONDS = 15.0  # BREWLINE_SWEEP_SECONDS: the fault tests shorten it

# (seconds between runs, tasks): add a task to a line, not a loop.
SWEEPS: list[Task] = [sweeper.sweep_once, spool.drain, retention.sweep_retention]
# Answers held for ANSWER_WINDOW are joined soon after it passes.
EVERY_SECOND: list[Task] = [answer_window.close_due]
# Surveys left quiet get their one nudge within a few minutes of becoming due.
EVERY_FIVE_MINUTES: list[Task] = [reminders.nudge_quiet_surveys]


def schedule(runtime: Runtime) -> list[tuple[float, list[Task]]]:
    """Each group of tasks with how often it runs, for this runtime's settings."""
    sweep = float(runtime.settings.extra.get("BREWLINE_SWEEP_SECONDS", SWEEP_SECONDS))
    return [(sweep, SWEEPS), (1.0, EVERY_SECOND), (300.0, EVERY_FIVE_MINUTES)]


def start(runtime: Runtime, stop: threading.Event) -> None:
    """A daemon thread per group, each running until `stop` is set."""
    for seconds, tasks in schedule(runtime):
        threading.Thread(target=_repeat, args=(runtime, stop, tasks, seconds),
                         daemon=True).start()


def _repeat(runtime: Runtime, stop: threading.Event, tasks: list[Task], seconds: float) -> None:
    waiting: set[str] = set()  # tasks that found the database away, and said so once
    while not stop.wait(seconds):
        for task in tasks:
            _run(runtime, task, waiting)


def _run(runtime: Runtime, task: Task, waiting: set[str]) -> None:
    """Run a task once; a database that is away gets one plain line until it is back."""
    name = task.__name__
    try:
        task(runtime)
    except DATABASE_DOWN as exc:
        if name not in waiting:
            waiting.add(name)
            log.warning("%s: the database is not answering (%s); trying again every "
                        "sweep", name, type(exc.orig or exc).__name__)
        return
    except Exception:
        log.exception("%s failed; trying again later", name)
        return
    if name in waiting:
        waiting.discard(name)
        log.warning("%s: the database answers again", name)
