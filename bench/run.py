"""`make bench`: the real stack under load, beside a bare Flask ceiling and a floor, in one run.

The ceiling answers fixed TwiML and does nothing else; the floor checks the signature
and commits the text to the same database, which is the least any webhook that keeps
every text can do (bench/floor.py). Both are served exactly as Brewline is.

Prints a table and writes JSON to bench/results/. BENCH_SECONDS sets the time per load level.
The database DATABASE_URL points at is emptied first: give it a scratch database.
"""
from __future__ import annotations

import importlib
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

from bench import load, voice
from bench.mixes import SmsMix
from bench.stack import (
    BREWLINE_APP,
    CEILING_APP,
    FLOOR_APP,
    PUBLIC,
    TOKEN,
    Stack,
    children,
    prepare,
    rss_mb,
)

LEVELS = (1, 16, 64)
RATES = (50, 100, 200)  # open loop, texts a second
RESULTS = Path(__file__).resolve().parent / "results"
OTHERS = ("pipeline", "invites", "vouchers", "themes")
APPS = {"ceiling": CEILING_APP, "floor": FLOOR_APP, "brewline": BREWLINE_APP}
GOAL_SHARE, GOAL_P99_MS, GOAL_CLIENTS = 0.5, 25.0, 16
# A busy evening: 10,000 invited and thousands replying within minutes is ~10-30 texts a
# second; 100 a second (6,000 a minute) leaves room for a burst.
GOAL_RATE = 100


def say(line: str) -> None:
    print(line, flush=True)


def progress(label: str):
    def show(line: str) -> None:
        sys.stdout.write(f"\r  {label}: {line}    ")
        sys.stdout.flush()
    return show


def measure(stack: Stack, name: str, clients: int, seconds: float, script) -> dict:
    signer = load.Signer(TOKEN, PUBLIC)
    result = load.run("127.0.0.1", stack.ports[name], clients, seconds, script, signer,
                      progress(f"{name:9} {clients:2} clients"))
    return _said(name, f"{clients:2} clients", result.summary())


def measure_rate(stack: Stack, name: str, rate: float, seconds: float, script) -> dict:
    signer = load.Signer(TOKEN, PUBLIC)
    result = load.run_rate("127.0.0.1", stack.ports[name], rate, seconds, script, signer,
                           progress=progress(f"{name:9} {rate:g}/s"))
    return _said(name, f"{rate:g}/s", result.summary())


def _said(name: str, level: str, summary: dict) -> dict:
    sys.stdout.write("\r" + " " * 70 + "\r")
    say(f"  {name:9} {level}: {summary['rps']:8.1f} req/s  "
        f"p50 {summary['p50_ms']:6.2f} ms  p99 {summary['p99_ms']:6.2f} ms  {summary['statuses']}")
    return summary


def webhook_levels(stack: Stack, script, seconds: float) -> list[dict]:
    """Every app at each level, interleaved so all see the same machine state."""
    rows = []
    for clients in LEVELS:
        row = {"clients": clients}
        for name in APPS:
            row[name] = measure(stack, name, clients, seconds, script)
        rows.append(row | shares(row))
    return rows


def shares(row: dict) -> dict:
    """Brewline against the ceiling (the issue's measure) and against the floor."""
    def ratio(a: str, b: str) -> float:
        return round(row[a]["rps"] / max(row[b]["rps"], 0.1), 2)
    return {"share": ratio("brewline", "ceiling"), "floor_share": ratio("floor", "ceiling"),
            "of_floor": ratio("brewline", "floor")}


def rate_levels(stack: Stack, script, seconds: float) -> list[dict]:
    """Open loop: each app at each offered rate, latency from the scheduled start."""
    rows = []
    for rate in RATES:
        rows.append({"rate": rate} | {name: measure_rate(stack, name, rate, seconds, script)
                                      for name in APPS})
    return rows


def warm_up(stack: Stack, script) -> None:
    say("warming up")
    for name in APPS:
        load.run("127.0.0.1", stack.ports[name], 4, 1.5, script, load.Signer(TOKEN, PUBLIC))


def calls(stack: Stack, run: int, seconds: float):
    """Incoming calls, the same shape, when this Brewline has POST /twilio/voice."""
    if not voice.available(stack.ports["brewline"]):
        say("voice: not available (no POST /twilio/voice here yet)")
        return "not available"
    say(f"== incoming calls ({seconds:g}s per level)")
    return webhook_levels(stack, voice.VoiceMix(run).script, seconds)


def others() -> dict:
    """Benchmarks other parts of Brewline provide (bench/pipeline.py, ...), when present."""
    found = {}
    for name in OTHERS:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bench.{name}":
                raise
            say(f"{name}: not available")
            found[name] = "not available"
            continue
        say(f"== {name}")
        try:
            found[name] = module.main()
        except Exception:  # one broken add-on must not lose the rest of the run
            traceback.print_exc()
            found[name] = "failed"
    return found


def memory(stack: Stack) -> dict:
    web = children(stack.processes["brewline"].pid)
    return {"web_worker_rss_mb": max((rss_mb(p) or 0 for p in web), default=None),
            "job_worker_rss_mb": rss_mb(stack.processes["worker"].pid)}


def machine() -> dict:
    model = subprocess.run("lscpu | sed -n 's/^Model name: *//p'", shell=True,
                           capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": model or platform.processor(),
            "python": platform.python_version()}


def table(rows: list[dict], title: str, key: str = "clients", label: str = "clients") -> None:
    say(f"\n{title}")
    say(f"{label:>7} | " + " | ".join(f"{name + ' req/s':>14} {'p50':>6} {'p99':>7}" for name in APPS)
        + (" | share  floor  of floor" if "share" in rows[0] else "") + " | failed")
    for row in rows:
        cells = " | ".join(f"{row[n]['rps']:>14} {row[n]['p50_ms']:>6} {row[n]['p99_ms']:>7}"
                           for n in APPS)
        ratios = (f" | {row['share']:>5.0%}  {row['floor_share']:>5.0%}  {row['of_floor']:>8.0%}"
                  if "share" in row else "")
        say(f"{row[key]:>7} | {cells}{ratios} | {failed(row['brewline'])}")


def failed(summary: dict) -> int:
    """Not 2xx, no response at all, or a 200 saying something went wrong on our side."""
    return (summary["errors"] + summary["sorry_replies"]
            + sum(n for s, n in summary["statuses"].items() if not s.startswith("2")))


def verdict(report: dict) -> dict:
    """The issue's goal, and the two this run can honestly be held to (see README)."""
    row = next(r for r in report["sms"] if r["clients"] == GOAL_CLIENTS)
    busy = next(r for r in report["sms_open_loop"] if r["rate"] == GOAL_RATE)["brewline"]
    p99 = row["brewline"]["p99_ms"]
    return {
        "issue": {"clients": GOAL_CLIENTS, "share": row["share"], "p99_ms": p99,
                  "floor_share": row["floor_share"],
                  "met": row["share"] >= GOAL_SHARE and p99 <= GOAL_P99_MS},
        "of_floor": {"clients": GOAL_CLIENTS, "share": row["of_floor"],
                     "met": row["of_floor"] >= GOAL_SHARE},
        "busy_evening": {"rate": GOAL_RATE, "p99_ms": busy["p99_ms"], "failed": failed(busy),
                         "met": busy["p99_ms"] <= GOAL_P99_MS and not failed(busy)},
    }


def main() -> int:
    from tests.fakes.twilio_api import FakeTwilio

    seconds = float(os.environ.get("BENCH_SECONDS", "6"))
    started = time.time()
    with FakeTwilio("AC" + "b" * 32, TOKEN) as twilio:
        stack = prepare(twilio.url)
        say(f"database: {stack.env['DATABASE_URL'].split('@')[-1]}   redis: {stack.env['REDIS_URL']}")
        try:
            report = webhooks(stack, seconds)
        finally:
            stack.stop()
    # The add-ons start their own processes; ours are stopped so they have the machine.
    report["others"] = others()
    summarise(report)
    report["seconds"] = round(time.time() - started)
    write(report)
    return 0


def webhooks(stack: Stack, seconds: float) -> dict:
    """Texts and calls against Brewline, the floor and the ceiling, then our memory."""
    for name, app in APPS.items():
        stack.start_web(name, app)
    stack.start_worker()
    sms = SmsMix()
    warm_up(stack, sms.script)
    say(f"== inbound texts ({seconds:g}s per level)")
    report = {"machine": machine(), "server": server_settings(stack),
              "database": "postgresql" if "postgres" in stack.env["DATABASE_URL"] else "sqlite"}
    report["sms"] = webhook_levels(stack, sms.script, seconds)
    say(f"== inbound texts at a steady rate, open loop ({seconds:g}s per rate)")
    report["sms_open_loop"] = rate_levels(stack, sms.script, seconds)
    report["voice"] = calls(stack, sms.run, seconds)
    report["memory"] = memory(stack)
    report["goal"] = verdict(report)
    return report


def summarise(report: dict) -> None:
    table(report["sms"], "inbound text webhook (POST /twilio/sms), closed loop")
    table(report["sms_open_loop"], "inbound texts at a steady rate (open loop, 16 connections)",
          key="rate", label="rate/s")
    if isinstance(report["voice"], list):
        table(report["voice"], "incoming call webhook (POST /twilio/voice), closed loop")
    say(f"\nmemory after the run: web worker {report['memory']['web_worker_rss_mb']} MB, "
        f"job worker {report['memory']['job_worker_rss_mb']} MB")
    goal = report["goal"]
    issue, floor, busy = goal["issue"], goal["of_floor"], goal["busy_evening"]
    say(f"issue's goal at {issue['clients']} clients, >= 50% of the ceiling and p99 <= 25 ms: "
        f"{issue['share']:.0%}, p99 {issue['p99_ms']} ms -> {_met(issue)} "
        f"(the floor, which only keeps the text, reaches {issue['floor_share']:.0%})")
    say(f"Brewline >= 50% of the floor at {floor['clients']} clients: {floor['share']:.0%} "
        f"-> {_met(floor)}")
    say(f"busy evening, {busy['rate']} texts/s open loop, p99 <= 25 ms and none failed: "
        f"p99 {busy['p99_ms']} ms, {busy['failed']} failed -> {_met(busy)}")
    for name, result in report["others"].items():
        lines = result.items() if isinstance(result, dict) else [("", result)]
        say(f"{name}: " + ", ".join(f"{k} {v}".strip() for k, v in lines))


def _met(goal: dict) -> str:
    return "met" if goal["met"] else "NOT met"


def server_settings(stack: Stack) -> dict:
    return {"gunicorn_workers": stack.env.get("WEB_CONCURRENCY", "2"),
            "gunicorn_threads": stack.env.get("WEB_THREADS", "4")}


def write(report: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"bench-{report['database']}-{stamp}.json"
    path.write_text(json.dumps(report, indent=2))
    say(f"results written to {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


if __name__ == "__main__":
    sys.exit(main())
