"""The send pipeline against the local fake Twilio: throughput with no rate limit, and the
busiest second with SEND_RATE=10. Run with `python -m bench.pipeline`; `run()` returns a dict.

Uses $BENCH_DATABASE_URL and $BENCH_REDIS_URL when set (both are EMPTIED first, so never
point them at data you want to keep), else a temporary SQLite file and an embedded Redis.
Several `brewline worker --burst` processes send.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, select

from brewline import schema, wiring
from brewline.delivery import outbox
from brewline.delivery.models import Outbox
from brewline.people.models import Contact
from brewline.platform import embedded_redis, migrate
from brewline.platform.runtime import Runtime
from brewline.platform.settings import from_env
from tests.fakes.twilio_api import FakeTwilio, busiest_second

FAST_MESSAGES = int(os.environ.get("BENCH_MESSAGES", "3000"))
LIMITED_MESSAGES = int(os.environ.get("BENCH_LIMITED_MESSAGES", "40"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))


def run(report=print) -> dict:
    """Both measurements; `report` is called with one line per result."""
    with tempfile.TemporaryDirectory(prefix="brewline-bench-") as folder, FakeTwilio() as fake:
        env = _environment(Path(folder), fake)
        fast = _measure(env, fake, FAST_MESSAGES, send_rate="0")
        report(f"send pipeline, no rate limit: {fast['per_second']:.0f} msgs/s "
               f"({fast['messages']} messages, {WORKERS} workers; goal >= 500)")
        limited = _measure(env, fake, LIMITED_MESSAGES, send_rate="10")
        report(f"send pipeline, SEND_RATE=10: at most {limited['busiest_second']} "
               f"in any one-second window (goal <= 10), {limited['per_second']:.1f} msgs/s")
    return {"pipeline_msgs_per_s": round(fast["per_second"], 1),
            "pipeline_messages": fast["messages"], "pipeline_workers": WORKERS,
            "rate_limited_busiest_second": limited["busiest_second"],
            "rate_limited_msgs_per_s": round(limited["per_second"], 2)}


def _environment(folder: Path, fake: FakeTwilio) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.db'}",
        REDIS_URL=os.environ.get("BENCH_REDIS_URL") or embedded_redis.ensure(folder, persist=False),
        TWILIO_ACCOUNT_SID=fake.account_sid, TWILIO_AUTH_TOKEN=fake.auth_token,
        TWILIO_PHONE_NUMBER="+447700900000", TWILIO_API_BASE_URL=fake.url,
        QUIET_HOURS="", BREWLINE_INSTANCE=str(folder), PYTHONWARNINGS="ignore")
    return env


def _measure(env: dict, fake: FakeTwilio, count: int, send_rate: str) -> dict:
    env = {**env, "SEND_RATE": send_rate}
    runtime = Runtime(from_env(env))
    wiring.register()  # as every Brewline process does at start
    try:
        _fresh(runtime)
        fake.clear()
        _write_rows(runtime, count)
        _work(env)
        sent = _count_sent(runtime)
    finally:
        runtime.close()
    times = sorted(r["at"] for r in fake.requests)
    span = (times[-1] - times[0]) if len(times) > 1 else float("nan")
    return {"messages": sent, "per_second": (len(times) - 1) / span if span else 0.0,
            "busiest_second": busiest_second(times)}


def _fresh(runtime: Runtime) -> None:
    migrate.upgrade(runtime.settings.database_url)
    with runtime.store.engine.begin() as connection:
        for table in reversed(schema.metadata.sorted_tables):
            connection.execute(table.delete())
    runtime.redis.flushdb()


def _write_rows(runtime: Runtime, count: int) -> None:
    """Contacts and pending rows in bulk, then every id queued (not part of the timing)."""
    with runtime.store.transaction() as session:
        session.execute(insert(Contact), [
            {"phone": f"+4477009{n:05d}", "pid": f"p_bench{n:06d}", "source": "import"}
            for n in range(count)])
        ids = session.scalars(select(Contact.id).order_by(Contact.id)).all()
        session.execute(insert(Outbox), [
            {"contact_id": i, "body": "Over a Brew on 26 June: fancy it?", "purpose": "bench"}
            for i in ids])
        rows = session.scalars(select(Outbox.id).order_by(Outbox.id)).all()
    outbox.queue(runtime, [(i, None) for i in rows])


def _work(env: dict) -> None:
    """Run the worker processes until the queue is empty."""
    command = [sys.executable, "-m", "brewline", "worker", "--burst"]
    workers = [subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL) for _ in range(WORKERS)]
    for worker in workers:
        worker.wait(timeout=600)


def _count_sent(runtime: Runtime) -> int:
    with runtime.store.transaction() as session:
        return session.scalar(select(func.count()).select_from(Outbox)
                              .where(Outbox.status == "sent"))


def main() -> dict:
    started = time.monotonic()
    results = run()
    print(f"(pipeline benchmark took {time.monotonic() - started:.0f} s)")
    return results


if __name__ == "__main__":
    main()
