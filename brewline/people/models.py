"""People: a contact, what they agreed to hear about, and the tags organisers give them."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from brewline.platform.database import Base, utcnow


def new_pid() -> str:
    """A pseudonymous participant id, safe to export."""
    return "p_" + secrets.token_hex(6)


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
    # A question we asked outside the survey and wait for the answer to ("erase": "reply
    # DELETE"), so the next text or call can answer it without a query of its own.
    awaiting: Mapped[str | None] = mapped_column(String(20))
    # The question set their texts and calls go to (None: the default set). A keyword,
    # a choice on a call or being asked by an organiser moves them to another; their place
    # in each set is kept with that set's conversation.
    current_flow: Mapped[str | None] = mapped_column(String(80))


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


class Tag(Base):
    """A label an organiser gives a contact (e.g. north-tyneside) to pick audiences."""

    __tablename__ = "contact_tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("contact_id", "name"),)
