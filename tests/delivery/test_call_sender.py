"""The outbound call sender, through the real twilio client against the local fake."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from brewline.calls import calls
from brewline.delivery import claiming
from brewline.delivery.models import Outbox
from brewline.delivery.sending import deliver
from brewline.people.models import Contact
from tests.conftest import PHONE, PUBLIC_URL, using_fake


@pytest.fixture
def settings(settings, fake):
    return using_fake(settings, fake)


def queued_call(runtime, when=None, **contact) -> int:
    from datetime import datetime, timezone

    with runtime.store.transaction() as session:
        person = Contact(phone=PHONE, **contact)
        session.add(person)
        session.flush()
        row = calls.queue_call(runtime, session, person, when or datetime.now(timezone.utc))
        return row.id


def test_a_queued_call_rings_the_person_with_status_callbacks_and_machine_detection(
        runtime, fake):
    row_id = queued_call(runtime)
    assert deliver(runtime, row_id) == "sent"
    [placed] = fake.calls
    assert placed["To"] == PHONE and placed["From"] == "+447700900000"
    assert placed["Url"] == f"{PUBLIC_URL}/twilio/voice"
    assert placed["StatusCallback"] == f"{PUBLIC_URL}/twilio/call-status"
    assert placed["MachineDetection"] == "DetectMessageEnd"
    assert set(placed["StatusCallbackEvent"]) >= {"answered", "completed"}
    with runtime.store.transaction() as session:
        row = session.get(Outbox, row_id)
    assert (row.status, row.sid) == ("sent", placed["sid"])


@pytest.mark.parametrize("purpose, path", [
    ("call_me", "/twilio/voice"), ("invite_call", "/twilio/voice/invite?outbox={id}"),
    ("reminder_call", "/twilio/voice/reminder?outbox={id}"),
    ("event_cancelled_call", "/twilio/voice/cancelled?outbox={id}"),
])
def test_every_call_we_place_waits_for_a_voicemail_beep_before_speaking(runtime, fake, purpose,
                                                                        path, monkeypatch):
    from brewline.delivery import outbox, sending

    # Only the placing is under test here, not whether an invite or reminder is still wanted.
    monkeypatch.setattr(claiming, "STILL_WANTED", {})
    with runtime.store.transaction() as session:
        person = Contact(phone=PHONE)
        session.add(person)
        session.flush()
        row = outbox.add(runtime, session, person.id, "", purpose, channel="call")
    assert deliver(runtime, row.id) == "sent"
    [placed] = fake.calls
    # Told at pick-up ("Enable"), our message would start over the greeting and be cut off.
    assert placed["MachineDetection"] == "DetectMessageEnd"
    assert placed["Url"] == PUBLIC_URL + path.format(id=row.id)


def test_a_duplicated_job_rings_only_once(runtime, fake):
    row_id = queued_call(runtime)
    assert deliver(runtime, row_id) == "sent"
    assert deliver(runtime, row_id) == "skipped"
    assert len(fake.calls) == 1


def test_a_call_asked_for_at_night_waits_until_nine(runtime, fake):
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    runtime.settings = runtime.settings.with_(quiet_hours=(time(20, 0), time(9, 0)))
    night = datetime(2026, 11, 25, 23, 0, tzinfo=ZoneInfo("Europe/London"))
    row_id = queued_call(runtime, when=night)
    assert deliver(runtime, row_id, now=night) == "early"
    assert fake.calls == []
    nine = datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Europe/London"))
    assert deliver(runtime, row_id, now=nine) == "sent"
    assert len(fake.calls) == 1


def test_nobody_who_opted_out_is_rung(runtime, fake):
    from datetime import datetime, timezone

    row_id = queued_call(runtime, opted_out_at=datetime.now(timezone.utc))
    assert deliver(runtime, row_id) == "cancelled"
    assert fake.calls == []
    with runtime.store.transaction() as session:
        assert session.scalars(select(Outbox.status)).one() == "cancelled"
