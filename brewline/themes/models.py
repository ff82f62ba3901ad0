"""Themes: the ones organisers give answers, groups suggested for them, and what was done.

`AnswerTag` was the organiser pages' table (`answer_tags`); it lives here now because the
report and the suggestions need it too (`brewline.organiser.models` still offers it).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from brewline.platform.database import Base, utcnow


class AnswerTag(Base):
    """A theme an organiser gave an answer, such as 'transport' or 'loneliness'."""

    __tablename__ = "answer_tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    theme: Mapped[str] = mapped_column(String(80))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("answer_id", "theme"),)


class SuggestedGroup(Base):
    """A group of answers the machine suggests as a theme, until an organiser accepts it
    (its answers get the theme) or suggests again (open groups are replaced)."""

    __tablename__ = "suggested_groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    words: Mapped[list] = mapped_column(JSON, default=list)  # suggested words for a name
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | accepted
    model: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SuggestedMember(Base):
    """One answer in a suggested group; `rank` 0 is the answer nearest the group's centre.

    Erasing a person deletes their answers, and with them these rows (the foreign key)."""

    __tablename__ = "suggested_members"
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("suggested_groups.id", ondelete="CASCADE"),
                                          index=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (UniqueConstraint("group_id", "answer_id"),)


class ThemeAction(Base):
    """Something done about a theme: what, when, by whom and what changed ("we did")."""

    __tablename__ = "theme_actions"
    id: Mapped[int] = mapped_column(primary_key=True)
    theme: Mapped[str] = mapped_column(String(80), index=True)
    what: Mapped[str] = mapped_column(Text)
    done_on: Mapped[date] = mapped_column(Date)
    done_by: Mapped[str] = mapped_column(String(120))  # a team or organisation, not a person
    changed: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
