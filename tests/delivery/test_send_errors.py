"""Every class of Twilio error, as the fake Twilio answers it, handled as issue 4 says."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest

from brewline.delivery.backoff import MAX_TRIES, retry_delay
from brewline.delivery.sending import deliver
from brewline.platform.database import utcnow
from tests.delivery.outbox_rows import a_contact, a_text, contact, row


def later(seconds: float = 400):
    return utcnow() + timedelta(seconds=seconds)


@pytest.mark.parametrize("status,code", [(429, 20429), (503, 20500), (500, 0)])
def test_rate_limits_and_server_errors_are_retried_later_then_sent(sender, fake, status, code):
    row_id = a_text(sender, a_contact(sender))
    fake.fail_next(status=status, code=code)

    assert deliver(sender, row_id) == "retry"
    waiting = row(sender, row_id)
    assert waiting.status == "pending" and waiting.not_before > utcnow()
    assert deliver(sender, row_id, now=later()) == "sent"
    assert len(fake.messages) == 1 and row(sender, row_id).attempts == 2


def test_retry_after_from_twilio_is_honoured(sender, fake):
    row_id = a_text(sender, a_contact(sender))
    fake.fail_next(status=429, code=20429, retry_after=120)
    before = utcnow()

    deliver(sender, row_id)

    assert row(sender, row_id).not_before >= before + timedelta(seconds=120)


def test_a_row_gives_up_after_five_tries_and_keeps_the_reason(sender, fake):
    row_id = a_text(sender, a_contact(sender))
    fake.fail_next(status=503, code=20500, times=MAX_TRIES)
    outcomes = [deliver(sender, row_id, now=later(400 * n)) for n in range(MAX_TRIES + 1)]

    assert outcomes == ["retry"] * (MAX_TRIES - 1) + ["failed", "skipped"]
    failed = row(sender, row_id)
    assert failed.attempts == MAX_TRIES and "gave up after 5 tries" in failed.error
    assert fake.messages == []


def test_twilio_saying_the_person_opted_out_marks_them_and_cancels_their_other_texts(sender, fake):
    person = a_contact(sender)
    first, second = a_text(sender, person), a_text(sender, person, body="Reminder")
    fake.fail_next(status=400, code=21610, message="Attempt to send to unsubscribed recipient")

    assert deliver(sender, first) == "opted out"
    assert contact(sender, person).opted_out_at is not None
    assert row(sender, first).status == "failed"
    assert row(sender, second).status == "cancelled"
    assert deliver(sender, second) == "skipped" and fake.messages == []


@pytest.mark.parametrize("code", [21211, 21614, 30006])
def test_a_number_that_cannot_receive_texts_is_marked_and_not_tried_again(sender, fake, code):
    person = a_contact(sender)
    first, second = a_text(sender, person), a_text(sender, person)
    fake.fail_next(status=400, code=code, message="Invalid 'To' Phone Number")

    assert deliver(sender, first) == "cannot receive"
    assert contact(sender, person).cannot_text is True
    assert row(sender, second).status == "cancelled"
    assert fake.messages == []


def test_any_other_rejection_fails_the_row_with_the_reason_kept(sender, fake):
    row_id = a_text(sender, a_contact(sender))
    fake.fail_next(status=400, code=21617, message="The concatenated message body is too long")

    assert deliver(sender, row_id) == "failed"
    failed = row(sender, row_id)
    assert failed.status == "failed" and "21617" in failed.error
    assert deliver(sender, row_id) == "skipped"


def test_an_unreachable_twilio_is_retried_because_nothing_was_sent(sender, fake):
    row_id = a_text(sender, a_contact(sender))
    fake.stop()

    assert deliver(sender, row_id) == "retry"
    assert row(sender, row_id).status == "pending"


def test_backoff_grows_and_never_undercuts_retry_after():
    rand = random.Random(4)
    delays = [retry_delay(n, rand=rand) for n in range(1, 6)]

    assert all(1 <= d <= 2 for d in delays[:1]) and 8 <= delays[4] <= 32
    assert retry_delay(1, retry_after=90, rand=rand) == 90
