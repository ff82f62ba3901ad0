"""Benchmark: importing 50,000 contacts, and enqueueing invites for 10,000 (goal <= 5 s).

`main()` returns the numbers as a dict (`make bench` prints them). It runs against a fresh
temporary SQLite database and an embedded Redis unless BENCH_DATABASE_URL / BENCH_REDIS_URL
name others: both are EMPTIED first, so never point them at data you want to keep.
"""
from __future__ import annotations

import os
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from brewline import schema, wiring
from brewline.events import events, invitations
from brewline.events.models import Event
from brewline.people import importing
from brewline.people.models import Consent, Contact
from brewline.platform import bulk, embedded_redis, migrate
from brewline.platform.database import after_commit
from brewline.platform.runtime import Runtime
from brewline.platform.settings import Settings

IMPORT_ROWS = 50_000
INVITES = 10_000
INVITE_GOAL_SECONDS = 5.0


def main() -> dict:
    """Run both measurements and return what was measured."""
    with tempfile.TemporaryDirectory() as scratch:
        runtime = _runtime(Path(scratch))
        try:
            return {**_import(runtime, Path(scratch)), **_invites(runtime)}
        finally:
            runtime.close()


def _runtime(scratch: Path) -> Runtime:
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{scratch / 'bench.db'}"
    migrate.fresh(url)
    redis_url = os.environ.get("BENCH_REDIS_URL") or embedded_redis.ensure(scratch / "redis",
                                                                           persist=False)
    runtime = Runtime(Settings(
        instance_dir=scratch, database_url=url, redis_url=redis_url, twilio_account_sid=None,
        twilio_auth_token=None, twilio_phone_number=None, twilio_api_base_url=None,
        public_base_url="http://127.0.0.1:5000", secret_key="bench", quiet_hours=None))
    runtime.redis.flushdb()
    wiring.register()  # as every Brewline process does at start
    return runtime


def _import(runtime: Runtime, scratch: Path) -> dict:
    path = scratch / "contacts.csv"
    lines = ["phone,name,language,invites"] + [
        f"07{700000000 + i:09d},Person {i},en,{'yes' if i % 2 else 'no'}"
        for i in range(IMPORT_ROWS)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    started = time.perf_counter()
    people, rejected = importing.parse(importing.read_text(path))
    report = importing.Report(rejected=rejected)
    with runtime.store.transaction() as session:
        importing.import_people(session, people, "bench", _now(), report)
    seconds = time.perf_counter() - started
    assert report.added == IMPORT_ROWS, report.lines()
    return {"import_contacts": IMPORT_ROWS, "import_seconds": round(seconds, 2),
            "import_rows_per_second": round(IMPORT_ROWS / seconds)}


def _invites(runtime: Runtime) -> dict:
    _empty(runtime)
    event_id = _audience(runtime, INVITES)
    committed: list[float] = []
    started = time.perf_counter()
    with runtime.store.transaction() as session:
        # Runs first once committed, before the ids are queued: splits SQL from RQ time.
        after_commit(session, lambda: committed.append(time.perf_counter()))
        event = session.get(Event, event_id)
        chosen = invitations.plan(runtime, session, event, None)
        written = invitations.send(runtime, session, chosen, _now())
    seconds = time.perf_counter() - started  # audience, rows, commit and RQ enqueueing
    queued = sum(len(job.args) for job in runtime.queue.get_jobs())  # ids, several a job
    assert written == INVITES and queued == INVITES, (written, queued)
    return {"invites": INVITES, "invites_enqueue_seconds": round(seconds, 2),
            "invites_rows_written_seconds": round(committed[0] - started, 2),
            "invites_rq_enqueue_seconds": round(started + seconds - committed[0], 2),
            "invites_goal_seconds": INVITE_GOAL_SECONDS,
            "invites_within_goal": seconds <= INVITE_GOAL_SECONDS}


def _empty(runtime: Runtime) -> None:
    with runtime.store.engine.begin() as connection:
        for table in reversed(schema.metadata.sorted_tables):
            connection.execute(table.delete())
    runtime.redis.flushdb()


def _audience(runtime: Runtime, size: int) -> int:
    now = _now()
    with runtime.store.transaction() as session:
        ids = bulk.insert_rows(session, Contact, [
            {"phone": f"+4477{i:08d}", "source": "import", "created_at": now} for i in range(size)],
            ids=True)
        bulk.insert_rows(session, Consent, [
            {"contact_id": cid, "topic": "invites", "granted": True, "channel": "import",
             "source": "import", "created_at": now} for cid in ids])
        event = events.create(session, "The ethical use of AI", now + timedelta(days=14),
                              "Whitley Bay Library", "Tea and bus fares paid.")
        return event.id


def _now() -> datetime:
    return datetime.now(timezone.utc)


if __name__ == "__main__":
    for key, value in main().items():
        print(f"{key}: {value}")
