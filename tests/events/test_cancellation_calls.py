"""Cancellation calls through the outbox and the call sender, against the local fake Twilio API."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import update

from brewline.delivery.models import Outbox
from brewline.delivery.sending import deliver
from brewline.events import events, reminders
from brewline.events.models import Event
from brewline.people.models import Contact
from tests.conftest import PHONE, PUBLIC_URL
from tests.delivery.test_call_sender import settings  # noqa: F401  (shared fixture)
from tests.events.fixtures import add_contact, get, registered, rows  # noqa: F401
from tests.events.test_reminder_calls import (
    LONDON,
    NOW,
    at_due,
    coming,
    event_on,
    says,
    two_workers_deliver,
)


def cancel(runtime, event_id: int, now: datetime = NOW) -> int:
    """What `brewline events cancel EVENT` does, at `now`."""
    with runtime.store.transaction() as session:
        return events.cancel(runtime, session, session.get(Event, event_id), now)


def cancellation_calls(runtime, *where) -> list[Outbox]:
    return rows(runtime, Outbox.purpose == "event_cancelled_call", *where)


def test_a_cancellation_is_one_call_to_each_phone_only_person_coming(runtime, coming, fake):
    contact_id, event_id = coming
    assert cancel(runtime, event_id) == 1
    [row] = cancellation_calls(runtime)
    assert row.channel == "call"
    assert row.dedupe_key == f"event-cancelled-call:{event_id}:{contact_id}"
    assert row.body.startswith("Hello, this is Over a Brew. We are very sorry. We have had "
                               "to cancel The ethical use of AI. It was going to be on ")
    assert rows(runtime, Outbox.purpose == "event_cancelled") == []
    assert at_due(runtime, row) == "sent"
    assert [(c["To"], c["Url"]) for c in fake.calls] == [
        (PHONE, f"{PUBLIC_URL}/twilio/voice/cancelled?outbox={row.id}")]


def test_a_duplicated_job_places_a_cancellation_call_once(runtime, coming, fake):
    cancel(runtime, coming[1])
    [row] = cancellation_calls(runtime)
    assert at_due(runtime, row) == "sent"
    assert at_due(runtime, row) == "skipped"
    assert len(fake.calls) == 1 and get(runtime, Outbox, row.id).sid == fake.calls[0]["sid"]


def test_two_workers_racing_for_the_same_cancellation_calls_place_each_once(runtime, registered,
                                                                            fake):
    event_id = event_on(runtime, 7)
    for n in range(6):
        says(runtime, add_contact(runtime, f"+4477009001{n:02d}", phone_only=True), event_id,
             "maybe" if n % 2 else "yes")
    cancel(runtime, event_id)
    ids = [r.id for r in cancellation_calls(runtime)]
    outcomes = two_workers_deliver(runtime, ids)
    assert len(ids) == 6 and Counter(outcomes)["sent"] == 6
    assert sorted(Counter(c["Url"] for c in fake.calls).values()) == [1] * 6


def test_ringing_again_about_the_same_cancellation_writes_nothing_new(runtime, coming):
    contact_id, event_id = coming
    cancel(runtime, event_id)
    with runtime.store.transaction() as session:
        event = session.get(Event, event_id)
        assert events.ring_called_off(runtime, session, event, [contact_id], NOW) == 0
    assert len(cancellation_calls(runtime)) == 1


def test_a_cancellation_at_night_rings_at_nine_and_says_when_counted_from_then(runtime,
                                                                               registered, fake):
    runtime.settings = runtime.settings.with_(quiet_hours=(time(20, 0), time(9, 0)))
    contact_id = add_contact(runtime, PHONE, phone_only=True)
    event_id = event_on(runtime, 3)
    says(runtime, contact_id, event_id, "yes")
    starts = get(runtime, Event, event_id).starts_at.astimezone(LONDON)
    night = (starts - timedelta(days=1)).replace(hour=21, minute=30)
    cancel(runtime, event_id, now=night)
    [row] = cancellation_calls(runtime)
    assert row.not_before.astimezone(LONDON) == starts.replace(hour=9, minute=0)
    assert "It was going to be today," in row.body
    assert deliver(runtime, row.id, now=night) == "early" and fake.calls == []
    assert at_due(runtime, row) == "sent" and len(fake.calls) == 1


def test_no_call_is_written_when_the_first_civil_hour_is_after_the_start(runtime, registered):
    runtime.settings = runtime.settings.with_(quiet_hours=(time(20, 0), time(9, 0)))
    contact_id = add_contact(runtime, PHONE, phone_only=True)
    event_id = event_on(runtime, 3, at=time(8, 30))
    says(runtime, contact_id, event_id, "yes")
    starts = get(runtime, Event, event_id).starts_at.astimezone(LONDON)
    cancel(runtime, event_id, now=(starts - timedelta(days=1)).replace(hour=22))
    assert cancellation_calls(runtime) == []


@pytest.mark.parametrize("change, reason", [
    (lambda s, c, e: s.execute(update(Event).values(starts_at=NOW - timedelta(minutes=1))),
     "event not cancelled, or its time has passed"),
    (lambda s, c, e: s.execute(update(Contact).values(opted_out_at=NOW)), "opted out"),
])
def test_a_cancellation_call_that_no_longer_makes_sense_is_not_placed(runtime, coming, fake,
                                                                      change, reason):
    cancel(runtime, coming[1])
    with runtime.store.transaction() as session:
        change(session, *coming)
    [row] = cancellation_calls(runtime)
    assert deliver(runtime, row.id) == "cancelled"
    assert get(runtime, Outbox, row.id).error == reason and fake.calls == []


def test_someone_whose_number_cannot_take_texts_is_rung_not_texted(runtime, registered, fake):
    contact_id = add_contact(runtime, PHONE, cannot_text=True)
    event_id = event_on(runtime, 7)
    says(runtime, contact_id, event_id, "yes")
    cancel(runtime, event_id)
    assert [r.contact_id for r in cancellation_calls(runtime)] == [contact_id]
    assert rows(runtime, Outbox.purpose == "event_cancelled") == []


def test_pending_reminder_calls_are_dropped_and_a_duplicated_job_for_them_rings_nobody(
        runtime, coming, fake):
    reminder_calls = rows(runtime, Outbox.purpose == "reminder_call")
    assert len(reminder_calls) == 2
    cancel(runtime, coming[1])
    assert {(r.status, r.error) for r in rows(runtime, Outbox.purpose == "reminder_call")} == {
        ("cancelled", "event cancelled")}
    assert [at_due(runtime, r) for r in reminder_calls] == ["skipped", "skipped"]
    [row] = cancellation_calls(runtime)
    assert at_due(runtime, row) == "sent"
    assert [c["Url"] for c in fake.calls] == [
        f"{PUBLIC_URL}/twilio/voice/cancelled?outbox={row.id}"]


def test_people_who_get_texts_still_get_the_same_cancellation_text(runtime, registered, fake):
    contact_id = add_contact(runtime, PHONE)
    event_id = event_on(runtime, 7)
    says(runtime, contact_id, event_id, "yes")
    cancel(runtime, event_id)
    [text] = rows(runtime, Outbox.purpose == "event_cancelled")
    assert (text.channel, text.dedupe_key) == ("sms", f"event-cancelled:{event_id}:{contact_id}")
    assert text.body.startswith("Sorry, Over a Brew has had to cancel The ethical use of AI. It was going to be on ")
    assert cancellation_calls(runtime) == []
    assert at_due(runtime, text) == "sent"
    assert [m["Body"] for m in fake.messages] == [text.body] and fake.calls == []


def test_switching_to_calls_rings_about_a_cancellation_still_waiting_as_a_text(runtime,
                                                                              registered):
    texted, other = add_contact(runtime, PHONE), add_contact(runtime, "+447700900456")
    event_id = event_on(runtime, 7)
    says(runtime, texted, event_id, "yes")
    says(runtime, other, event_id, "maybe")
    runtime.settings = runtime.settings.with_(quiet_hours=(time(20, 0), time(9, 0)))
    night = datetime.now(LONDON).replace(hour=22) + timedelta(days=1)
    cancel(runtime, event_id, now=night)
    with runtime.store.transaction() as session:
        person = session.get(Contact, texted)
        person.phone_only = True
        assert reminders.switch_to_calls(runtime, session, person, night) == 1
    assert [r.contact_id for r in cancellation_calls(runtime)] == [texted]
    assert {(r.contact_id, r.status) for r in rows(runtime, Outbox.purpose == "event_cancelled")} \
        == {(texted, "cancelled"), (other, "pending")}


def test_a_cancellation_call_not_answered_is_tried_the_next_morning_too(runtime, coming, fake):
    from brewline.calls import calls

    cancel(runtime, coming[1])
    [row] = cancellation_calls(runtime)
    at_due(runtime, row)
    runtime.settings = runtime.settings.with_(quiet_hours=(time(20, 0), time(9, 0)))
    evening = datetime.now(LONDON).replace(hour=19, minute=30).astimezone(timezone.utc)
    with runtime.store.transaction() as session:
        call = calls.find_or_create(session, fake.calls[0]["sid"], None, True, evening)
        said = calls.record_status(runtime, session, call, "no-answer", None, evening)
    assert said == "call no-answer; will try again in an hour"
    [retry] = cancellation_calls(runtime, Outbox.dedupe_key.like("call-retry:%"))
    assert retry.not_before.astimezone(LONDON).time() == time(9, 0)
