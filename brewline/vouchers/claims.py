"""Claiming a voucher: a code given fairly (one per person per pool), or a waiting-list place.

Plain functions on a session, used by the CLI, the text and call channels and organiser pages.
Codes never go into logs or job arguments: outbox rows carry the text, jobs carry ids.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Callable, Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from brewline.delivery import outbox
from brewline.delivery.models import Outbox
from brewline.people.models import Contact
from brewline.platform.database import after_commit, lock
from brewline.platform.runtime import Runtime
from brewline.vouchers.models import VoucherClaim, VoucherCode, VoucherPool
from brewline.vouchers.rules import (
    NotEligible,
    can_text,
    how_earned,
    local_date,
    lock_pool,
    plural,
)
from flows.words import catalogues, words

log = logging.getLogger("brewline.vouchers")
PURPOSE = "voucher"
DEFAULT_LOW_STOCK = 10
# Called with (pool name, codes left) once a pool drops to its low-stock threshold.
LOW_STOCK: list[Callable[[str, int], None]] = []


@dataclass(frozen=True)
class Issued:
    """A code that belongs to this person (`again` when they had it already)."""

    pool: VoucherPool
    code: VoucherCode
    claim: VoucherClaim
    again: bool = False


@dataclass(frozen=True)
class Waiting:
    """No codes left: the person's place on the pool's waiting list."""

    pool: VoucherPool
    claim: VoucherClaim
    place: int
    again: bool = False


Outcome = Issued | Waiting


def claim(runtime: Runtime, session: Session, contact: Contact, pool: VoucherPool,
          now: datetime, channel: str = "sms", earned_by: str | None = None) -> Outcome:
    """Give the person a code from the pool, or a waiting-list place; the same one if asked again.

    The contact row lock serialises one person's claims (text, call and grant at once); the
    code is taken with SKIP LOCKED so many people can claim at the same instant.
    """
    lock(session, Contact, contact.id)
    existing = _claim_row(session, pool.id, contact.id)
    if existing is not None and existing.status != "declined":
        return outcome(session, existing, again=True)
    how = earned_by or how_earned(session, contact, pool)
    if how is None:
        raise NotEligible(f"not eligible for pool {pool.name}")
    row = existing or _new_claim(session, pool, contact, how, channel, now)
    row.status, row.declined_at, row.requested_at, row.channel = "waiting", None, now, channel
    code = _take_code(session, pool.id, local_date(runtime.settings, now))
    if code is None:
        code = _join_queue(runtime, session, pool, row, now)
    if code is not None:
        _issue(row, code, now)
        _check_low_stock(runtime, session, pool, now)
    session.flush()
    return outcome(session, row)


def _join_queue(runtime: Runtime, session: Session, pool: VoucherPool, row: VoucherClaim,
                now: datetime) -> VoucherCode | None:
    """Out of codes: queue up behind the pool lock (a load holds it while it serves the list),
    look once more, and if there is still nothing take the next place on the waiting list."""
    lock_pool(session, pool.id)
    code = _take_code(session, pool.id, local_date(runtime.settings, now))
    if code is None:
        last = session.scalar(select(func.max(VoucherClaim.queue_no))
                              .where(VoucherClaim.pool_id == pool.id))
        row.queue_no = (last or 0) + 1
    return code


def _claim_row(session: Session, pool_id: int, contact_id: int) -> VoucherClaim | None:
    return session.scalars(select(VoucherClaim).where(
        VoucherClaim.pool_id == pool_id, VoucherClaim.contact_id == contact_id)).first()


def _new_claim(session: Session, pool: VoucherPool, contact: Contact, how: str, channel: str,
               now: datetime) -> VoucherClaim:
    row = VoucherClaim(pool_id=pool.id, contact_id=contact.id, status="waiting", earned_by=how,
                       channel=channel, requested_at=now)
    session.add(row)
    return row


def _free_codes(pool_id: int, today: date):
    return select(VoucherCode).where(
        VoucherCode.pool_id == pool_id, VoucherCode.issued_at.is_(None),
        or_(VoucherCode.expires_on.is_(None), VoucherCode.expires_on >= today))


def _take_code(session: Session, pool_id: int, today: date) -> VoucherCode | None:
    # SKIP LOCKED: a code another transaction is handing out is passed over, not waited for.
    # (SQLite has no row locks; BEGIN IMMEDIATE already lets one writer in at a time.)
    query = _free_codes(pool_id, today).order_by(VoucherCode.id).limit(1)
    return session.scalars(query.with_for_update(skip_locked=True)).first()


def _issue(row: VoucherClaim, code: VoucherCode, now: datetime) -> None:
    code.issued_at = now
    row.code_id, row.status, row.issued_at = code.id, "issued", now


def outcome(session: Session, row: VoucherClaim, again: bool = False) -> Outcome:
    """What a claim row means for the person: their code, or their place in the queue."""
    pool = session.get(VoucherPool, row.pool_id)
    if row.status == "issued":
        return Issued(pool, session.get(VoucherCode, row.code_id), row, again)
    return Waiting(pool, row, waiting_place(session, row), again)


def waiting_place(session: Session, row: VoucherClaim) -> int:
    """1 for the first person waiting for this pool."""
    ahead = session.scalar(select(func.count()).select_from(VoucherClaim).where(
        VoucherClaim.pool_id == row.pool_id, VoucherClaim.status == "waiting",
        VoucherClaim.queue_no < row.queue_no))
    return ahead + 1


def decline(session: Session, contact: Contact, pools: Iterable[VoucherPool], now: datetime) -> int:
    """Record 'no thanks' for these pools (a code already given stays given)."""
    lock(session, Contact, contact.id)
    count = 0
    for pool in pools:
        row = _claim_row(session, pool.id, contact.id)
        if row is None:
            row = _new_claim(session, pool, contact, how_earned(session, contact, pool) or "offer",
                             "sms", now)
        if row.status != "issued":
            row.status, row.declined_at = "declined", now
            count += 1
    session.flush()
    return count


def grant(runtime: Runtime, session: Session, pool: VoucherPool, contact: Contact,
          now: datetime) -> Outcome:
    """An organiser gives this person a voucher: issued now, and texted (at a civil hour)."""
    result = claim(runtime, session, contact, pool, now, channel="organiser", earned_by="grant")
    if isinstance(result, Issued) and not result.again and can_text(contact):
        send_code(runtime, session, result, outbox.civil_time(runtime.settings, now))
    return result


def send_code(runtime: Runtime, session: Session, issued: Issued, not_before: datetime,
              key: str = "", direct_reply: bool = False) -> Outbox | None:
    """Text the code through the outbox, once per claim (and `key`), even if asked twice."""
    dedupe = f"voucher:{issued.claim.id}{':' + key if key else ''}"
    if session.scalar(select(Outbox.id).where(Outbox.dedupe_key == dedupe)):
        return None
    language = session.get(Contact, issued.claim.contact_id).language
    return outbox.add(runtime, session, issued.claim.contact_id, code_text(issued, language),
                      PURPOSE,
                      not_before=not_before, ref=f"voucher_claim:{issued.claim.id}",
                      dedupe_key=dedupe, direct_reply=direct_reply)


def code_text(issued: Issued, language: str = "en") -> str:
    """The text that gives a person their code: value, code, PIN, expiry and how to use it."""
    pool, code = issued.pool, issued.code
    parts = [words("voucher_code.thanks", language, value=pool.value),
             words("voucher_code.code", language, code=code.code)]
    if code.pin:
        parts.append(words("voucher_code.pin", language, pin=code.pin))
    if code.expires_on:
        parts.append(words("voucher_code.use_by", language,
                           day=long_date(code.expires_on, language)))
    parts += [pool.how_to_use or words("voucher_code.how_to_use", language),
              words("voucher_code.again", language)]
    # One item a line, so nobody takes a full stop or a word for part of the code.
    return "\n".join(parts)


def long_date(day: date, language: str = "en") -> str:
    """'31 December 2027', or in the months of `language`'s calendar."""
    months = catalogues().get(language, catalogues()["en"]).calendar.get("months")
    month = months[day.month - 1] if months else f"{day:%B}"
    return f"{day.day} {month} {day.year}"


def fill_waiting_list(runtime: Runtime, session: Session, pool: VoucherPool, now: datetime) -> int:
    """Give free codes to the people waiting, first come first served; texts go at civil hours."""
    today, send_at = local_date(runtime.settings, now), outbox.civil_time(runtime.settings, now)
    filled = 0
    for row, contact in _queue(session, pool.id):
        code = _take_code(session, pool.id, today)
        if code is None:
            break
        _issue(row, code, now)
        session.flush()
        if can_text(contact):
            send_code(runtime, session, outcome(session, row), send_at)
        filled += 1
    if filled:
        _check_low_stock(runtime, session, pool, now)
    return filled


def _queue(session: Session, pool_id: int):
    # Opted-out people keep their place but are not given a code they would never hear of.
    query = (select(VoucherClaim, Contact).join(Contact, VoucherClaim.contact_id == Contact.id)
             .where(VoucherClaim.pool_id == pool_id, VoucherClaim.status == "waiting",
                    Contact.opted_out_at.is_(None))
             .order_by(VoucherClaim.queue_no, VoucherClaim.id)
             .with_for_update(skip_locked=True, of=VoucherClaim))
    return session.execute(query).all()


def fill_pool(runtime: Runtime, pool_id: int, now: datetime | None = None) -> int:
    """Serve one pool's waiting list in its own transaction."""
    with runtime.store.transaction() as session:
        pool = session.get(VoucherPool, pool_id)
        return fill_waiting_list(runtime, session, pool, now or datetime.now(timezone.utc)) if pool else 0


def low_stock_threshold(runtime: Runtime, pool: VoucherPool) -> int:
    if pool.low_stock is not None:
        return pool.low_stock
    return int(runtime.settings.extra.get("BREWLINE_VOUCHER_LOW_STOCK", DEFAULT_LOW_STOCK))


def _check_low_stock(runtime: Runtime, session: Session, pool: VoucherPool, now: datetime) -> None:
    threshold = low_stock_threshold(runtime, pool)
    today = local_date(runtime.settings, now)
    if pool.low_warned_at:
        return
    # Cheap on a big pool: look only as far as the threshold, then count exactly.
    more = session.scalar(_free_codes(pool.id, today).with_only_columns(VoucherCode.id)
                          .order_by(VoucherCode.id).offset(threshold).limit(1))
    if more is not None:
        return
    left = session.scalar(_free_codes(pool.id, today).with_only_columns(func.count()))
    pool.low_warned_at = now
    log.warning("voucher pool %s is running low: %s left", pool.name, plural(left, "code"))
    name = pool.name
    for hook in LOW_STOCK:
        after_commit(session, lambda hook=hook: hook(name, left))


