"""Outbox rows an organiser should know about, and trying one of them again.

Texts and calls Twilio failed to take that are still being tried (counted by why, as an
outage can hold thousands), and four kinds needing a look: texts and calls that failed (or that Twilio could not deliver), calls whose
outcome is "unknown" (a worker stopped mid-call: never rung again by itself), people
Twilio told us cannot get texts, and invites scheduled for a time that came and went
without them (events/scheduled.py). Rows are shown for RECENT days (older ones are past
helping), and never for people who asked us to stop or were erased.

Trying again never resends a row: it writes a new pending row (dedupe key
`organiser-retry:<old id>`, so once per row however often the button is pressed), which
goes through the outbox like any other, at a civil hour, with every check the worker
makes just before sending.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import String, and_, cast, exists, func, literal, or_, select, update
from sqlalchemy.orm import Session, aliased

from brewline.calls.models import Call
from brewline.delivery import explained, outbox
from brewline.delivery.claiming import ADDRESSLESS, unwanted
from brewline.delivery.models import Outbox
from brewline.events import scheduled
from brewline.events.models import Event, Invite, ScheduledInvites
from brewline.organiser.needs_a_look import words as words
from brewline.people.models import Contact
from brewline.platform.database import lock
from brewline.platform.runtime import Runtime
from brewline.vouchers.models import VoucherClaim, VoucherCode, VoucherPool
from brewline.vouchers.rules import mask_code

RETRY_KEY = "organiser-retry:"
UNDELIVERED = explained.NOT_DELIVERED
SHOWN = 100  # rows per kind on the page; the counts say how many there are in all
RECENT = timedelta(days=30)

UNKNOWN_ROWS = Outbox.status == "unknown"
FAILED_ROWS = or_(Outbox.status == "failed",
                  and_(Outbox.status == "sent", Outbox.delivery.in_(UNDELIVERED)))
def _still_trying_rows(now: datetime):
    """Rows waiting to be tried again after Twilio failed to take them (a filter)."""
    return and_(Outbox.status == "pending", Outbox.not_before >= now - RECENT,
                Outbox.error.like(f"{explained.TRYING_AGAIN}%"))


NO_TEXTS = and_(Contact.cannot_text.is_(True), Contact.phone_only.is_(False),
                Contact.phone.is_not(None), Contact.opted_out_at.is_(None))


class CannotTryAgain(ValueError):
    """Why a row was not tried again, in plain words for the organiser."""


@dataclass(frozen=True)
class Problem:
    """One text or call that went wrong, as the Needs a look page shows it."""

    outbox_id: int
    contact_id: int
    pid: str
    channel: str
    unsure: bool  # a call that may or may not have rung ("unknown")
    what: str
    about: str
    when: datetime
    happened: str
    code: int | None
    heard: str | None  # for a call we were not sure about: what Twilio told us since
    blocked: str | None  # why it cannot be tried again, or None


@dataclass(frozen=True)
class NoTexts:
    """Someone Twilio told us cannot get texts (not someone who told us so themselves)."""

    contact_id: int
    pid: str
    since: datetime | None
    why: str


@dataclass(frozen=True)
class StillTrying:
    """Texts and calls waiting to be tried again after Twilio failed to take them, by why."""

    why: str
    count: int
    since: datetime  # the first failure of the longest-waiting one


@dataclass(frozen=True)
class Found:
    """What the page shows of each kind (the newest SHOWN), and how many there are."""

    unknown: list[Problem]
    failed: list[Problem]
    no_texts: list[NoTexts]
    scheduled: list[tuple[ScheduledInvites, Event]]  # scheduled invites that did not go
    counts: dict[str, int]
    trying: list[StillTrying] = field(default_factory=list)


def _not_retried():
    later = aliased(Outbox)
    return ~exists().where(later.dedupe_key == literal(RETRY_KEY) + cast(Outbox.id, String))


def _problem_rows(query, kind, now: datetime):
    """Recent rows of this kind that still need a look: to someone we may still contact,
    and not tried again yet. (status, not_before) is the outbox's own index."""
    return (query.join(Contact, Contact.id == Outbox.contact_id)
            .where(kind, Outbox.not_before >= now - RECENT, Outbox.channel.not_in(ADDRESSLESS),
                   Contact.phone.is_not(None), Contact.opted_out_at.is_(None), _not_retried()))


def counts(session: Session, now: datetime) -> dict[str, int]:
    """How many of each kind there are, for the overview."""
    rows = select(func.count(Outbox.id)).select_from(Outbox)
    return {"unknown": session.scalar(_problem_rows(rows, UNKNOWN_ROWS, now)),
            "failed": session.scalar(_problem_rows(rows, FAILED_ROWS, now)),
            "no_texts": session.scalar(select(func.count(Contact.id)).where(NO_TEXTS)),
            "scheduled": scheduled.count_needing_a_look(session, now, now - RECENT),
            "trying": session.scalar(select(func.count(Outbox.id))
                                     .where(_still_trying_rows(now)))}


def find(session: Session, now: datetime, limit: int = SHOWN) -> Found:
    """Everything the Needs a look page shows, newest first."""
    unknown = _problems(session, UNKNOWN_ROWS, now, limit)
    failed = _problems(session, FAILED_ROWS, now, limit)
    people = list(session.scalars(select(Contact).where(NO_TEXTS)
                                  .order_by(Contact.id.desc()).limit(limit)))
    return Found(unknown, failed, _no_texts(session, people),
                 scheduled.needing_a_look(session, now, now - RECENT, limit),
                 counts(session, now), still_trying(session, now))


def still_trying(session: Session, now: datetime) -> list[StillTrying]:
    """Rows waiting to be tried again after a rate limit or a fault at Twilio, by why."""
    found: dict[str, StillTrying] = {}
    for error, count, since in session.execute(
            select(Outbox.error, func.count(Outbox.id), func.min(Outbox.retrying_since))
            .where(_still_trying_rows(now)).group_by(Outbox.error)):
        why = explained.still_trying("pending", error)
        before = found.get(why)
        if before:
            count, since = count + before.count, min(since, before.since)
        found[why] = StillTrying(why, count, since)
    return sorted(found.values(), key=lambda t: -t.count)


def _problems(session: Session, kind, now: datetime, limit: int) -> list[Problem]:
    found = session.execute(_problem_rows(select(Outbox, Contact), kind, now)
                            .order_by(Outbox.id.desc()).limit(limit)).all()
    rows = [row for row, _contact in found]
    about, heard = _about(session, rows), _heard(session, rows)
    return [_problem(session, row, contact, about.get(row.id, ""), heard.get(row.id))
            for row, contact in found]


def _problem(session: Session, row: Outbox, contact: Contact, about: str,
             heard: str | None) -> Problem:
    return Problem(
        outbox_id=row.id, contact_id=contact.id, pid=contact.pid, channel=row.channel,
        unsure=row.status == "unknown",
        what=words.what_it_was(row.purpose, row.channel), about=about, when=_when(row),
        happened=words.what_happened(row.status, row.delivery, row.error),
        code=words.twilio_code(row.error), heard=heard, blocked=refusal(session, row, contact))


def _when(row: Outbox) -> datetime:
    """When it went wrong, as near as we know."""
    return row.delivery_at or row.claimed_at or row.not_before


def _ref(row: Outbox) -> tuple[str, int | None]:
    """A row's ref ("event:3", "voucher_claim:7") as (kind, id)."""
    kind, _, number = (row.ref or "").partition(":")
    return kind, int(number) if number.isdigit() else None


def _about(session: Session, rows: list[Outbox]) -> dict[int, str]:
    """What each row was about: the event's title, or the voucher pool and masked code."""
    refs = {row.id: _ref(row) for row in rows}

    def wanted(kind: str) -> set[int]:
        return {number for k, number in refs.values() if k == kind and number is not None}

    said = {("event", i): f"about \"{title}\"" for i, title in session.execute(
        select(Event.id, Event.title).where(Event.id.in_(wanted("event"))))}
    said |= {("voucher_claim", i): f"{pool}, code {mask_code(code) if code else 'not given yet'}"
             for i, pool, code in session.execute(
                 select(VoucherClaim.id, VoucherPool.name, VoucherCode.code)
                 .join(VoucherPool, VoucherPool.id == VoucherClaim.pool_id)
                 .outerjoin(VoucherCode, VoucherCode.id == VoucherClaim.code_id)
                 .where(VoucherClaim.id.in_(wanted("voucher_claim"))))}
    return {row_id: said[ref] for row_id, ref in refs.items() if ref in said}


def _heard(session: Session, rows: list[Outbox]) -> dict[int, str]:
    """For calls we were not sure about: how Twilio said they went, if it has since."""
    ids = [row.id for row in rows if row.status == "unknown"]
    heard = {}
    for outbox_id, status, answered_by in session.execute(
            select(Call.outbox_id, Call.status, Call.answered_by)
            .where(Call.outbox_id.in_(ids)).order_by(Call.id)):
        heard[outbox_id] = words.call_heard(status, answered_by)
    return heard


def _no_texts(session: Session, people: list[Contact]) -> list[NoTexts]:
    """Each person, with the latest text that told us their number cannot take texts."""
    latest: dict[int, Outbox] = {}
    for row in session.scalars(select(Outbox).where(
            Outbox.contact_id.in_([c.id for c in people]), Outbox.channel == "sms",
            Outbox.error.is_not(None), FAILED_ROWS).order_by(Outbox.id.desc())):
        latest.setdefault(row.contact_id, row)
    found = []
    for person in people:
        row = latest.get(person.id)
        why = (words.what_happened(row.status, row.delivery, row.error) if row
               else words.CODE_WORDS[21614])
        found.append(NoTexts(person.id, person.pid, _when(row) if row else None, why))
    return found


def went_wrong(row: Outbox) -> bool:
    """Whether the row failed, was not delivered, or may not have happened."""
    return explained.went_wrong(row.status, row.delivery)


def refusal(session: Session, row: Outbox, contact: Contact | None) -> str | None:
    """Why this row must not be tried again now, in plain words, or None.

    The worker's own check (opted out, erased, cannot text, no longer wanted), asked of
    the old row, so a reminder for an event since cancelled is refused here, not later.
    """
    reason = unwanted(session, row, contact)
    if reason == "number cannot receive texts" and contact.phone_only:
        reason = "phone only"
    return words.why_not(reason) if reason else None


def try_again(runtime: Runtime, session: Session, row_id: int, now: datetime) -> Outbox:
    """Write a new pending row like this one (once per row); CannotTryAgain says why not."""
    row = lock(session, Outbox, row_id)
    if row is None or row.channel in ADDRESSLESS:
        raise CannotTryAgain("That text or call is no longer on record. The person may "
                             "have been erased.")
    if not went_wrong(row):
        raise CannotTryAgain("Only a text or call that failed, or a call we are not sure "
                             "about, can be tried again.")
    if session.scalar(select(Outbox.id).where(Outbox.dedupe_key == f"{RETRY_KEY}{row.id}")):
        raise CannotTryAgain("This was tried again already. Nothing more was sent.")
    contact = lock(session, Contact, row.contact_id)
    reason = refusal(session, row, contact)
    if reason:
        raise CannotTryAgain(reason)
    # outbox.add moves it out of quiet hours; the worker re-checks it just before it goes.
    again = outbox.add(runtime, session, contact.id, row.body, row.purpose, not_before=now,
                       channel=row.channel, ref=row.ref, dedupe_key=f"{RETRY_KEY}{row.id}")
    # An invite's reply is matched to when the person got it, so point it at the new row.
    session.execute(update(Invite).where(Invite.outbox_id == row.id).values(outbox_id=again.id))
    return again
