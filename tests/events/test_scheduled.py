"""Invites scheduled for later: refused at once if they could never go, and whatever the job
finds at that time kept on its row, never only in a log."""
from __future__ import annotations

from datetime import timedelta

import pytest
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from brewline.delivery.models import Outbox
from brewline.events import events, invitations, scheduled
from brewline.events.models import Event, Invite, ScheduledInvites
from brewline.platform.database import utcnow
from tests.events.fixtures import add_contact, add_event, count, get, registered, settings  # noqa: F401
from workers import context

IN_AN_HOUR = timedelta(hours=1)


@pytest.fixture
def worker(runtime, registered):
    """Jobs run in this process against the test runtime, as the worker runs them."""
    context.use(runtime)
    yield runtime
    context.use(None)


def schedule(runtime, event_id: int, at=None, tag: str | None = None) -> int:
    with runtime.store.transaction() as db:
        found = db.get(Event, event_id)
        return scheduled.schedule(runtime, db, found, tag, at or utcnow() + IN_AN_HOUR,
                                  utcnow()).id


def run_the_job(runtime) -> int:
    """What the worker does at the scheduled time: the queued job, with its own arguments."""
    [job_id] = ScheduledJobRegistry(queue=runtime.queue).get_job_ids()
    job = runtime.queue.fetch_job(job_id)
    return job.func(*job.args)


def test_the_job_carries_only_the_rows_id_and_keeps_how_many_went(worker):
    add_contact(worker, "+447700900101")
    row_id = schedule(worker, add_event(worker))
    [job_id] = ScheduledJobRegistry(queue=worker.queue).get_job_ids()
    assert worker.queue.fetch_job(job_id).args == (row_id,)

    assert run_the_job(worker) == 1

    row = get(worker, ScheduledInvites, row_id)
    assert (row.status, row.sent, row.problem) == ("sent", 1, None)
    assert count(worker, Invite) == 1


def test_a_send_that_cannot_go_at_its_time_keeps_the_reason_in_plain_words(worker):
    add_contact(worker, "+447700900101")
    event_id = add_event(worker)
    row_id = schedule(worker, event_id)
    with worker.store.transaction() as db:  # changed since, by a route that skipped the checks
        db.get(Event, event_id).title = "Tea \U0001F375 and talk"

    assert run_the_job(worker) == 0

    row = get(worker, ScheduledInvites, row_id)
    assert row.status == "failed"
    assert row.problem.startswith(
        "The invite needs changing first. Take out \u201c\U0001F375\u201d")
    assert count(worker, Outbox) == 0


def test_a_cancelled_send_and_a_duplicated_job_send_nothing(worker):
    add_contact(worker, "+447700900101")
    event_id = add_event(worker)
    row_id = schedule(worker, event_id)
    with worker.store.transaction() as db:
        assert scheduled.cancel(db, event_id, row_id, utcnow())
        assert not scheduled.cancel(db, event_id, row_id, utcnow())

    assert run_the_job(worker) == 0
    assert get(worker, ScheduledInvites, row_id).status == "cancelled"
    assert count(worker, Outbox) == 0


def test_cancelling_the_event_cancels_its_waiting_sends(worker):
    event_id = add_event(worker)
    row_id = schedule(worker, event_id)
    with worker.store.transaction() as db:
        events.cancel(worker, db, db.get(Event, event_id), utcnow())

    assert run_the_job(worker) == 0
    row = get(worker, ScheduledInvites, row_id)
    assert (row.status, row.problem) == ("cancelled", "The event was cancelled.")


@pytest.mark.parametrize("when, why", [
    (-timedelta(minutes=1), "That time has passed."),
    (timedelta(days=8), "That is after the event starts."),
])
def test_a_time_that_could_never_work_is_refused_at_once(runtime, when, why):
    event_id = add_event(runtime, days=7)
    with pytest.raises(events.EventProblem, match=why):
        schedule(runtime, event_id, at=utcnow() + when)
    assert count(runtime, ScheduledInvites) == 0
    assert ScheduledJobRegistry(queue=runtime.queue).get_job_ids() == []


def test_an_invite_with_errors_cannot_be_scheduled(runtime):
    event_id = add_event(runtime, details="Lots of words here. " * 12)
    with pytest.raises(events.EventProblem, match="Make it shorter by about"):
        schedule(runtime, event_id)
    assert count(runtime, ScheduledInvites) == 0


def test_a_failed_or_long_overdue_send_needs_a_look_until_invites_go(worker):
    add_contact(worker, "+447700900101")
    now = utcnow()
    failed, late, fine = (add_event(worker, title=t) for t in ("Failed", "Late", "Fine"))
    with worker.store.transaction() as db:
        db.add_all([
            ScheduledInvites(event_id=failed, send_at=now - IN_AN_HOUR, status="failed",
                             problem="The invite needs changing first.", done_at=now),
            ScheduledInvites(event_id=late, send_at=now - scheduled.OVERDUE * 2),
            ScheduledInvites(event_id=fine, send_at=now - scheduled.OVERDUE / 2)])

    def shown() -> list[str]:
        with worker.store.transaction() as db:
            return sorted(e.title for _s, e in scheduled.needing_a_look(db, now, now - IN_AN_HOUR))

    assert shown() == ["Failed", "Late"]
    with worker.store.transaction() as db:
        assert scheduled.count_needing_a_look(db, now, now - IN_AN_HOUR) == 2
        found = db.get(Event, failed)
        invitations.send(worker, db, invitations.plan(worker, db, found, None), now)
    assert shown() == ["Late"]
    with worker.store.transaction() as db:
        assert db.scalars(select(Invite.event_id)).all() == [failed]
