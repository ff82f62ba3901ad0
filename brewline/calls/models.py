"""Phone calls, in and out."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    ForeignKey,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from brewline.platform.database import Base, utcnow


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
