"""A row an organiser tries again (brewline/organiser/needs_a_look/rows.py) goes through the worker like any other."""
from __future__ import annotations

from datetime import timedelta

import pytest

from brewline.delivery import claiming
from brewline.delivery.sending import deliver
from brewline.delivery.sweeper import LEASE, settle_stale
from brewline.organiser.needs_a_look import rows
from brewline.people.models import Contact
from brewline.platform.database import utcnow
from tests.delivery.outbox_rows import a_contact, a_text, row


def _try_again(runtime, row_id: int) -> int:
    with runtime.store.transaction() as session:
        return rows.try_again(runtime, session, row_id, utcnow()).id


def _failed_text(sender, fake) -> int:
    row_id = a_text(sender, a_contact(sender))
    fake.fail_next(status=400, code=21408, message="Permission to send an SMS is not enabled")
    assert deliver(sender, row_id) == "failed"
    return row_id


def test_a_failed_text_tried_again_is_sent_once_however_many_jobs_run(sender, fake):
    again = _try_again(sender, _failed_text(sender, fake))

    assert [deliver(sender, again) for _ in range(3)] == ["sent", "skipped", "skipped"]
    assert [m["Body"] for m in fake.messages] == ["Fancy a brew?"]


def test_someone_who_opts_out_after_the_try_again_gets_nothing(sender, fake):
    again = _try_again(sender, _failed_text(sender, fake))
    with sender.store.transaction() as session:
        session.get(Contact, row(sender, again).contact_id).opted_out_at = utcnow()

    assert deliver(sender, again) == "cancelled" and fake.messages == []


def test_a_call_the_sweeper_gave_up_on_is_rung_once_more_only_when_asked(sender, fake):
    person = a_contact(sender)
    call = a_text(sender, person, body="", channel="call")
    claiming.claim_due(sender, [call], utcnow())  # the worker dies around the API call
    assert settle_stale(sender, now=utcnow() + LEASE + timedelta(seconds=1)) == {"unknown": 1}
    assert deliver(sender, call) == "skipped" and fake.calls == []

    again = _try_again(sender, call)

    assert deliver(sender, again) == "sent" and len(fake.calls) == 1
    with pytest.raises(rows.CannotTryAgain, match="tried again already"):
        _try_again(sender, call)
    assert row(sender, call).status == "unknown"
