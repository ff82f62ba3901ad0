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

# How often a process waiting for another process's turn looks again (flock() cannot
# wait with a time limit). Threads of one process queue on a lock, so only one polls.
POLL_SECONDS = 0.002


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
            return
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _locked() from None
                time.sleep(POLL_SECONDS)

    def within(self, wait: float | None) -> "Bounded":
        """The lock as a (reusable) context that waits at most `wait` seconds for its turn."""
        return Bounded(self, wait)

    def __exit__(self, *exc) -> None:
        self._depth -= 1
        if self._depth == 0 and self._path is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._thread.release()


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
