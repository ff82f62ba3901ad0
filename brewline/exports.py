"""Exporting tables as CSV or JSON: pseudonymous unless phone numbers are asked for."""
from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import datetime
from typing import IO, Callable, Iterable

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from brewline.delivery import explained
from brewline.delivery.models import Message, Outbox
from brewline.events import exports as event_exports
from brewline.people import exports as people_exports
from brewline.people.models import Contact
from brewline.surveys.models import Answer
from brewline.vouchers.models import VoucherClaim, VoucherCode, VoucherPool
from brewline.vouchers.rules import mask_code

# Spreadsheet programs run cells that start with these as formulas.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Make a CSV cell safe to open in a spreadsheet."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _answers(session: Session, include_phone: bool, flow: str | None = None,
             version: int | None = None) -> Iterable[dict]:
    query = select(Answer, Contact).join(Contact, Answer.contact_id == Contact.id)
    if flow:
        query = query.where(Answer.flow_id == flow)
    if version:
        query = query.where(Answer.flow_version == version)
    rows = session.execute(query.order_by(Answer.id))
    for answer, contact in rows:
        yield _person(contact, include_phone) | {
            "flow": answer.flow_id, "flow_version": answer.flow_version,
            "question_id": answer.question_id, "question": answer.question_text,
            "answer": answer.text, "value": answer.value, "skipped": answer.skipped,
            "channel": answer.channel, "answer_language": answer.language,
            "recording_url": answer.recording_url,
            "transcript": answer.transcript, "time": answer.created_at.isoformat()}


def _contacts(session: Session, include_phone: bool) -> Iterable[dict]:
    more = people_exports.contact_columns(session)
    for contact in session.scalars(select(Contact).where(Contact.phone.is_not(None))
                                   .order_by(Contact.id)):
        yield _person(contact, include_phone) | {
            "name": contact.name if include_phone else None, "language": contact.language,
            "source": contact.source, "created": contact.created_at.isoformat(),
            "opted_out": contact.opted_out_at.isoformat() if contact.opted_out_at else None,
            "phone_only": contact.phone_only} | more(contact.id)


def _messages(session: Session, include_phone: bool, include_codes: bool = False) -> Iterable[dict]:
    # An outbound text's delivery report is kept on its outbox row (delivery/reports.py).
    rows = session.execute(
        select(Message, Contact, Outbox.status, Outbox.delivery, Outbox.error, Outbox.delivery_at)
        .outerjoin(Contact, Message.contact_id == Contact.id)
        .outerjoin(Outbox, and_(Message.direction == "out", Outbox.sid == Message.sid))
        .order_by(Message.id))
    hide = (lambda contact_id, body: body) if include_codes else _code_masker(session)
    for message, contact, *report in rows:
        yield _person(contact, include_phone) | {
            "direction": message.direction, "channel": message.channel,
            "body": hide(message.contact_id, message.body),
            "media_count": message.media_count, "status": message.status,
            "time": message.created_at.isoformat()} | _delivery(*report)


def _delivery(status: str | None, delivery: str | None, error: str | None,
              at: datetime | None) -> dict:
    """How an outbound text got on, as Twilio last reported it, in plain words."""
    if status is None:
        return dict.fromkeys(DELIVERY_COLUMNS)
    return {"delivery": explained.status_words(status, delivery),
            "delivery_problem": explained.problem_words(status, delivery, error),
            "delivery_reported": at.isoformat() if at else None}


def _code_masker(session: Session) -> Callable[[int | None, str | None], str | None]:
    """Hides the voucher codes and PINs given to a person wherever their messages hold them."""
    secrets: dict[int, list[str]] = defaultdict(list)
    for contact_id, code, pin in session.execute(
            select(VoucherClaim.contact_id, VoucherCode.code, VoucherCode.pin)
            .join(VoucherCode, VoucherClaim.code_id == VoucherCode.id)):
        secrets[contact_id] += [code] + ([pin] if pin else [])

    def hide(contact_id: int | None, body: str | None) -> str | None:
        # Longest first, so a PIN inside a code never leaves part of the code showing.
        for secret in sorted(secrets.get(contact_id, ()), key=len, reverse=True):
            body = body.replace(secret, mask_code(secret)) if body else body
        return body
    return hide


def _person(contact: Contact | None, include_phone: bool) -> dict:
    row = {"participant": contact.pid if contact else None}
    if include_phone:
        row["phone"] = contact.phone if contact else None
    return row


def _vouchers(session: Session, include_phone: bool, include_codes: bool = False) -> Iterable[dict]:
    rows = session.execute(
        select(VoucherClaim, VoucherPool, Contact, VoucherCode)
        .join(VoucherPool, VoucherClaim.pool_id == VoucherPool.id)
        .join(Contact, VoucherClaim.contact_id == Contact.id)
        .outerjoin(VoucherCode, VoucherClaim.code_id == VoucherCode.id).order_by(VoucherClaim.id))
    for claim, pool, contact, code in rows:
        row = _person(contact, include_phone) | {
            "pool": pool.name, "value": pool.value, "earned_by": claim.earned_by,
            "status": claim.status, "channel": claim.channel,
            "requested": claim.requested_at.isoformat(),
            "issued": claim.issued_at.isoformat() if claim.issued_at else None,
            "declined": claim.declined_at.isoformat() if claim.declined_at else None}
        if include_codes:
            row |= {"code": code.code if code else None, "pin": code.pin if code else None}
        yield row


def _rsvps(session: Session, include_phone: bool) -> Iterable[dict]:
    return event_exports.rsvps(session, include_phone, _person)


TABLES: dict[str, Callable[[Session, bool], Iterable[dict]]] = {
    "answers": _answers, "contacts": _contacts, "messages": _messages,
    "vouchers": _vouchers,
    "rsvps": _rsvps,
}
DELIVERY_COLUMNS = ("delivery", "delivery_problem", "delivery_reported")
# Each table's columns after the participant (and phone), so an empty export still has
# its header. tests/test_exports.py checks them against a row of each table.
COLUMNS: dict[str, tuple[str, ...]] = {
    "answers": ("flow", "flow_version", "question_id", "question", "answer", "value", "skipped",
                "channel", "answer_language", "recording_url", "transcript", "time"),
    "contacts": ("name", "language", "source", "created", "opted_out", "phone_only", "tags",
                 "invites"),
    "messages": ("direction", "channel", "body", "media_count", "status", "time")
    + DELIVERY_COLUMNS,
    "vouchers": ("pool", "value", "earned_by", "status", "channel", "requested", "issued",
                 "declined"),
    "rsvps": ("event", "event_title", "event_starts", "event_status", "answer", "said",
              "channel", "time"),
}
CODE_COLUMNS = {"vouchers": ("code", "pin")}
# Tables that show voucher codes (masked in message texts) only with --include-codes.
WITH_CODES = {"vouchers", "messages"}
# Tables that can be narrowed to one question set (and one of its versions).
BY_SET = {"answers"}


def write(session: Session, table: str, fmt: str, out: IO[str], include_phone: bool = False,
          include_codes: bool = False, flow: str | None = None,
          version: int | None = None) -> int:
    """Write a table to `out`; returns the number of rows. `flow` and `version` narrow the
    answers to one question set (and version)."""
    extra = {"include_codes": True} if include_codes and table in WITH_CODES else {}
    if table in BY_SET:
        extra |= {"flow": flow, "version": version}
    rows = list(TABLES[table](session, include_phone, **extra))
    if fmt == "json":
        json.dump(rows, out, ensure_ascii=False, indent=1)
        out.write("\n")
        return len(rows)
    writer = csv.DictWriter(out, fieldnames=columns(table, include_phone, bool(extra)))
    writer.writeheader()  # even with no rows: a spreadsheet still shows what would be there
    writer.writerows({k: neutralise(v) for k, v in row.items()} for row in rows)
    return len(rows)


def columns(table: str, include_phone: bool = False, include_codes: bool = False) -> list[str]:
    """The header of a table's export."""
    person = ["participant"] + (["phone"] if include_phone else [])
    codes = CODE_COLUMNS.get(table, ()) if include_codes else ()
    return person + list(COLUMNS[table]) + list(codes)
