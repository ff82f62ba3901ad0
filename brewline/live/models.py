"""A live session by phone: the conference for one event, and who is in it.

No phone number is kept here: a caller is their contact (whose first name, if known, the
organiser sees) and a number in order of ringing in ("caller 2"). Erasure removes a
person's rows through the contact; retention removes rows of sessions long over.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from brewline.platform.database import Base, utcnow


class LiveSession(Base):
    """The phone call into one event: its host PIN, its Twilio conference and how it goes."""

    __tablename__ = "live_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          unique=True)
    host_pin: Mapped[str] = mapped_column(String(12))
    conference_sid: Mapped[str | None] = mapped_column(String(64))
    # waiting (nobody hosting yet) | started | ended
    status: Mapped[str] = mapped_column(String(20), default="waiting")
    # When the organiser last announced a break (callers pressing 3 hear of it).
    break_at: Mapped[datetime | None]
    # The last thing that went wrong, in plain words for the organiser, and when.
    problem: Mapped[str | None] = mapped_column(Text)
    problem_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LiveCaller(Base):
    """One call into a live session: a listener or the host, in or out, hand up or not."""

    __tablename__ = "live_callers"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"),
                                            index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"),
                                            index=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    # "Caller 2": the same on a ring back. (Not "number": erasure reads a column of that
    # name as a phone number.)
    caller_no: Mapped[int] = mapped_column(Integer)
    is_host: Mapped[bool] = mapped_column(default=False)
    # joining (sent to the room) | in | menu (pressed *) | out
    state: Mapped[str] = mapped_column(String(10), default="joining")
    muted: Mapped[bool] = mapped_column(default=True)
    hand_at: Mapped[datetime | None]  # asked to speak, when (the order hands are taken)
    joined_at: Mapped[datetime | None]  # the start of this time in the room
    seconds: Mapped[int] = mapped_column(Integer, default=0)  # time in the room before it
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
