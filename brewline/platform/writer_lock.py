"""SQLite writers take turns on a lock of ours, not in SQLite's sleeping busy handler."""
from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

from sqlalchemy.engine import Engine


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
        if self._pid != os.getpid():  # forked: the parent's lock and open file are not ours
            self._fresh()
        self._thread.acquire()
        self._depth += 1
        if self._depth == 1 and self._path is not None:
            if self._fd < 0:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc) -> None:
        self._depth -= 1
        if self._depth == 0 and self._path is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._thread.release()


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
