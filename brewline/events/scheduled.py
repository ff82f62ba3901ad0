"""Invites an organiser scheduled for later: refused at once if they could never go, sent by
an RQ job at that time, and whatever happened kept on a row (ScheduledInvites), so a send
that fails shows on the event's page and on Needs a look, not only in a log."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from brewline.events import events, invitations
from brewline.events.models import Event, Invite, ScheduledInvites
from brewline.platform import runtime as process
from brewline.platform.database import after_commit, lock
from brewline.platform.runtime import Runtime

log = logging.getLogger("brewline.invites")
# A send still waiting this long after its time has not gone: the worker may be stopped.
OVERDUE = timedelta(minutes=10)
RACED = ("Another send of invites for this event ran at the same moment, so this one "
         "stopped. Check the event's page to see who was invited.")


def schedule(runtime: Runtime, session: Session, event: Event, tag: str | None,
             send_at: datetime, now: datetime) -> ScheduledInvites:
    """Keep the request and queue its job for `send_at` once this transaction commits;
    EventProblem, in plain words, if these invites could never go."""
    if not events.is_open(event, now):
        raise events.EventProblem("The event is cancelled or has started, so no invites "
                                  "can go.")
    if send_at <= now:
        raise events.EventProblem("That time has passed. Choose a time still to come.")
    if send_at >= event.starts_at:
        raise events.EventProblem("That is after the event starts. Choose an earlier time.")
    found = invitations.check(runtime, event)
    if found.errors:
        raise events.EventProblem(found.refusal())
    row = ScheduledInvites(event_id=event.id, tag=tag, send_at=send_at, created_at=now)
    session.add(row)
    session.flush()
    row_id = row.id
    after_commit(session, lambda: runtime.queue.enqueue_at(send_at, send_invites, row_id))
    return row


def send_invites(scheduled_id: int) -> int:
    """RQ job: send the scheduled invites now (as `brewline invites send`), and keep how it went."""
    runtime, now = process.current(), datetime.now(timezone.utc)
    try:
        return _send(runtime, scheduled_id, now)
    except IntegrityError:
        return _failed(runtime, scheduled_id, RACED, now)
    except ValueError as exc:
        return _failed(runtime, scheduled_id, str(exc), now)


def _send(runtime: Runtime, scheduled_id: int, now: datetime) -> int:
    with runtime.store.transaction() as db:
        row = lock(db, ScheduledInvites, scheduled_id)
        if row is None or row.status != "waiting":
            return 0  # cancelled, or a duplicated job
        event = lock(db, Event, row.event_id)
        sent = invitations.send(runtime, db, invitations.plan(runtime, db, event, row.tag), now)
        row.status, row.sent, row.done_at = "sent", sent, now
        return sent


def _failed(runtime: Runtime, scheduled_id: int, problem: str, now: datetime) -> int:
    log.warning("scheduled invites %s not sent: %s", scheduled_id, problem)
    with runtime.store.transaction() as db:
        row = lock(db, ScheduledInvites, scheduled_id)
        if row is not None and row.status == "waiting":
            row.status, row.problem, row.done_at = "failed", problem[:1000], now
    return 0


def cancel(session: Session, event_id: int, scheduled_id: int, now: datetime) -> bool:
    """Stop a waiting send (its job finds it cancelled); False if it was not waiting."""
    row = lock(session, ScheduledInvites, scheduled_id)
    if row is None or row.event_id != event_id or row.status != "waiting":
        return False
    row.status, row.done_at, row.problem = "cancelled", now, "Cancelled by an organiser."
    return True


def of_event(session: Session, event_id: int) -> list[ScheduledInvites]:
    """Every scheduled send for an event, soonest first."""
    return list(session.scalars(select(ScheduledInvites).where(
        ScheduledInvites.event_id == event_id).order_by(ScheduledInvites.send_at,
                                                        ScheduledInvites.id)))


def is_overdue(row: ScheduledInvites, now: datetime) -> bool:
    return row.status == "waiting" and row.send_at < now - OVERDUE


def _needing_a_look(now: datetime, since: datetime):
    """Sends that did not go (or are long overdue) for events still to come, with no
    invites written for the event since: once the organiser sends them, it is settled."""
    later = exists().where(Invite.event_id == ScheduledInvites.event_id,
                           Invite.created_at >= ScheduledInvites.send_at)
    return and_(or_(and_(ScheduledInvites.status == "failed", ScheduledInvites.done_at >= since),
                    and_(ScheduledInvites.status == "waiting",
                         ScheduledInvites.send_at < now - OVERDUE)),
                Event.status == "planned", Event.starts_at > now, ~later)


def needing_a_look(session: Session, now: datetime, since: datetime,
                   limit: int = 100) -> list[tuple[ScheduledInvites, Event]]:
    """For Needs a look: scheduled invites that did not go, newest first."""
    return list(session.execute(
        select(ScheduledInvites, Event).join(Event, Event.id == ScheduledInvites.event_id)
        .where(_needing_a_look(now, since)).order_by(ScheduledInvites.send_at.desc())
        .limit(limit)).all())


def count_needing_a_look(session: Session, now: datetime, since: datetime) -> int:
    return session.scalar(select(func.count(ScheduledInvites.id))
                          .join(Event, Event.id == ScheduledInvites.event_id)
                          .where(_needing_a_look(now, since)))
