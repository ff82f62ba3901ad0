"""Redis unreachable: `brewline worker` waits for it, says so plainly, and carries on."""
from __future__ import annotations

import time

import pytest

from brewline.delivery import outbox
from brewline.people.models import Contact
from brewline.platform.runtime import Runtime
from tests.fault.conftest import free_port, wait_until
from tests.fault.test_workers import INVITE, people, redis_server, sent_count

pytestmark = pytest.mark.fault
OUTAGE_SECONDS = 60.0


def more_people(runtime: Runtime, count: int, first: int) -> None:
    """More texts written to the database (their jobs are queued if Redis takes them)."""
    with runtime.store.transaction() as session:
        contacts = [Contact(phone=f"+4477009{n:05d}") for n in range(first, first + count)]
        session.add_all(contacts)
        session.flush()
        for contact in contacts:
            outbox.add(runtime, session, contact.id, f"{INVITE} for {contact.id}", INVITE)


def worker_log(folder) -> str:
    return "\n".join(p.read_text(errors="replace") for p in folder.glob("worker-*.log"))


def redis_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if "Redis" in line]


def test_the_worker_outlives_a_60_second_redis_outage_and_carries_on_without_tracebacks(
        runtime, processes, fake_twilio, tmp_path):
    port = free_port()
    redis_process = redis_server(port)
    url = f"redis://127.0.0.1:{port}/0"
    campaign = Runtime(runtime.settings.with_(redis_url=url))
    try:
        people(campaign, 5, INVITE)
        worker = processes.worker(REDIS_URL=url, BREWLINE_SWEEP_SECONDS="2")
        wait_until(lambda: sent_count(runtime) == 5, 30, "the first texts going")
        redis_process.terminate()
        redis_process.wait(timeout=10)
        stopped = time.monotonic()
        while time.monotonic() - stopped < OUTAGE_SECONDS:
            assert worker.poll() is None, "the worker exited while Redis was away"
            time.sleep(1)
        more_people(campaign, 5, 500)  # their jobs cannot be queued: the sweeper must
        redis_process = redis_server(port)
        back = time.monotonic()
        wait_until(lambda: sent_count(runtime) == 10, 60, "texts going again after Redis came back")
        print(f"worker alive after {OUTAGE_SECONDS:g} s without Redis; texts going again "
              f"{time.monotonic() - back:.1f} s after it came back")
    finally:
        redis_process.terminate()
        redis_process.wait(timeout=10)
        campaign.close()
    log = worker_log(tmp_path)
    assert "Traceback" not in log
    lines = redis_lines(log)
    assert any("Redis is not answering" in line for line in lines), lines
    assert any("Redis is back after" in line for line in lines), lines
    assert len(lines) <= 10, lines  # a few plain lines, not one every second or two


def test_a_worker_started_before_redis_waits_for_it_then_sends(
        runtime, processes, fake_twilio, tmp_path):
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    worker = processes.worker(REDIS_URL=url, BREWLINE_SWEEP_SECONDS="1")
    time.sleep(5)
    assert worker.poll() is None, "the worker gave up on a Redis not yet started"
    redis_process = redis_server(port)
    campaign = Runtime(runtime.settings.with_(redis_url=url))
    try:
        more_people(campaign, 3, 0)
        wait_until(lambda: sent_count(runtime) == 3, 30, "the texts going once Redis is up")
    finally:
        redis_process.terminate()
        redis_process.wait(timeout=10)
        campaign.close()
    assert "Traceback" not in worker_log(tmp_path)
