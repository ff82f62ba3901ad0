"""Requests to delete a person's data."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from brewline.platform.database import Base, utcnow


class ErasureRequest(Base):
    """A person asked us to delete their data: asked, then confirmed (then erased)."""

    __tablename__ = "erasure_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), unique=True)
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    channel: Mapped[str] = mapped_column(String(20), default="sms")
