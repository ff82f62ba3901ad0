"""SQLite writers take turns on a lock of ours, not in SQLite's sleeping busy handler."""
from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError


class WriterLock:
    """One SQLite writer at a time, queued here rather than in SQLite's busy handler.

    SQLite's handler waits by sleeping (up to 100 ms a go), so under load a writer can
    lose its turn again and again: the 1-2 s tail the benchmark showed. Threads queue on
    a lock; processes on flock() of a file beside the database, which hands the turn to
    the next waiter as soon as the writer is done.
    """

    def __init__(self, path: Path | None):
        self._path = path
        self._fresh()

    def _fresh(self) -> None:
        self._thread, self._depth, self._fd, self._pid = threading.RLock(), 0, -1, os.getpid()
        self._held = -1  # the file descriptor the process holds the flock() on

    def __enter__(self) -> "WriterLock":
        return self.take(None)

    def take(self, wait: float | None) -> "WriterLock":
        """Take the turn, waiting at most `wait` seconds (None: as long as it takes);
        past that, raise OperationalError, as SQLite does for a lock it cannot get."""
        if self._pid != os.getpid():  # forked: the parent's lock and open file are not ours
            self._fresh()
        deadline = None if wait is None else time.monotonic() + wait
        if not self._thread.acquire(timeout=-1 if wait is None else wait):
            raise _locked()
        self._depth += 1
        if self._depth == 1 and self._path is not None:
            try:
                self._flock(deadline)
            except BaseException:
                self._depth -= 1
                self._thread.release()
                raise
        return self

    def _flock(self, deadline: float | None) -> None:
        if self._fd < 0:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        if deadline is None:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            self._held = self._fd
            return
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._held = self._fd
        except BlockingIOError:
            self._held = _wait_for_turn(self._path, deadline)

    def within(self, wait: float | None) -> "Bounded":
        """The lock as a (reusable) context that waits at most `wait` seconds for its turn."""
        return Bounded(self, wait)

    def __exit__(self, *exc) -> None:
        self._depth -= 1
        if self._depth == 0 and self._path is not None:
            fcntl.flock(self._held, fcntl.LOCK_UN)
            if self._held != self._fd:
                os.close(self._held)
            self._held = -1
        self._thread.release()


def _wait_for_turn(path: Path, deadline: float) -> int:
    """Wait until `deadline` for another process's turn to end; the descriptor that now
    holds the lock. A helper thread blocks in flock() on a descriptor of its own, so the
    kernel hands over the turn the moment it is free: polling left the lock idle for up
    to a poll's length at every hand-over, a quarter of the texts a second on SQLite."""
    turn = _Turn(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    threading.Thread(target=turn.wait, daemon=True, name="writer-turn").start()
    if turn.taken.wait(max(0.0, deadline - time.monotonic())) or not turn.abandon():
        return turn.fd
    raise _locked()


class _Turn:
    """One wait for the lock in a helper thread, which either hands the lock over or, if
    nobody wants it any more, lets it go again."""

    def __init__(self, fd: int):
        self.fd, self.taken, self.abandoned = fd, threading.Event(), False
        self._guard = threading.Lock()

    def wait(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        with self._guard:
            if self.abandoned:
                os.close(self.fd)  # closing lets the lock go
                return
            self.taken.set()

    def abandon(self) -> bool:
        """Give up waiting, unless the turn came meanwhile: True when given up."""
        with self._guard:
            if self.taken.is_set():
                return False
            self.abandoned = True
            return True


class Bounded:
    """A writer lock taken with a time limit, for `with`."""

    def __init__(self, lock: WriterLock, wait: float | None):
        self.lock, self.wait = lock, wait

    def __enter__(self) -> WriterLock:
        return self.lock.take(self.wait)

    def __exit__(self, *exc) -> None:
        self.lock.__exit__(*exc)


def _locked() -> OperationalError:
    """What a writer that waited too long raises: what callers take as "database down"."""
    words = "database is locked: another writer kept it too long"
    return OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError(words))


_WRITERS: dict[str, WriterLock] = {}
_WRITERS_GUARD = threading.Lock()


def writer_lock(engine: Engine) -> WriterLock:
    """The process's one lock for this SQLite file, shared by every Store on it, so a
    transaction opened inside another on the same file re-enters instead of waiting."""
    database = engine.url.database or ""
    path = None if database in ("", ":memory:") else Path(database).resolve()
    with _WRITERS_GUARD:
        key = str(path) if path else f"memory:{id(engine)}"
        if key not in _WRITERS:
            _WRITERS[key] = WriterLock(path.with_name(path.name + "-writer") if path else None)
        return _WRITERS[key]
