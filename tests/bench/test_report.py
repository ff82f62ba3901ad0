"""The benchmark's verdicts: the issue's goal, Brewline against the floor, a busy evening."""
from __future__ import annotations

from bench import run


def measured(rps: float, p99: float = 5.0, failed: int = 0) -> dict:
    return {"rps": rps, "p50_ms": 1.0, "p99_ms": p99, "statuses": {"200": 100},
            "errors": failed, "sorry_replies": 0}


def report(brewline_rps: float, busy_p99: float, busy_failed: int = 0) -> dict:
    rows = [{"clients": c, "ceiling": measured(2000), "floor": measured(900),
             "brewline": measured(brewline_rps, p99=60.0)} for c in run.LEVELS]
    steady = [{"rate": r, "ceiling": measured(r), "floor": measured(r),
               "brewline": measured(r, p99=busy_p99, failed=busy_failed)} for r in run.RATES]
    return {"sms": [row | run.shares(row) for row in rows], "sms_open_loop": steady}


def test_shares_compare_brewline_with_the_ceiling_and_the_floor():
    row = report(450, 10.0)["sms"][0]

    assert (row["share"], row["floor_share"], row["of_floor"]) == (0.23, 0.45, 0.5)


def test_the_issues_goal_is_judged_as_written_and_the_floor_is_reported_beside_it():
    goal = run.verdict(report(450, 10.0))

    assert goal["issue"] == {"clients": 16, "share": 0.23, "p99_ms": 60.0, "floor_share": 0.45,
                             "met": False}
    assert goal["of_floor"]["met"] and goal["busy_evening"]["met"]


def test_a_busy_evening_fails_on_a_slow_tail_or_on_any_failed_request():
    assert not run.verdict(report(450, 26.0))["busy_evening"]["met"]
    assert not run.verdict(report(450, 10.0, busy_failed=1))["busy_evening"]["met"]
    assert not run.verdict(report(400, 10.0))["of_floor"]["met"]
