"""The ledger: per pool, codes loaded, issued, remaining and expired; people waiting."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from brewline.platform.runtime import Runtime
from brewline.vouchers.claims import low_stock_threshold
from brewline.vouchers.models import VoucherClaim, VoucherCode, VoucherPool
from brewline.vouchers.rules import local_date


@dataclass(frozen=True)
class Figures:
    """One pool's line in the ledger. loaded = issued + remaining + expired."""

    pool: str
    value: str
    earned_by: str
    loaded: int
    issued: int
    waiting: int
    declined: int
    remaining: int
    expired: int
    low: bool

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def report(runtime: Runtime, session: Session, now: datetime) -> list[Figures]:
    """Per pool: codes loaded, issued, remaining and expired; people waiting and declined."""
    today = local_date(runtime.settings, now)
    codes = _code_counts(session, today)
    people = _claim_counts(session)
    return [_figures(runtime, pool, codes[pool.id], people[pool.id])
            for pool in session.scalars(select(VoucherPool).order_by(VoucherPool.name))]


def _code_counts(session: Session, today: date) -> dict[int, dict[str, int]]:
    expired = VoucherCode.issued_at.is_(None) & (VoucherCode.expires_on < today)
    rows = session.execute(select(
        VoucherCode.pool_id, func.count(), func.count(VoucherCode.issued_at),
        func.count().filter(expired)).group_by(VoucherCode.pool_id)).all()
    return defaultdict(lambda: {"loaded": 0, "issued": 0, "expired": 0}, {
        pool_id: {"loaded": total, "issued": given, "expired": gone}
        for pool_id, total, given, gone in rows})


def _claim_counts(session: Session) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for pool_id, status, n in session.execute(select(
            VoucherClaim.pool_id, VoucherClaim.status, func.count())
            .group_by(VoucherClaim.pool_id, VoucherClaim.status)):
        counts[pool_id][status] = n
    return counts


def _figures(runtime: Runtime, pool: VoucherPool, codes: dict, people: dict) -> Figures:
    remaining = codes["loaded"] - codes["issued"] - codes["expired"]
    earned_by = (f"flow {pool.flow_id}" if pool.flow_id else
                 f"event {pool.event_id}" if pool.event_id else "grant")
    return Figures(pool.name, pool.value, earned_by, codes["loaded"], codes["issued"],
                   people.get("waiting", 0), people.get("declined", 0), remaining,
                   codes["expired"], remaining <= low_stock_threshold(runtime, pool))
