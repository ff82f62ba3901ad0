"""No due row waits for its "queued" marker: early jobs, lost jobs, dead workers (#12)."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

from rq import SimpleWorker

from brewline.delivery import leases, outbox
from brewline.delivery.claiming import EARLY_TOLERANCE, claim_due
from brewline.delivery.sending import deliver
from brewline.delivery.sweeper import enqueue_pending, settle_stale
from brewline.platform.database import utcnow
from tests.delivery.outbox_rows import a_contact, a_text, row


def marker(runtime, row_id: int) -> str | None:
    job = runtime.redis.get(outbox.QUEUED_KEY.format(row_id))
    return job.decode() if job else None


def test_a_job_that_runs_a_moment_before_its_row_is_due_sends_it(sender, fake):
    due = utcnow() + timedelta(seconds=30, microseconds=930_000)
    row_id = a_text(sender, a_contact(sender), not_before=due)

    # RQ keeps the job's time in whole seconds, so it runs up to a second early.
    assert deliver(sender, row_id, now=due - timedelta(seconds=0.93)) == "sent"
    assert len(fake.messages) == 1


def test_a_job_that_runs_well_before_its_row_is_due_gives_it_a_job_for_its_own_time(sender, fake):
    due = utcnow() + timedelta(minutes=10)
    row_id = a_text(sender, a_contact(sender), not_before=due)
    sender.redis.flushdb()  # its own job is lost: only the early one runs

    assert deliver(sender, row_id, now=due - EARLY_TOLERANCE * 3) == "early"
    scheduled = sender.queue.scheduled_job_registry
    assert scheduled.get_job_ids() == [marker(sender, row_id)]
    assert scheduled.get_scheduled_time(marker(sender, row_id)) == due.replace(microsecond=0)
    assert fake.messages == []


def test_a_due_row_whose_job_is_queued_or_scheduled_is_left_alone(sender):
    queued = a_text(sender, a_contact(sender))
    scheduled = a_text(sender, a_contact(sender), not_before=utcnow() + timedelta(seconds=1))

    assert outbox.unqueued(sender, [queued, scheduled]) == []
    assert enqueue_pending(sender, now=utcnow() + timedelta(seconds=2)) == 0


def test_a_due_row_whose_job_a_worker_took_and_dropped_is_queued_again_at_once(sender):
    row_id = a_text(sender, a_contact(sender))
    sender.queue.empty()  # a worker took the job and died with it: the marker is still there

    assert marker(sender, row_id) is not None
    assert outbox.unqueued(sender, [row_id]) == [row_id]
    assert enqueue_pending(sender) == 1 and outbox.unqueued(sender, [row_id]) == []


def test_a_scheduled_job_long_overdue_counts_as_lost(sender):
    due = utcnow() - timedelta(seconds=outbox.SCHEDULER_GRACE_SECONDS + 5)
    row_id = a_text(sender, a_contact(sender))
    sender.queue.empty()
    sender.queue.enqueue_at(due, "brewline.delivery.sending.send_outbound", row_id, job_id="late")
    sender.redis.set(outbox.QUEUED_KEY.format(row_id), "late")  # no scheduler moved it on

    assert outbox.unqueued(sender, [row_id]) == [row_id]


def test_a_running_job_covers_the_rest_of_its_batch_only_while_it_is_alive(sender):
    row_id = a_text(sender, a_contact(sender))
    job = marker(sender, row_id)
    sender.queue.empty()  # a worker has taken the job

    with leases.keep_alive(sender, job, [row_id]):
        assert outbox.unqueued(sender, [row_id]) == []
        assert sender.redis.ttl(leases.ALIVE_KEY.format(job)) <= leases.ALIVE_SECONDS
    assert outbox.unqueued(sender, [row_id]) == [row_id]
    assert not sender.redis.exists(leases.ALIVE_KEY.format(job))


def test_a_claim_is_trusted_for_its_lease_and_renewed_while_its_worker_lives(sender, fake):
    row_id = a_text(sender, a_contact(sender))
    start = utcnow()
    claim_due(sender, [row_id], start)
    lease = leases.lease(sender)

    assert settle_stale(sender, now=start + lease - timedelta(seconds=1)) == {}
    assert leases.renew(sender, [row_id], now=start + lease) == 1
    assert settle_stale(sender, now=start + lease + timedelta(seconds=1)) == {}
    assert settle_stale(sender, now=start + 2 * lease + timedelta(seconds=1)) == {"released": 1}
    assert lease <= timedelta(seconds=30)


def test_a_send_job_run_by_rq_sends_its_batch_and_leaves_no_alive_key(sender, fake):
    ids = [a_text(sender, a_contact(sender), body=f"text {n}") for n in range(3)]

    SimpleWorker([sender.queue], connection=sender.redis).work(burst=True)

    assert sorted(m["Body"] for m in fake.messages) == ["text 0", "text 1", "text 2"]
    assert {row(sender, i).status for i in ids} == {"sent"}
    assert sender.redis.keys(leases.ALIVE_KEY.format("*")) == []


def test_a_send_job_run_by_rq_is_marked_alive_under_its_own_id_while_it_sends(sender, fake):
    row_id = a_text(sender, a_contact(sender))
    job = marker(sender, row_id)
    fake.delay = 0.5  # Twilio is slow, so the job is seen running
    seen: list[bytes] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set() and not seen:
            seen.extend(sender.redis.keys(leases.ALIVE_KEY.format("*")))
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    SimpleWorker([sender.queue], connection=sender.redis).work(burst=True)
    stop.set()
    watcher.join()

    assert seen == [leases.ALIVE_KEY.format(job).encode()]
    assert row(sender, row_id).status == "sent"
