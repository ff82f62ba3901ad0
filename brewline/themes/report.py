"""The yearly report's figures: who took part and how, sessions, vouchers, themes with
consented quotes, what was done, and what happens next.

Never a phone number, a name or a voucher code; any count from 1 to 4 people is shown as
"fewer than 5", and themes given by fewer than 5 people are counted together, not named.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from brewline.events.attendance import BY_PHONE
from brewline.events.models import Attendance, Event
from brewline.surveys.models import Answer
from brewline.themes import actions as done
from brewline.themes import quotes
from brewline.themes.models import AnswerTag
from brewline.vouchers.models import VoucherClaim, VoucherPool

SMALLEST = 5  # fewer people than this are never broken down further
POUNDS = re.compile(r"£\s*(\d+(?:\.\d\d)?)")


@dataclass(frozen=True)
class Count:
    """A number of people, or "fewer than 5" when showing it could point at someone."""

    n: int

    def __str__(self) -> str:
        return "fewer than 5" if 0 < self.n < SMALLEST else str(self.n)


@dataclass(frozen=True)
class Done:
    what: str
    done_on: date
    done_by: str
    changed: str | None


@dataclass(frozen=True)
class Theme:
    name: str
    answers: int
    people: Count
    quotes: list[str]
    actions: list[Done]


@dataclass(frozen=True)
class Report:
    org: str
    year: int
    people: Count
    ways: list[tuple[str, Count]]  # by text, by call, in the room, by phone into the room
    sessions: int
    vouchers: int
    voucher_value: str
    themes: list[Theme]
    other_answers: int  # answers in themes given by fewer than 5 people
    next_sessions: int
    next_date: date | None


def build(session: Session, org: str, year: int, now: datetime) -> Report:
    """The report for one calendar year (UTC), as it stands at `now`."""
    start, end = _bounds(year)
    ways = [("by text", Count(_answered(session, start, end, "sms"))),
            ("by phone call", Count(_answered(session, start, end, "voice"))),
            ("in the room", Count(_came(session, start, end))),
            ("by phone into the room", Count(_came_by_phone(session, start, end)))]
    themes, other = _themes(session, start, end)
    upcoming = _upcoming(session, now)
    given, value = _vouchers(session, start, end)
    return Report(org, year, Count(_people(session, start, end)), ways,
                  _sessions(session, start, min(end, now)), given, value, themes, other,
                  len(upcoming), upcoming[0] if upcoming else None)


def _bounds(year: int) -> tuple[datetime, datetime]:
    return (datetime(year, 1, 1, tzinfo=timezone.utc),
            datetime(year + 1, 1, 1, tzinfo=timezone.utc))


def _utc(moment: datetime) -> datetime:
    # The database takes times with their zone (stored as UTC on every back-end).
    return moment.astimezone(timezone.utc)


def _answer_people(start: datetime, end: datetime):
    return select(Answer.contact_id).where(Answer.created_at >= _utc(start),
                                           Answer.created_at < _utc(end))


def _room_people(start: datetime, end: datetime):
    return (select(Attendance.contact_id).join(Event, Event.id == Attendance.event_id)
            .where(Event.starts_at >= _utc(start), Event.starts_at < _utc(end)))


def _people(session: Session, start: datetime, end: datetime) -> int:
    both = _answer_people(start, end).union(_room_people(start, end)).subquery()
    return session.scalar(select(func.count()).select_from(both)) or 0


def _answered(session: Session, start: datetime, end: datetime, channel: str) -> int:
    query = _answer_people(start, end).where(Answer.channel == channel)
    return session.scalar(select(func.count(distinct(query.subquery().c.contact_id)))) or 0


def _came(session: Session, start: datetime, end: datetime) -> int:
    # Someone marked present in the room; a caller who listened in is counted below.
    in_room = Attendance.how.is_(None) | (Attendance.how != BY_PHONE)
    return _distinct(session, _room_people(start, end).where(in_room))


def _came_by_phone(session: Session, start: datetime, end: datetime) -> int:
    return _distinct(session, _room_people(start, end).where(Attendance.how == BY_PHONE))


def _distinct(session: Session, query) -> int:
    return session.scalar(select(func.count(distinct(query.subquery().c.contact_id)))) or 0


def _sessions(session: Session, start: datetime, until: datetime) -> int:
    return session.scalar(select(func.count(Event.id)).where(
        Event.status != "cancelled", Event.starts_at >= _utc(start),
        Event.starts_at < _utc(until))) or 0


def _upcoming(session: Session, now: datetime) -> list[date]:
    return [when.date() for when in session.scalars(
        select(Event.starts_at).where(Event.status != "cancelled", Event.starts_at >= _utc(now))
        .order_by(Event.starts_at))]


def _vouchers(session: Session, start: datetime, end: datetime) -> tuple[int, str]:
    rows = session.execute(
        select(VoucherPool.value, func.count(VoucherClaim.id))
        .join(VoucherPool, VoucherPool.id == VoucherClaim.pool_id)
        .where(VoucherClaim.status == "issued", VoucherClaim.issued_at >= _utc(start),
               VoucherClaim.issued_at < _utc(end)).group_by(VoucherPool.value)).all()
    total = sum((Decimal(m.group(1)) * n for value, n in rows
                 if (m := POUNDS.search(value or ""))), Decimal(0))
    return sum(n for _, n in rows), f"£{total:,.2f}".replace(".00", "")


def _themes(session: Session, start: datetime, end: datetime) -> tuple[list[Theme], int]:
    rows = session.execute(
        select(AnswerTag.theme, func.count(Answer.id), func.count(distinct(Answer.contact_id)))
        .join(Answer, Answer.id == AnswerTag.answer_id)
        .where(Answer.created_at >= _utc(start), Answer.created_at < _utc(end))
        .group_by(AnswerTag.theme)).all()
    did = done.by_theme(session, start.date(), date(start.year, 12, 31))
    big = sorted((r for r in rows if r[2] >= SMALLEST), key=lambda r: (-r[1], r[0]))
    themes = [Theme(name, answers, Count(people),
                    quotes.consented(session, name, _utc(start), _utc(end)),
                    [Done(a.what, a.done_on, a.done_by, a.changed) for a in did.get(name, [])])
              for name, answers, people in big]
    return themes, sum(r[1] for r in rows if r[2] < SMALLEST)
