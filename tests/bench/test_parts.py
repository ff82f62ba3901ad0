"""The benchmark's other parts run on a fresh install, at a size a test can afford."""
from __future__ import annotations

from bench import invites, vouchers


def test_the_invites_benchmark_imports_and_queues_with_the_wiring_every_process_has(
        monkeypatch, tmp_path):
    monkeypatch.setattr(invites, "IMPORT_ROWS", 40)
    monkeypatch.setattr(invites, "INVITES", 10)
    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    monkeypatch.delenv("BENCH_REDIS_URL", raising=False)
    found = invites.main()
    assert found["import_contacts"] == 40 and found["invites"] == 10


def test_the_vouchers_benchmark_loads_and_claims(monkeypatch):
    monkeypatch.setattr(vouchers, "CODES", 50)
    monkeypatch.setattr(vouchers, "PEOPLE", 8)
    monkeypatch.setattr(vouchers, "THREADS", 2)
    monkeypatch.delenv("DATABASE_URL", raising=False)  # it empties the database it is given
    monkeypatch.delenv("REDIS_URL", raising=False)
    found = vouchers.main()
    assert found["claims"] == 8 and found["load_100k_codes_seconds"] >= 0
