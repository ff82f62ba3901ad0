"""Reminder calls through the outbox and the call sender, against the local fake Twilio API."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from brewline.delivery.models import Outbox
from brewline.delivery.sending import deliver, deliver_many
from brewline.events import reminders, rsvps
from brewline.events.models import Event
from brewline.people.models import Contact
from tests.conftest import PHONE, PUBLIC_URL
from tests.delivery.test_call_sender import settings  # noqa: F401  (shared fixture)
from tests.events.fixtures import add_contact, add_event, get, registered, rows  # noqa: F401

LONDON = ZoneInfo("Europe/London")
NOW = datetime.now(timezone.utc)


def event_on(runtime, days: int, at: time = time(14, 0)) -> int:
    """An event `days` from today at `at`, London time."""
    starts = datetime.combine(datetime.now(LONDON).date() + timedelta(days=days), at, LONDON)
    return add_event(runtime, starts=starts)


def says(runtime, contact_id: int, event_id: int, answer: str, now: datetime = NOW) -> None:
    """The person answers (by call, as phone-only people do): the RSVP and its reminders."""
    with runtime.store.transaction() as session:
        rsvps.record(runtime, session, session.get(Event, event_id),
                     session.get(Contact, contact_id), answer, answer, now, channel="voice")


def two_workers_deliver(runtime, ids: list[int], now: datetime | None = None) -> list[str]:
    """Two workers started together, each delivering every row in `ids`: all their outcomes."""
    start, outcomes = threading.Barrier(2), []

    def worker():
        start.wait()
        outcomes.extend(deliver_many(runtime, ids, now=now))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def coming(runtime, registered):
    """A phone-only person who said yes to an event a week away: (contact id, event id)."""
    contact_id = add_contact(runtime, PHONE, phone_only=True, cannot_text=True)
    event_id = event_on(runtime, 7)
    says(runtime, contact_id, event_id, "yes")
    return contact_id, event_id


def reminder_calls(runtime, *where) -> list[Outbox]:
    return rows(runtime, Outbox.purpose == "reminder_call", *where)


def at_due(runtime, row: Outbox) -> str:
    return deliver(runtime, row.id, now=row.not_before)


def test_a_phone_only_person_who_said_yes_is_rung_the_day_before_and_on_the_morning(
        runtime, coming, fake):
    contact_id, event_id = coming
    day_before, morning = reminder_calls(runtime)
    starts = get(runtime, Event, event_id).starts_at.astimezone(LONDON)
    assert day_before.not_before.astimezone(LONDON) == starts - timedelta(days=1)
    assert morning.not_before.astimezone(LONDON) == starts.replace(hour=9)
    assert (day_before.dedupe_key, morning.dedupe_key) == (
        f"event-reminder-call:{event_id}:{contact_id}:1d",
        f"event-reminder-call:{event_id}:{contact_id}:morning")
    assert "It is tomorrow" in day_before.body and "It is today" in morning.body
    assert [at_due(runtime, row) for row in (day_before, morning)] == ["sent", "sent"]
    assert [c["Url"] for c in fake.calls] == [
        f"{PUBLIC_URL}/twilio/voice/reminder?outbox={day_before.id}",
        f"{PUBLIC_URL}/twilio/voice/reminder?outbox={morning.id}"]
    assert {c["To"] for c in fake.calls} == {PHONE}


def test_a_duplicated_job_places_a_reminder_call_once(runtime, coming, fake):
    row = reminder_calls(runtime)[0]
    assert at_due(runtime, row) == "sent"
    assert at_due(runtime, row) == "skipped"
    assert len(fake.calls) == 1
    assert get(runtime, Outbox, row.id).sid == fake.calls[0]["sid"]


def test_two_workers_racing_for_the_same_reminder_calls_place_each_once(runtime, registered,
                                                                        fake):
    event_id = event_on(runtime, 7)
    for n in range(6):
        says(runtime, add_contact(runtime, f"+4477009001{n:02d}", phone_only=True), event_id, "yes")
    ids = [r.id for r in reminder_calls(runtime)]
    later = max(r.not_before for r in reminder_calls(runtime))
    outcomes = two_workers_deliver(runtime, ids, now=later)
    assert len(ids) == 12 and Counter(outcomes)["sent"] == 12
    assert sorted(Counter(c["Url"] for c in fake.calls).values()) == [1] * 12


def test_saying_yes_again_writes_no_second_reminder_call(runtime, coming):
    contact_id, event_id = coming
    says(runtime, contact_id, event_id, "yes")
    assert len(reminder_calls(runtime)) == 2


def test_yes_then_no_then_yes_brings_back_the_same_reminder_calls(runtime, coming, fake):
    contact_id, event_id = coming
    before = [r.id for r in reminder_calls(runtime)]
    says(runtime, contact_id, event_id, "no")
    assert {(r.status, r.error) for r in reminder_calls(runtime)} == {
        ("cancelled", "no longer coming")}
    says(runtime, contact_id, event_id, "yes")
    assert [(r.id, r.status) for r in reminder_calls(runtime)] == [(i, "pending") for i in before]
    assert at_due(runtime, reminder_calls(runtime)[0]) == "sent" and len(fake.calls) == 1


def test_reminder_calls_keep_to_civil_hours_and_two_that_meet_at_nine_become_one(
        runtime, registered, fake):
    runtime.settings = runtime.settings.with_(quiet_hours=(time(20, 0), time(9, 0)))
    contact_id = add_contact(runtime, PHONE, phone_only=True)
    event_id = event_on(runtime, 5, at=time(20, 30))  # the day before at 20:30 is quiet
    says(runtime, contact_id, event_id, "yes")
    [row] = reminder_calls(runtime)
    starts = get(runtime, Event, event_id).starts_at.astimezone(LONDON)
    assert row.not_before.astimezone(LONDON) == starts.replace(hour=9, minute=0)
    assert "It is today" in row.body
    the_night_before = starts - timedelta(days=1)
    assert deliver(runtime, row.id, now=the_night_before) == "early" and fake.calls == []
    assert at_due(runtime, row) == "sent" and len(fake.calls) == 1


@pytest.mark.parametrize("change, reason", [
    (lambda s, c, e: s.execute(update(Event).values(status="cancelled")),
     "event cancelled or started"),
    (lambda s, c, e: s.execute(update(Contact).values(opted_out_at=NOW)), "opted out"),
])
def test_a_reminder_call_that_no_longer_makes_sense_is_not_placed(runtime, coming, fake,
                                                                  change, reason):
    with runtime.store.transaction() as session:
        change(session, *coming)
    row = reminder_calls(runtime)[0]
    assert at_due(runtime, row) == "cancelled"
    assert get(runtime, Outbox, row.id).error == reason and fake.calls == []


def test_a_no_given_another_way_stops_the_reminder_call_just_before_it_goes(runtime, coming,
                                                                           fake):
    from brewline.events.models import Rsvp

    contact_id, event_id = coming
    with runtime.store.transaction() as session:  # as if written without dropping reminders
        session.add(Rsvp(event_id=event_id, contact_id=contact_id, answer="no", channel="sms"))
    assert at_due(runtime, reminder_calls(runtime)[0]) == "cancelled" and fake.calls == []


def test_people_who_get_texts_still_get_the_same_reminder_texts(runtime, registered, fake):
    contact_id = add_contact(runtime, PHONE)
    event_id = event_on(runtime, 7)
    says(runtime, contact_id, event_id, "yes")
    texts = rows(runtime, Outbox.purpose == "reminder")
    assert [(r.channel, r.dedupe_key) for r in texts] == [
        ("sms", f"event-reminder:{event_id}:{contact_id}:1d"),
        ("sms", f"event-reminder:{event_id}:{contact_id}:morning")]
    assert texts[0].body.startswith("A reminder from Over a Brew. The ethical use of AI is "
                                    "tomorrow at 2pm. The place is Whitley Bay Library.")
    assert reminder_calls(runtime) == []
    assert at_due(runtime, texts[0]) == "sent"
    assert [m["Body"] for m in fake.messages] == [texts[0].body] and fake.calls == []


def test_switching_to_calls_leaves_past_and_other_peoples_reminders_alone(runtime, registered):
    texted, other = add_contact(runtime, PHONE), add_contact(runtime, "+447700900456")
    event_id = event_on(runtime, 7)
    says(runtime, texted, event_id, "yes")
    says(runtime, other, event_id, "yes")
    with runtime.store.transaction() as session:
        person = session.get(Contact, texted)
        person.phone_only = True
        assert reminders.switch_to_calls(runtime, session, person, NOW) == 2
    assert {r.contact_id for r in reminder_calls(runtime)} == {texted}
    with runtime.store.transaction() as session:
        still = session.scalars(select(Outbox.status).where(
            Outbox.contact_id == other, Outbox.purpose == "reminder")).all()
    assert still == ["pending", "pending"]
