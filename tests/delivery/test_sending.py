"""Sending outbox rows through the real twilio client against the fake Twilio."""
from __future__ import annotations

from datetime import timedelta
from threading import Thread

from brewline.delivery import claiming, sending
from brewline.delivery.models import Message
from brewline.delivery.sending import deliver
from brewline.delivery.sweeper import LEASE, enqueue_pending, settle_stale
from brewline.platform.database import utcnow
from tests.delivery.outbox_rows import a_contact, a_text, contact, row


def test_a_due_row_is_sent_once_with_its_sid_and_kept_as_a_message(sender, fake):
    row_id = a_text(sender, a_contact(sender))

    assert deliver(sender, row_id) == "sent"

    sent = row(sender, row_id)
    assert (sent.status, sent.sid, sent.attempts) == ("sent", fake.messages[0]["sid"], 1)
    assert fake.messages[0]["Body"] == "Fancy a brew?"
    assert fake.messages[0]["StatusCallback"].endswith(f"/twilio/message-status?outbox={row_id}")
    with sender.store.transaction() as session:
        assert session.query(Message).filter_by(sid=sent.sid, direction="out").count() == 1


def test_a_duplicated_job_sends_nothing_the_second_time(sender, fake):
    row_id = a_text(sender, a_contact(sender))

    outcomes = [deliver(sender, row_id), deliver(sender, row_id)]

    assert outcomes == ["sent", "skipped"]
    assert len(fake.messages) == 1


def test_many_racing_jobs_for_one_row_send_it_exactly_once(sender, fake):
    row_id = a_text(sender, a_contact(sender))
    outcomes = []
    threads = [Thread(target=lambda: outcomes.append(deliver(sender, row_id))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["sent"] + ["skipped"] * 7
    assert len(fake.messages) == 1


def test_a_person_who_opted_out_after_the_row_was_written_gets_nothing(sender, fake):
    person = a_contact(sender)
    row_id = a_text(sender, person)
    with sender.store.transaction() as session:
        from brewline.people.models import Contact
        session.get(Contact, person).opted_out_at = utcnow()

    assert deliver(sender, row_id) == "cancelled"
    assert fake.messages == []
    assert (row(sender, row_id).status, row(sender, row_id).error) == ("cancelled", "opted out")


def test_a_row_no_longer_wanted_by_its_purpose_is_cancelled_with_the_reason(sender, fake):
    claiming.STILL_WANTED["test"] = lambda session, r: "event cancelled"
    try:
        row_id = a_text(sender, a_contact(sender))
        assert deliver(sender, row_id) == "cancelled"
    finally:
        del claiming.STILL_WANTED["test"]
    assert row(sender, row_id).error == "event cancelled"
    assert fake.messages == []


def test_a_row_not_yet_due_is_left_pending(sender, fake):
    row_id = a_text(sender, a_contact(sender), not_before=utcnow() + timedelta(hours=1))

    assert deliver(sender, row_id) == "early"
    assert row(sender, row_id).status == "pending"
    assert fake.messages == []


def test_local_mode_marks_the_row_sent_without_calling_twilio(runtime, fake):
    row_id = a_text(runtime, a_contact(runtime))
    local = runtime.settings.with_(twilio_account_sid=None, twilio_auth_token=None)
    from brewline.platform.runtime import Runtime
    here = Runtime(local)
    try:
        assert deliver(here, row_id) == "sent"
    finally:
        here.close()
    assert row(runtime, row_id).sid == f"local-{row_id}"
    assert fake.requests == []


def test_a_row_stranded_in_sending_that_twilio_has_is_settled_as_sent_not_resent(sender, fake):
    row_id = a_text(sender, a_contact(sender))
    claim = claiming.claim_due(sender, [row_id], utcnow())[row_id]  # the worker dies after the API call
    sid = sending._send(sender, claim.row, claim.phone)

    counts = settle_stale(sender, now=utcnow() + LEASE + timedelta(seconds=1))

    assert counts == {"sent": 1}
    assert (row(sender, row_id).status, row(sender, row_id).sid) == ("sent", sid)
    assert len(fake.messages) == 1


def test_a_row_stranded_in_sending_that_twilio_never_got_is_sent_once_again(sender, fake):
    row_id = a_text(sender, a_contact(sender))
    claiming.claim_due(sender, [row_id], utcnow())[row_id]  # the worker dies before the API call

    assert settle_stale(sender, now=utcnow() + LEASE + timedelta(seconds=1)) == {"released": 1}
    assert deliver(sender, row_id) == "sent"
    assert len(fake.messages) == 1 and row(sender, row_id).attempts == 2


def test_a_row_still_within_its_lease_is_left_alone_by_the_sweeper(sender, fake):
    row_id = a_text(sender, a_contact(sender))
    claiming.claim_due(sender, [row_id], utcnow())[row_id]

    assert settle_stale(sender) == {}
    assert row(sender, row_id).status == "sending"


def test_the_sweeper_requeues_a_pending_row_whose_job_was_lost_but_not_a_queued_one(sender):
    queued = a_text(sender, a_contact(sender))
    lost = a_text(sender, a_contact(sender))
    sender.redis.flushdb()  # a Redis restart loses the queue and the markers together
    from brewline.delivery import outbox
    outbox.queue(sender, [(queued, None)])
    assert enqueue_pending(sender) == 1
    assert enqueue_pending(sender) == 0
    assert sorted(i for j in sender.queue.jobs for i in j.args) == sorted([queued, lost])


def test_an_rq_worker_sends_every_queued_row_once_in_batches(sender, fake):
    from rq import SimpleWorker

    ids = [a_text(sender, a_contact(sender), body=f"text {n}") for n in range(30)]
    ids.append(ids[0])  # a duplicated id in the queue
    from brewline.delivery import outbox
    outbox.queue(sender, [(i, None) for i in ids])

    SimpleWorker([sender.queue], connection=sender.redis).work(burst=True)

    assert sorted(m["Body"] for m in fake.messages) == sorted(f"text {n}" for n in range(30))
    assert {row(sender, i).status for i in ids} == {"sent"}


def test_a_call_stranded_in_sending_is_never_placed_again(sender, fake):
    person = a_contact(sender)
    with sender.store.transaction() as session:
        from brewline.delivery import outbox
        row_id = outbox.add(sender, session, person, "", "call", channel="call").id
    claiming.claim_due(sender, [row_id], utcnow())  # the worker dies around the API call

    assert settle_stale(sender, now=utcnow() + LEASE + timedelta(seconds=1)) == {"unknown": 1}
    assert row(sender, row_id).status == "unknown"
    assert deliver(sender, row_id) == "skipped" and fake.calls == []


def test_one_sweep_settles_requeues_and_reports(sender, fake):
    from brewline.delivery.sweeper import sweep_once

    row_id = a_text(sender, a_contact(sender))
    sender.redis.flushdb()

    settled, queued = sweep_once(sender)

    assert (settled, queued) == ({}, 1)
    assert [i for j in sender.queue.jobs for i in j.args] == [row_id]


def test_a_row_deferred_by_quiet_hours_is_scheduled_on_rq_for_the_morning(sender, night, fake):
    row_id = a_text(sender, a_contact(sender))
    assert deliver(night, row_id) == "deferred"
    registry = night.queue.scheduled_job_registry
    scheduled = [night.queue.fetch_job(j) for j in registry.get_job_ids()]
    assert [j.args for j in scheduled] == [(row_id,)]


def test_the_sweeper_finds_a_lost_row_behind_a_page_of_queued_ones(sender):
    from brewline.delivery import outbox

    ids = [a_text(sender, a_contact(sender)) for _ in range(5)]
    sender.redis.delete(outbox.QUEUED_KEY.format(ids[-1]))

    assert enqueue_pending(sender, page=2) == 1
