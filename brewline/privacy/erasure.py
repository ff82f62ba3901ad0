"""Erasing a person: their number, answers, recordings, messages and queued jobs.

What stays is a tombstone contact row with no number or name (so queued Twilio recording
deletions still have an owner) and the purpose-neutral delete_recording outbox rows.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

import redis
from sqlalchemy import JSON, Table, delete, or_, select, update
from sqlalchemy.orm import Session

from brewline.delivery import outbox, spool, stopping
from brewline.delivery.models import Outbox
from brewline.people.models import Contact, new_pid
from brewline.platform import runtime as process
from brewline.platform.database import Base, after_commit, utcnow
from brewline.platform.runtime import Runtime
from brewline.privacy.models import ErasureRequest

log = logging.getLogger("brewline.erasure")
ERASED = "erased"
RECORDING_PURPOSE = "delete_recording"
RECORDING_SID = re.compile(r"RE[0-9a-fA-F]{32}")
# String columns that may hold a raw phone number in tables without a contact_id.
NUMBER_COLUMNS = ("phone", "sender", "caller", "from_number", "to_number", "number")


@dataclass
class Erased:
    """What one erasure did, for the organiser and the tests (never the person's data)."""

    rows: int = 0
    recordings: list[str] = field(default_factory=list)
    cancelled_outbox: list[int] = field(default_factory=list)


def erase(session: Session, contact: Contact, runtime: Runtime | None = None) -> Erased:
    """Remove everything of this person; with a runtime, Redis is cleaned after commit."""
    phone, result = contact.phone, Erased()
    result.recordings = _recording_sids(session, contact.id)
    result.cancelled_outbox = list(session.scalars(select(Outbox.id).where(
        Outbox.contact_id == contact.id, Outbox.status.in_(("pending", "sending")))))
    result.rows = _delete_rows(session, contact.id, phone)
    _tombstone(contact)
    rows = [_queue_recording_delete(session, contact.id, sid) for sid in result.recordings]
    session.flush()
    if runtime is not None:
        ids = [row.id for row in rows]
        after_commit(session, lambda: _after(runtime, phone, result.cancelled_outbox, ids,
                                             result.recordings))
    log.info("erased contact %s (%s rows, %s recordings)", contact.id, result.rows,
             len(result.recordings))
    return result


def _recording_sids(session: Session, contact_id: int) -> list[str]:
    """Recording sids anywhere in the person's rows: recording_sid columns and JSON (calls)."""
    sids: set[str] = set()
    for table in Base.metadata.sorted_tables:
        owners = _contact_columns(table)
        columns = [c for c in table.c if c.name == "recording_sid" or isinstance(c.type, JSON)]
        if owners and columns:
            for row in session.execute(select(*columns).where(or_(*[o == contact_id for o in owners]))):
                sids.update(s for value in row for s in _recordings_in(value))
    return sorted(sids)


def _recordings_in(value) -> list[str]:
    """Every Twilio recording sid (RE + 32 hex) inside a value, however nested."""
    if isinstance(value, str):
        return [value] if RECORDING_SID.fullmatch(value) else []
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [s for item in value for s in _recordings_in(item)]
    return []


def _delete_rows(session: Session, contact_id: int, phone: str | None) -> int:
    """Delete rows owned by the contact (any foreign key to contacts) or naming the number."""
    count = 0
    for table in reversed(Base.metadata.sorted_tables):
        if table.name == "contacts":
            continue
        conditions = [c == contact_id for c in _contact_columns(table)]
        if phone:
            conditions += [table.c[n] == phone for n in NUMBER_COLUMNS if n in table.c]
        if conditions:
            count += session.execute(delete(table).where(or_(*conditions))).rowcount or 0
    return count


def _contact_columns(table: Table) -> list:
    return [fk.parent for fk in table.foreign_keys if fk.column.table.name == "contacts"]


def _tombstone(contact: Contact) -> None:
    contact.phone = contact.name = contact.awaiting = None
    contact.pid, contact.source = new_pid(), ERASED
    contact.opted_out_at = contact.opted_out_at or utcnow()


def _queue_recording_delete(session: Session, contact_id: int, sid: str) -> Outbox:
    # The row's body stays empty: the recording sid in `ref` is all the sender needs.
    row = Outbox(contact_id=contact_id, channel="api", purpose=RECORDING_PURPOSE, ref=sid,
                 body="", dedupe_key=f"{RECORDING_PURPOSE}:{sid}")
    session.add(row)
    return row


def _after(runtime: Runtime, phone: str | None, cancelled: list[int], queued: list[int],
           recordings: list[str]) -> None:
    """Once committed: drop their jobs and spooled items from Redis, queue the deletions."""
    try:
        forget_in_redis(runtime, phone, cancelled, recordings)
    except redis.RedisError:
        log.warning("could not clean Redis after an erasure; the jobs will find nothing to do")
    outbox.queue(runtime, [(row_id, None) for row_id in queued])


def forget_in_redis(runtime: Runtime, phone: str | None, outbox_ids: list[int],
                    recordings: list[str] = ()) -> None:
    """Remove queued jobs for these outbox rows, and spooled items of this number or of
    these recordings (a transcript names only the recording)."""
    wanted = set(outbox_ids)
    for job in runtime.queue.get_jobs():
        # Jobs carry one id or a batch; a batch that also carries other people's rows stays
        # (it skips the cancelled ones).
        ids = set(job.args) if job.func_name.endswith("send_outbound") else set()
        if ids and ids <= wanted:
            job.delete()
    if phone:
        spool.forget(runtime, phone, recordings)


def request(session: Session, contact: Contact, now: datetime, channel: str = "sms") -> None:
    """The person asked to be deleted: remember it until they confirm."""
    found = session.scalars(select(ErasureRequest).where(
        ErasureRequest.contact_id == contact.id)).first()
    found = found or ErasureRequest(contact_id=contact.id)
    found.asked_at, found.confirmed_at, found.channel = now, None, channel
    session.add(found)


def confirm(runtime: Runtime, session: Session, contact: Contact, now: datetime,
            channel: str = "sms") -> None:
    """Confirmed: stop everything now; a worker erases once this reply has been recorded."""
    request(session, contact, now, channel)
    session.flush()
    session.execute(update(ErasureRequest).where(ErasureRequest.contact_id == contact.id)
                    .values(confirmed_at=now))
    stopping.opt_out(session, contact, now)
    contact_id = contact.id
    after_commit(session, lambda: runtime.enqueue(erase_job, contact_id))


def erase_job(contact_id: int) -> str:
    """RQ job: erase a person who confirmed (their reply is already committed by now)."""
    return erase_by_id(process.current(), contact_id)


def erase_by_id(runtime: Runtime, contact_id: int) -> str:
    with runtime.store.transaction() as session:
        contact = session.get(Contact, contact_id, with_for_update=True)
        if contact is None or contact.source == ERASED:
            return "nothing to erase"
        erase(session, contact, runtime)
    return "erased"
