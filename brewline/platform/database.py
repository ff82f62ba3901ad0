"""The database: one declarative base, the engine, transactions and after-commit hooks.

Each capability keeps its own models beside its rules (brewline/<capability>/models.py),
all on this one Base, so Alembic and erasure see every table.
"""
from __future__ import annotations

from contextlib import contextmanager, nullcontext
from datetime import datetime, timezone
from functools import cached_property
from typing import Any, Callable, Iterator

from sqlalchemy import JSON, DateTime, TypeDecorator, create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from brewline.platform.database_limits import DatabaseLimits, bound_postgres, postgres_kwargs
from brewline.platform.writer_lock import writer_lock

# What "the database is unreachable" looks like from SQLAlchemy.
DATABASE_DOWN = (OperationalError, InterfaceError)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every back-end (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict: JSON}


def normalise_url(database_url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if database_url.startswith(prefix):
            return "postgresql+psycopg://" + database_url[len(prefix):]
    return database_url


def make_engine(database_url: str, limits: DatabaseLimits | None = None,
                **kwargs: Any) -> Engine:
    """An engine tuned for the back-end: SQLite gets WAL and write-serialising BEGINs.

    With `limits`, a database that hangs fails within them, as if it were down
    (migrations pass none: they may rightly take long)."""
    database_url = normalise_url(database_url)
    if database_url.startswith("sqlite"):
        wait = limits.statement if limits else 30.0
        engine = create_engine(database_url, connect_args={"timeout": wait}, **kwargs)
        event.listen(engine, "connect", _sqlite_connector(wait))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if limits is None:
        return create_engine(database_url, pool_pre_ping=True, **kwargs)
    engine = create_engine(database_url, pool_pre_ping=True,
                           **(postgres_kwargs(limits) | kwargs))
    bound_postgres(engine, limits)
    return engine


def _sqlite_connector(wait: float) -> Callable:
    """What each new SQLite connection is set up with; a lock waits at most `wait` s."""
    pragmas = ("journal_mode=WAL", f"busy_timeout={int(wait * 1000)}", "foreign_keys=ON",
               "synchronous=NORMAL")

    def connect(dbapi_conn, _record) -> None:
        # pysqlite's own BEGIN is deferred; we issue BEGIN IMMEDIATE so writers queue up.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        for pragma in pragmas:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    return connect


def _sqlite_begin(conn) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


class Store:
    """The database for one process: engine, sessions and after-commit hooks."""

    def __init__(self, database_url: str, limits: DatabaseLimits | None = None,
                 **engine_kwargs: Any):
        self.url, self.limits = database_url, limits
        self.engine = make_engine(database_url, limits, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        wait = limits.statement if limits else None
        self._writer = (writer_lock(self.engine).within(wait) if self.is_sqlite
                        else nullcontext())

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @cached_property
    def _reader(self) -> Engine:
        if not self.is_sqlite:
            return self.engine
        # In WAL mode a reader never waits for a writer, and this one takes no writer
        # lock: so it may read while this very thread is in the middle of a transaction.
        wait = self.limits.statement if self.limits else 30.0
        reader = create_engine(self.engine.url, connect_args={"timeout": wait})
        event.listen(reader, "connect", _sqlite_connector(wait))
        return reader

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for a quick read of committed rows, outside any transaction.

        For caches that may fill in the middle of someone else's transaction (the
        question sets), where a second SQLite write transaction would wait for the first.
        """
        with self._reader.connect() as connection:
            yield connection

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction; after-commit callbacks run once it commits."""
        session = self.sessions()
        session.info["after_commit"] = []
        try:
            with self._writer, session.begin():
                yield session
            for callback in session.info["after_commit"]:
                callback()
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
        if "_reader" in self.__dict__:
            self._reader.dispose()


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` only once this session's transaction has committed."""
    session.info.setdefault("after_commit", []).append(callback)


def lock(session: Session, model, row_id: int):
    """Load a row and hold it until the transaction ends (SQLite holds the whole database)."""
    return session.get(model, row_id, with_for_update=True, populate_existing=True)


