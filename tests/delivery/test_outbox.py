"""Outbox rows are written in the transaction; their ids are queued only after commit."""
from __future__ import annotations

import pytest
from rq import Queue

from brewline.delivery import outbox
from brewline.people import contacts
from tests.conftest import PHONE


def queued_args(runtime) -> list[tuple]:
    return [job.args for job in Queue("brewline", connection=runtime.redis).jobs]


def test_a_row_is_queued_by_id_only_once_its_transaction_commits(runtime):
    with runtime.store.transaction() as session:
        contact = contacts.find_or_create(session, PHONE)
        row = outbox.add(runtime, session, contact.id, "Hello", "test")
        assert queued_args(runtime) == []
    assert queued_args(runtime) == [(row.id,)]


def test_a_rolled_back_row_is_never_queued(runtime):
    with pytest.raises(RuntimeError):
        with runtime.store.transaction() as session:
            contact = contacts.find_or_create(session, PHONE)
            outbox.add(runtime, session, contact.id, "Hello", "test")
            raise RuntimeError("the change failed")
    assert queued_args(runtime) == []


def test_jobs_never_carry_phone_numbers_or_text(runtime):
    with runtime.store.transaction() as session:
        contact = contacts.find_or_create(session, PHONE)
        outbox.add(runtime, session, contact.id, "A private message", "test")
    [job] = Queue("brewline", connection=runtime.redis).jobs
    assert PHONE not in repr(job.args) + repr(job.kwargs)
    assert "private" not in repr(job.args) + repr(job.kwargs)
