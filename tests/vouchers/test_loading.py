"""Loading codes from CSV: duplicates refused with a report, messy files read, big files fine."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from brewline.vouchers import claims, rules
from brewline.vouchers.models import VoucherCode
from tests.vouchers.conftest import NOW, codes, csv_of


def count_codes(runtime) -> int:
    with runtime.store.transaction() as session:
        return session.scalar(select(func.count()).select_from(VoucherCode))


def test_a_messy_file_with_a_bom_blank_lines_and_spaces_loads_clean_codes(pools, runtime):
    text = "\ufeff code , pin , expires \n\n  AB12-CD34 , 0042 , 2027-12-31 \n \n EF56-GH78,,\n"
    report = pools.load("tesco", text, flow="over-a-brew-2024-05")
    assert report.loaded == 2 and report.blank == 2
    with runtime.store.transaction() as session:
        rows = session.execute(select(VoucherCode.code, VoucherCode.pin, VoucherCode.expires_on)
                               .order_by(VoucherCode.id)).all()
    assert [(c, p, str(e) if e else None) for c, p, e in rows] == [
        ("AB12-CD34", "0042", "2027-12-31"), ("EF56-GH78", None, None)]


def test_duplicate_codes_in_the_file_and_already_loaded_are_refused_with_their_lines(pools, runtime):
    pools.load("tesco", csv_of(["AAA111222", "BBB333444"]))
    report = pools.load("boots", csv_of(["CCC555666", "AAA111222", "CCC555666", "DDD777888"]))
    assert report.loaded == 2
    assert report.duplicates == [(3, "******222"), (4, "******666")]
    lines = report.lines()
    assert "line 3: refused a duplicate code ******222 (already loaded)" in lines
    assert not any("AAA111222" in line for line in lines)
    assert count_codes(runtime) == 4


def test_codes_already_past_their_expiry_date_are_refused_and_bad_dates_named(pools):
    yesterday = (NOW - timedelta(days=1)).date().isoformat()
    text = f"code,expires\nOLD1,{yesterday}\nNEW1,31/12/2027\nBAD1,next year\n,2027-01-01\n"
    report = pools.load("tesco", text)
    assert report.loaded == 1
    assert report.expired == [2]
    assert report.bad == [(4, "expiry date not understood (write it like 2027-12-31)"),
                          (5, "no code")]


def test_a_file_without_a_code_column_is_refused_whole(pools, runtime):
    with pytest.raises(rules.VoucherError, match="first line must name the columns"):
        pools.load("tesco", "voucher,pin\nAAA,1\n")
    assert count_codes(runtime) == 0


def test_a_new_pool_needs_a_value_and_a_known_flow(pools):
    with pytest.raises(rules.VoucherError, match="--value"):
        pools.load("tesco", csv_of(["A1"]), value=None)
    with pytest.raises(rules.VoucherError, match="no flow called 'nope'"):
        pools.load("tesco", csv_of(["A1"]), flow="nope")
    with pytest.raises(rules.VoucherError, match="not both"):
        pools.load("tesco", csv_of(["A1"]), flow="over-a-brew-2024-05", event="7")


def test_a_hundred_thousand_codes_load_in_one_go(pools, runtime):
    report = pools.load("big", csv_of(codes("BIG", 100_000)))
    assert report.loaded == 100_000 and report.duplicates == []
    assert count_codes(runtime) == 100_000
    assert pools.figures()["big"].remaining == 100_000


def test_expired_codes_are_never_handed_out_and_the_ledger_adds_up(pools):
    text = "code,expires\nSOON1,2026-06-01\nLATER1,2026-12-31\nLATER2,2026-12-31\n"
    pools.load("tesco", text, flow="over-a-brew-2024-05", low_stock=0)
    later = NOW + timedelta(days=2)
    people = [pools.person(n) for n in range(3)]
    results = [pools.claim(p, "tesco", now=later) for p in people]
    assert [r[1] for r in results] == ["LATER1", "LATER2", 1]
    declined = pools.person(9)
    with pools.runtime.store.transaction() as session:
        from brewline.people.models import Contact
        claims.decline(session, session.get(Contact, declined),
                         [rules.get_pool(session, "tesco")], later)
    figures = pools.figures(later)["tesco"]
    assert (figures.loaded, figures.issued, figures.remaining, figures.expired,
            figures.waiting, figures.declined) == (3, 2, 0, 1, 1, 1)
    assert figures.loaded == figures.issued + figures.remaining + figures.expired
