"""Fairness under concurrency: one voucher per person per pool, no code ever given twice."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from brewline.delivery.models import Outbox
from brewline.vouchers import claims
from brewline.vouchers.models import VoucherClaim, VoucherCode, VoucherPool
from tests.vouchers.conftest import FLOW, NOW, codes, csv_of


def claim_all_at_once(pools, people: list[int], pool: str) -> list[tuple]:
    """Every person claims in their own thread and transaction, released together."""
    barrier = threading.Barrier(len(people))
    results: list = [None] * len(people)

    def claim(i: int, person: int) -> None:
        barrier.wait()
        try:
            results[i] = pools.claim(person, pool, now=NOW + timedelta(microseconds=i))
        except Exception as exc:  # kept so the assertion shows it
            results[i] = ("error", repr(exc), False)

    threads = [threading.Thread(target=claim, args=(i, p)) for i, p in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_fifty_claims_at_once_on_thirty_codes_give_thirty_codes_and_twenty_places(pools, runtime):
    pools.load("tesco", csv_of(codes("T", 30)), flow=FLOW, low_stock=0)
    people = [pools.person(n) for n in range(50)]
    results = claim_all_at_once(pools, people, "tesco")
    given = [r[1] for r in results if r[0] == "issued"]
    places = sorted(r[1] for r in results if r[0] == "waiting")
    assert len(given) == 30 and len(set(given)) == 30, results
    assert places == list(range(1, 21))
    waiting = pools.claims(VoucherClaim.status == "waiting")
    queue = sorted(waiting, key=lambda c: c.queue_no)

    report = pools.load("tesco", csv_of(codes("U", 20)))

    assert report.filled == 20
    assert [pools.code_of(c.contact_id) for c in queue] == codes("U", 20)
    assert not pools.claims(VoucherClaim.status == "waiting")
    with runtime.store.transaction() as session:
        texted = session.scalars(select(Outbox.contact_id).where(Outbox.purpose == "voucher")).all()
    assert sorted(texted) == sorted(c.contact_id for c in queue)


def test_one_person_claiming_many_times_at_once_gets_one_code(pools):
    pools.load("tesco", csv_of(codes("T", 5)), flow=FLOW)
    person = pools.person(1)
    results = claim_all_at_once(pools, [person] * 10, "tesco")
    assert {r[1] for r in results} == {"T000000"}
    assert sum(1 for r in results if not r[2]) == 1
    assert len(pools.claims()) == 1


def test_asking_again_later_gives_the_same_code_again(pools):
    pools.load("tesco", csv_of(codes("T", 5)), flow=FLOW)
    person = pools.person(1)
    first = pools.claim(person, "tesco")
    again = pools.claim(person, "tesco", now=NOW + timedelta(days=3))
    assert first == ("issued", "T000000", False)
    assert again == ("issued", "T000000", True)


def test_the_waiting_list_is_served_in_the_order_people_joined_it(pools, runtime):
    pools.load("tesco", csv_of(codes("T", 1)), flow=FLOW)
    people = [pools.person(n) for n in range(4)]
    results = [pools.claim(p, "tesco") for p in people]
    assert results[1:] == [("waiting", 1, False), ("waiting", 2, False), ("waiting", 3, False)]
    assert pools.claim(people[3], "tesco") == ("waiting", 3, True)
    with runtime.store.transaction() as session:
        pool = session.scalars(select(VoucherPool)).one()
        session.add_all([VoucherCode(pool_id=pool.id, code=c) for c in ("LATE01", "LATE02")])
        pool_id = pool.id
    assert claims.fill_pool(runtime, pool_id, NOW) == 2
    assert [pools.code_of(p) for p in people[1:]] == ["LATE01", "LATE02", None]
    assert pools.claim(people[3], "tesco") == ("waiting", 1, True)
