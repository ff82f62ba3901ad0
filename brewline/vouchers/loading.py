"""Loading voucher codes from a supplier's CSV file into a pool, refusing bad lines."""
from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from brewline.platform.runtime import Runtime
from brewline.vouchers.claims import fill_waiting_list
from brewline.vouchers.models import VoucherCode, VoucherPool
from brewline.vouchers.rules import (
    VoucherError,
    ensure_pool,
    local_date,
    lock_pool,
    mask_code,
    plural,
)

log = logging.getLogger("brewline.vouchers")


CHUNK = 1000


HEADER_NAMES = {"code": "code", "pin": "pin", "expires": "expires", "expiry": "expires",
                "expires_on": "expires"}


@dataclass(frozen=True)
class Row:
    """One code read from a CSV file."""

    line: int
    code: str
    pin: str | None
    expires_on: date | None


@dataclass
class LoadReport:
    """What a load did, line by line where something was refused."""

    pool: str
    loaded: int = 0
    blank: int = 0
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)
    filled: int = 0

    def lines(self, limit: int = 20) -> list[str]:
        """The report in plain words, at most `limit` lines per kind of problem."""
        out = [f"pool {self.pool}: loaded {plural(self.loaded, 'code')}"]
        if self.blank:
            out.append(f"skipped {plural(self.blank, 'blank line')}")
        out += _listed(self.duplicates, limit, "refused a duplicate code {1} (already loaded)")
        out += _listed([(n, "") for n in self.expired], limit,
                       "refused a code already past its expiry date")
        out += _listed(self.bad, limit, "refused: {1}")
        if self.filled:
            out.append(f"gave codes to {plural(self.filled, 'person', 'people')} from the waiting list")
        return out


def _listed(items: list[tuple[int, str]], limit: int, template: str) -> list[str]:
    out = [f"line {n}: " + template.format(n, detail) for n, detail in items[:limit]]
    if len(items) > limit:
        out.append(f"... and {len(items) - limit} more like that")
    return out


def read_rows(text: str, report: LoadReport, today: date) -> list[Row]:
    """Codes from CSV text (header `code`, optional `pin`, `expires`), refusing bad lines."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header: list[str] | None = None
    rows: list[Row] = []
    for cells in reader:
        cells = [c.strip().lstrip("\ufeff") for c in cells]
        if not any(cells):
            report.blank += 1
        elif header is None:
            header = _header(cells)
        else:
            row = _row(reader.line_num, dict(zip(header, cells)), report)
            _keep_unexpired(row, rows, report, today)
    if header is None:
        raise VoucherError("the file is empty: the first line should be 'code' (then pin, expires)")
    return rows


def _header(cells: list[str]) -> list[str]:
    names = [HEADER_NAMES.get(c.lower(), c.lower()) for c in cells]
    if "code" not in names:
        raise VoucherError("the first line must name the columns: code, and optionally pin and expires")
    return names


def _row(line: int, cells: dict[str, str], report: LoadReport) -> Row | None:
    code = cells.get("code", "")
    if not code or len(code) > 120:
        report.bad.append((line, "no code" if not code else "code longer than 120 characters"))
        return None
    try:
        expires = parse_date(cells.get("expires", ""))
    except ValueError:
        report.bad.append((line, "expiry date not understood (write it like 2027-12-31)"))
        return None
    return Row(line, code, cells.get("pin") or None, expires)


def _keep_unexpired(row: Row | None, rows: list[Row], report: LoadReport, today: date) -> None:
    if row is None:
        return
    if row.expires_on and row.expires_on < today:
        report.expired.append(row.line)
    else:
        rows.append(row)


def parse_date(text: str) -> date | None:
    """2027-12-31 or 31/12/2027 (UK order); blank means no expiry."""
    if not text:
        return None
    if "/" in text:
        day, month, year = (int(p) for p in text.split("/"))
        return date(year, month, day)
    return date.fromisoformat(text)


def _refuse_duplicates(session: Session, rows: list[Row], report: LoadReport) -> list[Row]:
    """Rows whose code is new: not earlier in the file and not already loaded anywhere."""
    seen: set[str] = set()
    fresh = []
    for row in rows:
        if row.code in seen:
            report.duplicates.append((row.line, mask_code(row.code)))
        else:
            seen.add(row.code)
            fresh.append(row)
    known = _known_codes(session, [r.code for r in fresh])
    report.duplicates += [(r.line, mask_code(r.code)) for r in fresh if r.code in known]
    report.duplicates.sort()
    return [r for r in fresh if r.code not in known]


def _known_codes(session: Session, codes: list[str]) -> set[str]:
    """Which of these codes are already loaded (one query: an IN list of 100,000 is slower)."""
    wanted = set(codes)
    if len(wanted) <= CHUNK:
        return set(session.scalars(select(VoucherCode.code).where(VoucherCode.code.in_(wanted))))
    return {c for c in session.scalars(select(VoucherCode.code)) if c in wanted}


def load(runtime: Runtime, session: Session, text: str, pool_name: str, now: datetime,
         value: str | None = None, flow: str | None = None, event: int | None = None,
         how_to_use: str | None = None, low_stock: int | None = None) -> LoadReport:
    """Add codes to a pool (created if new), then serve its waiting list, in one transaction."""
    pool = ensure_pool(runtime, session, pool_name, value, flow, event, how_to_use, low_stock)
    lock_pool(session, pool.id)  # claims joining the waiting list wait for this load
    report = LoadReport(pool.name)
    rows = _refuse_duplicates(session, read_rows(text, report, local_date(runtime.settings, now)),
                              report)
    _insert_codes(session, pool, rows, now)
    report.loaded = len(rows)
    pool.low_warned_at = None
    report.filled = fill_waiting_list(runtime, session, pool, now)
    log.info("loaded %d codes into pool %s", report.loaded, pool.name)
    return report


def _insert_codes(session: Session, pool: VoucherPool, rows: list[Row], now: datetime) -> None:
    # RETURNING makes SQLAlchemy batch the rows into multi-row INSERTs ("insertmanyvalues"),
    # far quicker than row-by-row executemany on PostgreSQL.
    if not rows:
        return
    table = VoucherCode.__table__
    session.connection().execute(insert(table).returning(table.c.id), [
        {"pool_id": pool.id, "code": r.code, "pin": r.pin, "expires_on": r.expires_on,
         "loaded_at": now} for r in rows]).all()
