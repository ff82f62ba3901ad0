"""Every class of Twilio error, as the fake Twilio answers it, handled as issue 4 says."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
import requests

from brewline.delivery.backoff import CAP_SECONDS, RETRY_MINUTES, retry_delay
from brewline.delivery.explained import still_trying, what_happened
from brewline.delivery.claiming import claim_due
from brewline.delivery.failures import after_error
from brewline.delivery.sending import deliver
from brewline.delivery.sweeper import LEASE, settle_stale
from brewline.delivery.twilio_rest import TransientError
from brewline.platform.database import utcnow
from brewline.platform.runtime import Runtime
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


def test_a_row_keeps_trying_for_two_hours_then_gives_up_and_says_so_plainly(sender, fake):
    row_id = a_text(sender, a_contact(sender))
    fake.fail_all(status=503, code=20500)
    start = utcnow()
    tries = [deliver(sender, row_id, now=start + timedelta(minutes=m)) for m in (0, 30, 60, 119)]
    waiting = row(sender, row_id)

    assert tries == ["retry"] * 4 and RETRY_MINUTES == 120
    assert still_trying(waiting.status, waiting.error) == (
        "Not sent yet. Twilio is having a fault on its side, so we are trying again every "
        "minute or so.")
    assert deliver(sender, row_id, now=start + timedelta(minutes=120)) == "failed"
    failed = row(sender, row_id)
    assert failed.attempts == 5 and failed.error.startswith("gave up after 5 tries in 120 minutes")
    assert what_happened(failed.status, None, failed.error) == (
        "Twilio kept having a fault on its side for 2 hours, so we stopped trying. "
        "It was not sent.")
    assert fake.messages == []


def test_how_long_rows_are_tried_is_a_setting(sender, fake):
    brief = Runtime(sender.settings.with_(extra={"BREWLINE_SEND_RETRY_MINUTES": "10"}))
    try:
        row_id = a_text(brief, a_contact(brief))
        fake.fail_all(status=429, code=20429)
        assert deliver(brief, row_id) == "retry"
        assert deliver(brief, row_id, now=utcnow() + timedelta(minutes=10, seconds=5)) == "failed"
    finally:
        brief.close()
    assert "Twilio kept asking us to slow down for 10 minutes" in what_happened(
        "failed", None, row(sender, row_id).error)


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
    assert retry_delay(1, retry_after=90, rand=rand) >= 90


def test_backoff_is_capped_so_a_row_is_tried_again_within_a_minute_however_long_it_failed():
    rand = random.Random(7)
    delays = [retry_delay(n, rand=rand) for n in range(1, 400)]

    assert max(delays) <= CAP_SECONDS < 60 and min(delays[10:]) >= CAP_SECONDS / 2


def test_replies_lost_again_and_again_are_looked_up_each_time_then_given_up_after_two_hours(
        sender, fake):
    row_id = a_text(sender, a_contact(sender))
    start, outcomes = utcnow(), []
    for minutes in (0, 60, 121):
        claim = claim_due(sender, [row_id], start + timedelta(minutes=minutes))[row_id]
        lost = TransientError(None, "could not reach twilio (ReadTimeout)")
        lost.__cause__ = requests.ReadTimeout()  # sent, and no answer came: did it go?
        assert after_error(sender, claim, lost) == "unknown"
        outcomes.append(settle_stale(sender, now=claim.claimed_at + LEASE + timedelta(seconds=1)))

    assert outcomes == [{"released": 1}, {"released": 1}, {"failed": 1}]
    failed = row(sender, row_id)
    assert what_happened(failed.status, None, failed.error) == (
        "We could not reach Twilio for 2 hours and 2 minutes, so we stopped trying. "
        "It was not sent.")
    assert fake.messages == []
