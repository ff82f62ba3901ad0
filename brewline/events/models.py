"""Events, who was invited, what they said about coming, and who came."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from brewline.platform.database import Base, utcnow


class Event(Base):
    """A session people are invited to."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    where: Mapped[str] = mapped_column(String(200))
    details: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="planned")  # planned | cancelled
    # People may ring our number at the start time to listen in (brewline/live/).
    by_phone: Mapped[bool] = mapped_column(default=False)
    # The call is recorded only when this is on; every caller is told before joining.
    record_live: Mapped[bool] = mapped_column(default=False)
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


class Attendance(Base):
    """A person marked as having come to an event."""

    __tablename__ = "attendance"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    # None: marked by an organiser; "by phone": in the live call for long enough.
    how: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("event_id", "contact_id"),)


class ScheduledInvites(Base):
    """Invites an organiser asked to go at a later time, and how that went.

    The RQ job at `send_at` carries only this row's id. Whatever happens is kept here, so
    a send that could not go shows on the event's page and on Needs a look instead of
    only in a log.
    """

    __tablename__ = "scheduled_invites"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    tag: Mapped[str | None] = mapped_column(String(60))
    send_at: Mapped[datetime]
    # waiting | sent | failed | cancelled
    status: Mapped[str] = mapped_column(String(20), default="waiting")
    sent: Mapped[int | None] = mapped_column(Integer)  # how many invites were written
    problem: Mapped[str | None] = mapped_column(Text)  # why it did not go, in plain words
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
