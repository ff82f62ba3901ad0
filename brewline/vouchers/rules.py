"""Voucher pools and who has earned what: a pool is earned by a question set, an event or a grant."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Iterable
from zoneinfo import ZoneInfo

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from brewline.events.models import Attendance, Event
from brewline.people.models import Contact
from brewline.platform.runtime import Runtime
from brewline.platform.settings import Settings
from brewline.surveys.models import Conversation
from brewline.vouchers.models import VoucherClaim, VoucherPool


class VoucherError(ValueError):
    """Something an organiser asked for that cannot be done, in plain words."""


class NotEligible(VoucherError):
    """The person has not earned a voucher from this pool."""


def local_date(settings: Settings, now: datetime) -> date:
    """Today where the organisers are (codes expire at the end of a local day)."""
    return now.astimezone(ZoneInfo(settings.tz_default)).date()


def can_text(contact: Contact) -> bool:
    """Whether a text would reach this person (not a landline, not opted out)."""
    if not contact.phone or contact.opted_out_at or contact.cannot_text or contact.phone_only:
        return False
    try:
        kind = phonenumbers.number_type(phonenumbers.parse(contact.phone))
    except phonenumbers.NumberParseException:
        return False
    return kind != phonenumbers.PhoneNumberType.FIXED_LINE


def mask_code(code: str) -> str:
    """A code safe to show in lists: all but its last few characters hidden."""
    shown = min(3, len(code) // 3)
    return "*" * (len(code) - shown) + (code[-shown:] if shown else "")


def ensure_pool(runtime: Runtime, session: Session, name: str, value: str | None,
                flow: str | None, event: int | None, how_to_use: str | None = None,
                low_stock: int | None = None) -> VoucherPool:
    """The pool called `name`, created (or its settings updated) from what was given."""
    if flow and event:
        raise VoucherError("a pool is earned by a flow or by an event, not both")
    if event:
        check_event(session, event)
    if flow and flow not in runtime.flows.ids():
        raise VoucherError(f"there is no flow called {flow!r} (known: {', '.join(runtime.flows.ids())})")
    pool = find_pool(session, name)
    if pool is None:
        if not value:
            raise VoucherError(f"pool {name!r} is new: say what it is worth with --value")
        pool = VoucherPool(name=name, value=value)
        session.add(pool)
    _update_pool(pool, value=value, flow_id=flow, event_id=event, how_to_use=how_to_use,
                 low_stock=low_stock)
    session.flush()
    return pool


def _update_pool(pool: VoucherPool, **given) -> None:
    for name, value in given.items():
        if value is not None:
            setattr(pool, name, value)


def check_event(session: Session, event_id: int) -> None:
    """VoucherError unless `event_id` is the id of an event (`brewline events list`)."""
    if session.get(Event, event_id) is None:
        raise VoucherError(f"there is no event '{event_id}': see `brewline events list`")


def find_pool(session: Session, name: str) -> VoucherPool | None:
    return session.scalars(select(VoucherPool).where(VoucherPool.name == name)).first()


def get_pool(session: Session, name: str) -> VoucherPool:
    """The pool called `name`, or VoucherError naming the pools there are."""
    pool = find_pool(session, name)
    if pool is None:
        names = session.scalars(select(VoucherPool.name).order_by(VoucherPool.name)).all()
        raise VoucherError(f"there is no pool called {name!r} (pools: {', '.join(names) or 'none yet'})")
    return pool


def group(pool: VoucherPool) -> str:
    """What earns a pool's voucher; a person gets one voucher per group (pools side by side
    for the same flow or event are a choice, for example two shops)."""
    if pool.flow_id:
        return f"flow:{pool.flow_id}"
    return f"event:{pool.event_id}" if pool.event_id else f"pool:{pool.id}"


def how_earned(session: Session, contact: Contact, pool: VoucherPool) -> str | None:
    """'flow' or 'event' if the person has earned this pool's voucher, else None."""
    if pool.flow_id and session.scalar(select(Conversation.id).where(
            Conversation.contact_id == contact.id, Conversation.flow_id == pool.flow_id,
            Conversation.status == "finished")):
        return "flow"
    if pool.event_id and session.scalar(select(Attendance.id).where(
            Attendance.contact_id == contact.id, Attendance.event_id == pool.event_id)):
        return "event"
    return None


def claims(session: Session, contact: Contact, *statuses: str) -> list[VoucherClaim]:
    """The person's claims, oldest first, optionally only those with these statuses."""
    query = select(VoucherClaim).where(VoucherClaim.contact_id == contact.id)
    if statuses:
        query = query.where(VoucherClaim.status.in_(statuses))
    return list(session.scalars(query.order_by(VoucherClaim.id)))


def eligible_pools(session: Session, contact: Contact) -> list[VoucherPool]:
    """Pools the person has earned and not yet had a voucher from (one per group)."""
    taken = {group(session.get(VoucherPool, c.pool_id))
             for c in claims(session, contact, "issued", "waiting")}
    pools = session.scalars(select(VoucherPool).order_by(VoucherPool.id))
    return [p for p in pools if group(p) not in taken and how_earned(session, contact, p)]


def grouped(pools: Iterable[VoucherPool]) -> list[list[VoucherPool]]:
    """Pools gathered by what earns them, in order."""
    found: dict[str, list[VoucherPool]] = defaultdict(list)
    for pool in pools:
        found[group(pool)].append(pool)
    return list(found.values())


def lock_pool(session: Session, pool_id: int) -> VoucherPool:
    """Hold the pool row (FOR NO KEY UPDATE: claims referencing it still insert freely,
    where FOR UPDATE would deadlock with their foreign-key locks)."""
    return session.get(VoucherPool, pool_id, with_for_update={"key_share": True},
                       populate_existing=True)


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"
