"""What `brewline run` does with its children (web and worker): start them, bring back any
that dies (waiting longer each time it dies young, so a crash loop does not spin), and
stop them all, quietly and within seconds, on Ctrl-C or SIGTERM."""
from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

FIRST_PAUSE, LONGEST_PAUSE = 1.0, 30.0  # before starting a dead child again
STEADY_SECONDS = 60.0  # a child that ran this long had no crash loop: start again at once
STOP_SECONDS = 5.0  # after SIGTERM, how long a child may take before it is killed


@dataclass
class Child:
    """One child process: what it is called, how to start it, and how it has been doing."""

    name: str
    args: list[str]
    env: dict
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    pause: float = FIRST_PAUSE
    due_at: float | None = 0.0  # when to start it (again); None while it runs

    def start(self) -> None:
        # Its own session: the terminal's Ctrl-C reaches only the supervisor, which then
        # stops each child in turn instead of all of them shouting at once.
        self.process = subprocess.Popen(self.args, env=self.env, start_new_session=True)
        self.started_at, self.due_at = time.monotonic(), None

    def died(self) -> int | None:
        """Its exit status if it has just been found dead, else None."""
        if self.process is None or self.due_at is not None:
            return None
        return self.process.poll()


@dataclass
class Supervisor:
    """Keeps children running until `stop` is set."""

    children: list[Child]
    say: Callable[[str], None]
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self, on_started: Callable[[], None] = lambda: None) -> None:
        """Start every child, watch them until asked to stop, then stop them."""
        before = self._on_signals()
        try:
            self.tend()
            on_started()
            while not self.stop.wait(0.5):
                self.tend()
        finally:
            self.stop_all()
            for signum, handler in before.items():
                signal.signal(signum, handler)

    def tend(self) -> None:
        """Start children that are due; note the ones that died and when to start them."""
        now = time.monotonic()
        for child in self.children:
            status = child.died()
            if status is not None:
                self._schedule(child, status, now)
            if child.due_at is not None and now >= child.due_at and not self.stop.is_set():
                child.start()

    def _schedule(self, child: Child, status: int, now: float) -> None:
        # Whatever it had started (a worker's scheduler process) goes with it.
        _signal(child.process, signal.SIGKILL)
        if now - child.started_at >= STEADY_SECONDS:
            child.pause = FIRST_PAUSE
        child.due_at = now + child.pause
        self.say(f"The {child.name} stopped (exit status {status}); starting it again "
                 f"in {child.pause:g} s.")
        child.pause = min(child.pause * 2, LONGEST_PAUSE)

    def stop_all(self) -> None:
        """SIGTERM to every running child (each stops its own), then SIGKILL to whatever
        of theirs is still there after a while."""
        running = [c.process for c in self.children if c.process and c.process.poll() is None]
        for process in running:
            process.terminate()
        deadline = time.monotonic() + STOP_SECONDS
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            _signal(process, signal.SIGKILL)
            process.wait(timeout=5)

    def _on_signals(self) -> dict:
        """Ctrl-C and SIGTERM ask to stop; what was there before, to put back after."""
        return {signum: signal.signal(signum, lambda *_: self.stop.set())
                for signum in (signal.SIGINT, signal.SIGTERM)}


def _signal(process: subprocess.Popen, signum: int) -> None:
    """Signal the child and everything it started (its own session)."""
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass
