"""Persistence: the SQLAlchemy models, the engine, and transactions. One module owns it."""
from __future__ import annotations

import fcntl
import os
import secrets
import threading
from contextlib import contextmanager, nullcontext
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import (
    JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, TypeDecorator,
    UniqueConstraint, create_engine, event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker


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


def new_pid() -> str:
    """A pseudonymous participant id, safe to export."""
    return "p_" + secrets.token_hex(6)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict: JSON}


class Contact(Base):
    """A person who texts or rings us, or whom an organiser imported."""

    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    pid: Mapped[str] = mapped_column(String(20), unique=True, default=new_pid)
    phone: Mapped[str | None] = mapped_column(String(32), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(10), default="en")
    source: Mapped[str] = mapped_column(String(20), default="inbound")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    opted_out_at: Mapped[datetime | None]
    phone_only: Mapped[bool] = mapped_column(Boolean, default=False)
    cannot_text: Mapped[bool] = mapped_column(Boolean, default=False)
    voice_rate: Mapped[str | None] = mapped_column(String(8))


class Consent(Base):
    """What a person agreed to be contacted about, when, and how they said it."""

    __tablename__ = "consents"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(String(40))
    granted: Mapped[bool] = mapped_column(Boolean)
    channel: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(40), default="participant")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Conversation(Base):
    """One person's progress through one flow, at the version they started with."""

    __tablename__ = "conversations"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    flow_id: Mapped[str] = mapped_column(String(80))
    flow_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="new")
    step: Mapped[str | None] = mapped_column(String(80))
    state: Mapped[dict] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # Texts held for an open answer (ANSWER_WINDOW) are joined once this time passes quietly.
    window_closes_at: Mapped[datetime | None] = mapped_column(index=True)
    __table_args__ = (UniqueConstraint("contact_id", "flow_id"),)


class Answer(Base):
    """What a person said to one question (text, choice, recording or a skip)."""

    __tablename__ = "answers"
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    flow_id: Mapped[str] = mapped_column(String(80))
    flow_version: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(String(80))
    question_text: Mapped[str] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    value: Mapped[str | None] = mapped_column(String(80))
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[str] = mapped_column(String(20))
    recording_url: Mapped[str | None] = mapped_column(String(500))
    recording_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    recording_duration: Mapped[int | None] = mapped_column(Integer)
    transcript: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Message(Base):
    """Every text in or out, kept exactly as it was."""

    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    channel: Mapped[str] = mapped_column(String(20), default="sms")
    sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    sender: Mapped[str | None] = mapped_column(String(40))  # only for senders we cannot text
    body: Mapped[str] = mapped_column(Text, default="")
    media_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="received")
    reply: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Outbox(Base):
    """One outbound text or call: written with the change that causes it, sent by a worker."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(10), default="sms")  # sms | call
    purpose: Mapped[str] = mapped_column(String(30))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    delivery: Mapped[str | None] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(String(300))
    ref: Mapped[str | None] = mapped_column(String(80))
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    direct_reply: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]  # when a worker moved it to "sending" (the lease)
    delivery_at: Mapped[datetime | None]  # when Twilio last told us its delivery status
    __table_args__ = (Index("ix_outbox_due", "status", "not_before"),)


def normalise_url(database_url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if database_url.startswith(prefix):
            return "postgresql+psycopg://" + database_url[len(prefix):]
    return database_url


def make_engine(database_url: str, **kwargs: Any) -> Engine:
    """An engine tuned for the back-end: SQLite gets WAL and write-serialising BEGINs."""
    database_url = normalise_url(database_url)
    if database_url.startswith("sqlite"):
        engine = create_engine(database_url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(database_url, pool_pre_ping=True, **kwargs)


def _sqlite_connect(dbapi_conn, _record) -> None:
    # pysqlite's own BEGIN is deferred; we issue BEGIN IMMEDIATE so writers queue up.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    for pragma in ("journal_mode=WAL", "busy_timeout=30000", "foreign_keys=ON",
                   "synchronous=NORMAL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(conn) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


class Store:
    """The database for one process: engine, sessions and after-commit hooks."""

    def __init__(self, database_url: str, **engine_kwargs: Any):
        self.url = database_url
        self.engine = make_engine(database_url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = writer_lock(self.engine) if self.is_sqlite else nullcontext()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

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


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` only once this session's transaction has committed."""
    session.info.setdefault("after_commit", []).append(callback)


def lock(session: Session, model, row_id: int):
    """Load a row and hold it until the transaction ends (SQLite holds the whole database)."""
    return session.get(model, row_id, with_for_update=True, populate_existing=True)


# --- voice ---

class Call(Base):
    """One phone call, in or out. The conversation itself lives with the person, not here."""

    __tablename__ = "calls"
    id: Mapped[int] = mapped_column(primary_key=True)
    sid: Mapped[str] = mapped_column(String(64), unique=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(10), default="inbound")  # inbound | outbound
    status: Mapped[str] = mapped_column(String(20), default="in-progress")
    answered_by: Mapped[str | None] = mapped_column(String(30))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    # A spoken answer waiting for "1 to keep, 2 to hear it, 3 to record again".
    pending: Mapped[dict | None] = mapped_column(JSON)
    # Recordings the person chose to record again: the audio is kept all the same.
    discarded: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- invites ---


class Tag(Base):
    """A label an organiser gives a contact (e.g. north-tyneside) to pick audiences."""

    __tablename__ = "contact_tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("contact_id", "name"),)


class Event(Base):
    """A session people are invited to."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    where: Mapped[str] = mapped_column(String(200))
    details: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="planned")  # planned | cancelled
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]


class Invite(Base):
    """One person invited to one event, by text or by a call."""

    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(10), default="sms")
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("event_id", "contact_id"),)


class Rsvp(Base):
    """What a person said about coming to an event; the latest one counts."""

    __tablename__ = "rsvps"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    answer: Mapped[str] = mapped_column(String(10))  # yes | no | maybe
    said: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(20), default="sms")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- vouchers ---
from sqlalchemy import Date, text  # noqa: E402  (kept in this section so merges stay easy)
from datetime import date  # noqa: E402


class VoucherPool(Base):
    """A batch of thank-you codes of one kind, and what earns one: a flow, an event or a grant."""

    __tablename__ = "voucher_pools"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    value: Mapped[str] = mapped_column(String(120))
    flow_id: Mapped[str | None] = mapped_column(String(80), index=True)
    event_ref: Mapped[str | None] = mapped_column(String(80), index=True)
    how_to_use: Mapped[str | None] = mapped_column(Text)
    low_stock: Mapped[int | None] = mapped_column(Integer)
    low_warned_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VoucherCode(Base):
    """One code from a supplier; `issued_at` is set once, when it goes to one person."""

    __tablename__ = "voucher_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("voucher_pools.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(120), unique=True)
    pin: Mapped[str | None] = mapped_column(String(40))
    expires_on: Mapped[date | None] = mapped_column(Date)
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_at: Mapped[datetime | None]
    # Free codes in order, kept small as codes are issued (a partial index on both back-ends).
    __table_args__ = (Index("ix_voucher_codes_free", "pool_id", "id",
                            postgresql_where=text("issued_at IS NULL"),
                            sqlite_where=text("issued_at IS NULL")),)


class VoucherClaim(Base):
    """One person's voucher from one pool: issued (with its code), waiting, or declined."""

    __tablename__ = "voucher_claims"
    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("voucher_pools.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # issued | waiting | declined
    code_id: Mapped[int | None] = mapped_column(ForeignKey("voucher_codes.id"), unique=True)
    earned_by: Mapped[str] = mapped_column(String(20))  # flow | event | grant
    channel: Mapped[str] = mapped_column(String(10), default="sms")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    queue_no: Mapped[int | None] = mapped_column(Integer)  # order on the waiting list
    issued_at: Mapped[datetime | None]
    declined_at: Mapped[datetime | None]
    __table_args__ = (UniqueConstraint("pool_id", "contact_id"),
                      Index("ix_voucher_claims_queue", "pool_id", "status", "queue_no"))


class VoucherOffer(Base):
    """An offer or a numbered choice of pools waiting for the person's reply by text."""

    __tablename__ = "voucher_offers"
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"),
                                            primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # offer | choose
    pool_ids: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attendance(Base):
    """A person marked as having come to an event (the Event table arrives separately)."""

    __tablename__ = "attendance"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_ref: Mapped[str] = mapped_column(String(80))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("event_ref", "contact_id"),)


# --- organiser pages ---

class User(Base):
    """An organiser who signs in to the web pages. Participants never need one."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    last_sign_in_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnswerTag(Base):
    """A theme an organiser gave an answer, such as 'transport' or 'loneliness'."""

    __tablename__ = "answer_tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    theme: Mapped[str] = mapped_column(String(80))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("answer_id", "theme"),)


class AuditLog(Base):
    """Who did something sensitive (exports with phone numbers, erasures), and when."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- privacy (erasure) ---


class ErasureRequest(Base):
    """A person asked us to delete their data: asked, then confirmed (then erased)."""

    __tablename__ = "erasure_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), unique=True)
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    channel: Mapped[str] = mapped_column(String(20), default="sms")
