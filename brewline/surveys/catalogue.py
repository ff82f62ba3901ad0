"""The question sets a process knows: published versions from the database, kept in memory.

A published version never changes, so each is read once and kept for the life of the
process. What does change (which sets are open, their keywords, the default, the newest
version) is read again at most every REFRESH_SECONDS, and at once in the process that
changed it (`forget()`, after commit). A draft is read afresh each time: only an
organiser trying it in the simulator can reach one.

It answers what `flows.loader.Registry` answers (get, ids, iteration), so everything
that took a registry of files takes this.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterator

from sqlalchemy import func, select

from brewline.platform.database import Store
from brewline.surveys.models import QuestionSet, QuestionSetVersion
from flows import loader
from flows.keywords import normalise
from flows.model import Flow

REFRESH_SECONDS = 2.0
_VERSIONS = (select(QuestionSetVersion.set_id, func.max(QuestionSetVersion.version))
             .where(QuestionSetVersion.status == "published")
             .group_by(QuestionSetVersion.set_id))


@dataclass(frozen=True)
class SetInfo:
    """What routing needs to know about one question set."""

    id: str
    title: str
    status: str  # draft | open | closed
    keyword: str | None
    is_default: bool
    version: int | None  # the newest published version; None while only a draft

    @property
    def is_open(self) -> bool:
        return self.status == "open" and self.version is not None


class Catalogue:
    """Every published version of every question set, plus which are open and the default."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.monotonic):
        self._store, self._clock = store, clock
        self._flows: dict[tuple[str, int], Flow] = {}
        self._sets: dict[str, SetInfo] = {}
        self._read_at: float | None = None
        self._lock = threading.Lock()

    # What a registry of files answers too.

    def get(self, flow_id: str, version: int | None = None) -> Flow:
        """A set at `version` (a draft too), or its newest published one; KeyError if none."""
        if version is None:
            info = self.info(flow_id)
            if info is None or info.version is None:
                raise KeyError(flow_id)
            version = info.version
        found = self._flows.get((flow_id, version))
        return found if found is not None else self._load(flow_id, version)

    def ids(self) -> list[str]:
        """Every set with a published version, open or closed."""
        return sorted(i for i, s in self._index().items() if s.version is not None)

    def __iter__(self) -> Iterator[Flow]:
        return iter([self.get(i) for i in self.ids()])

    # Routing.

    def info(self, flow_id: str | None) -> SetInfo | None:
        return self._index().get(flow_id) if flow_id else None

    def default_id(self) -> str | None:
        """The open set a new texter with no keyword starts, if there is one."""
        return next((s.id for s in self._index().values() if s.is_default and s.is_open), None)

    def open_sets(self) -> list[SetInfo]:
        """The open sets: the default first, then by title."""
        return sorted((s for s in self._index().values() if s.is_open),
                      key=lambda s: (not s.is_default, s.title.lower(), s.id))

    def by_keyword(self, text: str | None) -> SetInfo | None:
        """The set (open or closed) whose keyword is this whole text, if any."""
        plain = normalise(text)
        if not plain or " " in plain:
            return None
        return next((s for s in self._index().values()
                     if s.keyword and s.keyword.lower() == plain), None)

    def is_published(self, flow_id: str, version: int) -> bool:
        info = self.info(flow_id)
        return info is not None and info.version is not None and version <= info.version

    def forget(self) -> None:
        """Read which sets are open (and the rest) again on next use."""
        self._read_at = None

    # Reading.

    def _index(self) -> dict[str, SetInfo]:
        now = self._clock()
        if self._read_at is None or now - self._read_at > REFRESH_SECONDS:
            with self._lock:
                if self._read_at is None or now - self._read_at > REFRESH_SECONDS:
                    self._sets, self._read_at = self._read_index(), now
        return self._sets

    def _read_index(self) -> dict[str, SetInfo]:
        with self._store.read() as db:
            newest = dict(db.execute(_VERSIONS).all())
            rows = db.execute(select(QuestionSet.id, QuestionSet.title, QuestionSet.status,
                                     QuestionSet.keyword, QuestionSet.is_default)).all()
        return {r.id: SetInfo(r.id, r.title, r.status, r.keyword, r.is_default, newest.get(r.id))
                for r in rows}

    def _load(self, flow_id: str, version: int) -> Flow:
        with self._store.read() as db:
            row = db.execute(select(QuestionSetVersion.status, QuestionSetVersion.body).where(
                QuestionSetVersion.set_id == flow_id,
                QuestionSetVersion.version == version)).first()
        if row is None:
            raise KeyError((flow_id, version))
        flow = loader.build(row.body, source=f"{flow_id} version {version}")
        if row.status == "published":
            self._flows[(flow_id, version)] = flow  # it can never change again
        return flow
