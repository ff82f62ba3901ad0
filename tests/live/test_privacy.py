"""Who was in a live call is personal data: erasure removes it, retention forgets it, and
no phone number reaches a log line, a queued job or the live page."""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select, update

from brewline.live.models import LiveCaller, LiveSession
from brewline.people.models import Contact
from brewline.platform.database import utcnow
from brewline.privacy import erasure, retention
from tests.calls.phone import PhoneCall, count
from tests.conftest import PHONE


def _in_room(call: PhoneCall, room) -> None:
    call.ring()
    call.press("1")
    room.join(call)
    call.post(call.last.first("Dial").get("action"), DialCallStatus="completed")
    call.press("1")


def test_erasing_a_person_removes_them_from_every_live_call(call, twilio, room, runtime):
    _in_room(call, room)
    _in_room(PhoneCall(twilio, caller="+447700900456"), room)
    with runtime.store.transaction() as session:
        contact_id = session.scalar(select(Contact.id).where(Contact.phone == PHONE))
    erasure.erase_by_id(runtime, contact_id)
    assert count(runtime, LiveCaller, LiveCaller.contact_id == contact_id) == 0
    assert count(runtime, LiveCaller) == 1


def test_retention_forgets_who_was_in_calls_over_long_ago_and_keeps_recent_ones(
        call, room, runtime):
    _in_room(call, room)
    long_ago = utcnow() - timedelta(days=runtime.settings.retention_days + 1)
    retention.sweep_retention(runtime)
    assert count(runtime, LiveCaller) == 1
    with runtime.store.transaction() as session:
        session.execute(update(LiveSession).values(ended_at=long_ago, status="ended"))
    retention.sweep_retention(runtime)
    assert count(runtime, LiveCaller) == 0


def test_no_phone_number_reaches_a_log_line_or_a_queued_job(call, room, runtime, caplog):
    caplog.set_level(logging.DEBUG)
    _in_room(call, room)
    room.tell("conference-end")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert PHONE not in logged and PHONE[-9:] not in logged
    assert all(PHONE not in repr(job.args) for job in runtime.queue.get_jobs())
