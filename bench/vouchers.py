"""Voucher benchmark: loading 100,000 codes, and claims per second with many people at once.

`main()` returns a dict of figures; `make bench` (bench/run.py) collects every section.
Runs on $DATABASE_URL (emptied first: never point it at real data) or a temporary SQLite file.
"""
from __future__ import annotations

import os
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from brewline import wiring
from brewline.people import contacts
from brewline.people.models import Contact
from brewline.platform import migrate
from brewline.platform.runtime import Runtime
from brewline.platform.settings import Settings
from brewline.surveys import question_sets
from brewline.surveys.models import Conversation
from brewline.vouchers import claims, ledger, loading, rules

FLOW = "over-a-brew-2024-05"
CODES = 100_000
PEOPLE = 400
THREADS = 16


def _runtime(scratch: Path) -> Runtime:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{scratch / 'bench.db'}"
    migrate.fresh(url)
    wiring.register()  # as every Brewline process does at start
    runtime = Runtime(Settings(
        instance_dir=scratch, database_url=url, redis_url=os.environ.get("REDIS_URL"),
        twilio_account_sid=None, twilio_auth_token=None, twilio_phone_number=None,
        twilio_api_base_url=None, public_base_url="http://127.0.0.1:5000",
        secret_key="bench", quiet_hours=None))
    question_sets.seed(runtime, datetime.now(timezone.utc))  # as `brewline db upgrade` does
    return runtime


def _load(runtime: Runtime, now: datetime) -> float:
    csv_text = "code,pin\n" + "".join(f"BENCH{n:08d},{n % 10000:04d}\n" for n in range(CODES))
    started = time.perf_counter()
    with runtime.store.transaction() as session:
        report = loading.load(runtime, session, csv_text, "bench", now, value="£10 gift card",
                               flow=FLOW, low_stock=0)
    assert report.loaded == CODES
    return time.perf_counter() - started


def _people(runtime: Runtime) -> list[int]:
    with runtime.store.transaction() as session:
        ids = []
        for n in range(PEOPLE):
            contact = contacts.find_or_create(session, f"+447700{n:06d}")
            session.add(Conversation(contact_id=contact.id, flow_id=FLOW, flow_version=1,
                                     status="finished", state={}))
            ids.append(contact.id)
        return ids


def _claims_per_second(runtime: Runtime, people: list[int], now: datetime) -> float:
    chunks = [people[i::THREADS] for i in range(THREADS)]
    barrier = threading.Barrier(THREADS + 1)

    def work(mine: list[int]) -> None:
        barrier.wait()
        for contact_id in mine:
            with runtime.store.transaction() as session:
                pool = rules.get_pool(session, "bench")
                claims.claim(runtime, session, session.get(Contact, contact_id), pool, now)

    threads = [threading.Thread(target=work, args=(c,)) for c in chunks]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return len(people) / (time.perf_counter() - started)


def main() -> dict:
    """Run the voucher benchmark and return its figures."""
    now = datetime.now(timezone.utc)
    with tempfile.TemporaryDirectory() as scratch:
        runtime = _runtime(Path(scratch))
        try:
            load_seconds = _load(runtime, now)
            rate = _claims_per_second(runtime, _people(runtime), now)
            with runtime.store.transaction() as session:
                [figures] = ledger.report(runtime, session, now)
        finally:
            runtime.close()
    assert figures.issued == PEOPLE
    return {"database": _dialect(runtime),
            "load_100k_codes_seconds": round(load_seconds, 2),
            "claims_per_second": round(rate, 1), "claim_threads": THREADS,
            "claims": PEOPLE}


def _dialect(runtime: Runtime) -> str:
    return runtime.settings.database_url.split(":", 1)[0]


if __name__ == "__main__":
    print(main())
