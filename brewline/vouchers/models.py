"""Voucher pools, their codes, who claimed one, and offers waiting for a reply."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from brewline.platform.database import Base, utcnow


class VoucherPool(Base):
    """A batch of thank-you codes of one kind, and what earns one: a question set, an event or
    a grant."""

    __tablename__ = "voucher_pools"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    value: Mapped[str] = mapped_column(String(120))
    flow_id: Mapped[str | None] = mapped_column(String(80), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"),
                                                 index=True)
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
