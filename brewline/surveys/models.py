"""Question sets and their versions, a person's progress through one, and what they answered."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from brewline.platform.database import Base, utcnow


class QuestionSet(Base):
    """A question set: its id (kept by conversations and answers), title, keyword and state.

    `status` is draft (never published), open or closed; one open set is the default, which
    a new texter with no keyword starts.
    """

    __tablename__ = "question_sets"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    keyword: Mapped[str | None] = mapped_column(String(20), unique=True)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuestionSetVersion(Base):
    """One version of a question set, as flow data (what a YAML file holds).

    A draft may change; a published version never does: editing makes a new version.
    """

    __tablename__ = "question_set_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[str] = mapped_column(ForeignKey("question_sets.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="draft")  # draft | published
    body: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    __table_args__ = (UniqueConstraint("set_id", "version"),)


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
    # The language the person was taking part in when they answered (a catalogue code).
    language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")
    recording_url: Mapped[str | None] = mapped_column(String(500))
    recording_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    recording_duration: Mapped[int | None] = mapped_column(Integer)
    transcript: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
