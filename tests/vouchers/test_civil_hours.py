"""Texts the person did not just ask for wait for civil hours."""
from __future__ import annotations

from datetime import datetime, time, timezone

from sqlalchemy import select

from brewline.delivery.models import Outbox
from brewline.delivery.outbox import civil_time
from tests.vouchers.conftest import FLOW, codes, csv_of

QUIET = (time(20, 0), time(9, 0))


def test_civil_time_moves_quiet_hours_to_nine_in_the_morning_in_london(settings):
    quiet = settings.with_(quiet_hours=QUIET)
    late = datetime(2026, 6, 1, 22, 30, tzinfo=timezone.utc)      # 23:30 in London
    early = datetime(2026, 12, 2, 6, 0, tzinfo=timezone.utc)      # 06:00 in London
    noon = datetime(2026, 6, 1, 11, 0, tzinfo=timezone.utc)
    assert civil_time(quiet, late) == datetime(2026, 6, 2, 8, 0, tzinfo=timezone.utc)
    assert civil_time(quiet, early) == datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
    assert civil_time(quiet, noon) == noon
    assert civil_time(settings, late) == late


def test_codes_loaded_late_at_night_reach_the_waiting_list_in_the_morning(runtime, pools):
    runtime.settings = runtime.settings.with_(quiet_hours=QUIET)
    pools.load("tesco", csv_of([]), flow=FLOW)
    person = pools.person(1)
    assert pools.claim(person, "tesco")[0] == "waiting"
    night = datetime(2026, 6, 1, 22, 30, tzinfo=timezone.utc)
    assert pools.load("tesco", csv_of(codes("T", 1)), now=night).filled == 1
    with runtime.store.transaction() as session:
        row = session.scalars(select(Outbox)).one()
    assert row.not_before == datetime(2026, 6, 2, 8, 0, tzinfo=timezone.utc)
