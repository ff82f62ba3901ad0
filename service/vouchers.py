"""Voucher thank-yous: loading codes, who has earned one, issuing fairly, the waiting list, the ledger.

Plain functions on a session, used by the CLI, the text and call channels and organiser pages.
Codes never go into logs or job arguments: outbox rows carry the text, jobs carry ids.
"""
from __future__ import annotations

import csv
import io
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Callable, Iterable
from zoneinfo import ZoneInfo

import phonenumbers
from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from flows.model import State
from service import outbox
from service.runtime import Runtime
from service.settings import Settings
from service.store import (
    Attendance, Contact, Conversation, Event, Outbox, VoucherClaim, VoucherCode, VoucherOffer,
    VoucherPool, after_commit, lock,
)

log = logging.getLogger("brewline.vouchers")
PURPOSE = "voucher"
DEFAULT_LOW_STOCK = 10
CHUNK = 1000
HOW_TO_USE = "Show this text at the till, or type the code in when you pay online."
HEADER_NAMES = {"code": "code", "pin": "pin", "expires": "expires", "expiry": "expires",
                "expires_on": "expires"}
# Called with (pool name, codes left) once a pool drops to its low-stock threshold.
LOW_STOCK: list[Callable[[str, int], None]] = []


class VoucherError(ValueError):
    """Something an organiser asked for that cannot be done, in plain words."""


class NotEligible(VoucherError):
    """The person has not earned a voucher from this pool."""


# --- outcomes -------------------------------------------------------------------------

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


# --- time and people ------------------------------------------------------------------

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


# --- loading codes --------------------------------------------------------------------

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


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


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
         value: str | None = None, flow: str | None = None, event: str | None = None,
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


def ensure_pool(runtime: Runtime, session: Session, name: str, value: str | None,
                flow: str | None, event: str | None, how_to_use: str | None = None,
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
    _update_pool(pool, value=value, flow_id=flow, event_ref=event, how_to_use=how_to_use,
                 low_stock=low_stock)
    session.flush()
    return pool


def _update_pool(pool: VoucherPool, **given) -> None:
    for name, value in given.items():
        if value is not None:
            setattr(pool, name, value)


def check_event(session: Session, event_ref: str) -> None:
    """VoucherError unless `event_ref` is the id of an event (`brewline events list`)."""
    if not event_ref.isdigit() or session.get(Event, int(event_ref)) is None:
        raise VoucherError(f"there is no event {event_ref!r}: see `brewline events list`")


def find_pool(session: Session, name: str) -> VoucherPool | None:
    return session.scalars(select(VoucherPool).where(VoucherPool.name == name)).first()


def get_pool(session: Session, name: str) -> VoucherPool:
    """The pool called `name`, or VoucherError naming the pools there are."""
    pool = find_pool(session, name)
    if pool is None:
        names = session.scalars(select(VoucherPool.name).order_by(VoucherPool.name)).all()
        raise VoucherError(f"there is no pool called {name!r} (pools: {', '.join(names) or 'none yet'})")
    return pool


# --- who has earned what --------------------------------------------------------------

def group(pool: VoucherPool) -> str:
    """What earns a pool's voucher; a person gets one voucher per group (pools side by side
    for the same flow or event are a choice, for example two shops)."""
    if pool.flow_id:
        return f"flow:{pool.flow_id}"
    return f"event:{pool.event_ref}" if pool.event_ref else f"pool:{pool.id}"


def how_earned(session: Session, contact: Contact, pool: VoucherPool) -> str | None:
    """'flow' or 'event' if the person has earned this pool's voucher, else None."""
    if pool.flow_id and session.scalar(select(Conversation.id).where(
            Conversation.contact_id == contact.id, Conversation.flow_id == pool.flow_id,
            Conversation.status == "finished")):
        return "flow"
    if pool.event_ref and session.scalar(select(Attendance.id).where(
            Attendance.contact_id == contact.id, Attendance.event_ref == pool.event_ref)):
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


# --- claiming -------------------------------------------------------------------------

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


def lock_pool(session: Session, pool_id: int) -> VoucherPool:
    """Hold the pool row (FOR NO KEY UPDATE: claims referencing it still insert freely,
    where FOR UPDATE would deadlock with their foreign-key locks)."""
    return session.get(VoucherPool, pool_id, with_for_update={"key_share": True},
                       populate_existing=True)


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
    return outbox.add(runtime, session, issued.claim.contact_id, code_text(issued), PURPOSE,
                      not_before=not_before, ref=f"voucher_claim:{issued.claim.id}",
                      dedupe_key=dedupe, direct_reply=direct_reply)


def code_text(issued: Issued) -> str:
    """The text that gives a person their code: value, code, PIN, expiry and how to use it."""
    pool, code = issued.pool, issued.code
    parts = [f"Your thank-you from Over a Brew: a {pool.value}.", f"Code: {code.code}"]
    if code.pin:
        parts.append(f"PIN: {code.pin}")
    if code.expires_on:
        parts.append(f"Use it by {long_date(code.expires_on)}.")
    parts += [pool.how_to_use or HOW_TO_USE, "Text VOUCHER to get this again."]
    # One item a line, so nobody takes a full stop or a word for part of the code.
    return "\n".join(parts)


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# --- the waiting list -----------------------------------------------------------------

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


# --- stock and the ledger -------------------------------------------------------------

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
                 f"event {pool.event_ref}" if pool.event_ref else "grant")
    return Figures(pool.name, pool.value, earned_by, codes["loaded"], codes["issued"],
                   people.get("waiting", 0), people.get("declined", 0), remaining,
                   codes["expired"], remaining <= low_stock_threshold(runtime, pool))


# --- offers ---------------------------------------------------------------------------

def set_offer(session: Session, contact: Contact, kind: str, pools: list[VoucherPool],
              now: datetime) -> None:
    """Remember what we offered by text, so 'yes please', '2' or 'no thanks' make sense."""
    offer = session.get(VoucherOffer, contact.id)
    if offer is None:
        offer = VoucherOffer(contact_id=contact.id)
        session.add(offer)
    offer.kind, offer.pool_ids, offer.created_at = kind, [p.id for p in pools], now


def clear_offer(session: Session, contact: Contact) -> None:
    offer = session.get(VoucherOffer, contact.id)
    if offer is not None:
        session.delete(offer)


def questions_left(runtime: Runtime, conversation: Conversation) -> int:
    """How many numbered questions the person has neither answered nor skipped."""
    flow = runtime.flows.get(conversation.flow_id, conversation.flow_version)
    state = State.from_dict(conversation.state)
    done = {s for s in state.answered + state.skipped if s in flow.steps and flow.step(s).number}
    return flow.total_questions - len(done)


def record_attendance(session: Session, event_ref: str, contact: Contact, now: datetime) -> bool:
    """Mark the person as having come to the event; False if they were already marked."""
    if session.scalar(select(Attendance.id).where(
            Attendance.event_ref == event_ref, Attendance.contact_id == contact.id)):
        return False
    session.add(Attendance(event_ref=event_ref, contact_id=contact.id, created_at=now))
    session.flush()
    return True
