"""`make bench`: the real stack under load, beside a bare Flask ceiling, in one run.

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
from bench.stack import CEILING_APP, BREWLINE_APP, PUBLIC, TOKEN, Stack, children, prepare, rss_mb

LEVELS = (1, 16, 64)
RESULTS = Path(__file__).resolve().parent / "results"
OTHERS = ("pipeline", "invites", "vouchers")
GOAL_SHARE, GOAL_P99_MS, GOAL_CLIENTS = 0.5, 25.0, 16


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
    summary = result.summary()
    sys.stdout.write("\r" + " " * 70 + "\r")
    say(f"  {name:9} {clients:2} clients: {summary['rps']:8.1f} req/s  "
        f"p50 {summary['p50_ms']:6.2f} ms  p99 {summary['p99_ms']:6.2f} ms  {summary['statuses']}")
    return summary


def webhook_levels(stack: Stack, script, seconds: float) -> list[dict]:
    """Ceiling and Brewline at each level, interleaved so both see the same machine state."""
    rows = []
    for clients in LEVELS:
        row = {"clients": clients}
        for name in ("ceiling", "brewline"):
            row[name] = measure(stack, name, clients, seconds, script)
        row["share"] = round(row["brewline"]["rps"] / max(row["ceiling"]["rps"], 0.1), 2)
        rows.append(row)
    return rows


def warm_up(stack: Stack, script) -> None:
    say("warming up")
    for name in ("ceiling", "brewline"):
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


def table(rows: list[dict], title: str) -> None:
    say(f"\n{title}")
    say(f"{'clients':>7} | {'ceiling req/s':>13} {'p50':>6} {'p99':>6} | "
        f"{'brewline req/s':>14} {'p50':>6} {'p99':>6} | share | failed")
    for row in rows:
        c, b = row["ceiling"], row["brewline"]
        say(f"{row['clients']:>7} | {c['rps']:>13} {c['p50_ms']:>6} {c['p99_ms']:>6} | "
            f"{b['rps']:>14} {b['p50_ms']:>6} {b['p99_ms']:>6} | {row['share']:>5.0%} | "
            f"{failed(b)}")


def failed(summary: dict) -> int:
    """Not 2xx, no response at all, or a 200 saying something went wrong on our side."""
    return (summary["errors"] + summary["sorry_replies"]
            + sum(n for s, n in summary["statuses"].items() if not s.startswith("2")))


def verdict(rows: list[dict]) -> dict:
    row = next(r for r in rows if r["clients"] == GOAL_CLIENTS)
    met = row["share"] >= GOAL_SHARE and row["brewline"]["p99_ms"] <= GOAL_P99_MS
    return {"clients": GOAL_CLIENTS, "share": row["share"], "p99_ms": row["brewline"]["p99_ms"],
            "met": met}


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
    """Texts and calls against Brewline and the ceiling, then the memory of our processes."""
    stack.start_web("ceiling", CEILING_APP)
    stack.start_web("brewline", BREWLINE_APP)
    stack.start_worker()
    sms = SmsMix()
    warm_up(stack, sms.script)
    say(f"== inbound texts ({seconds:g}s per level)")
    report = {"machine": machine(), "server": server_settings(stack),
              "database": "postgresql" if "postgres" in stack.env["DATABASE_URL"] else "sqlite"}
    report["sms"] = webhook_levels(stack, sms.script, seconds)
    report["voice"] = calls(stack, sms.run, seconds)
    report["memory"] = memory(stack)
    report["goal"] = verdict(report["sms"])
    return report


def summarise(report: dict) -> None:
    table(report["sms"], "inbound text webhook (POST /twilio/sms)")
    if isinstance(report["voice"], list):
        table(report["voice"], "incoming call webhook (POST /twilio/voice)")
    say(f"\nmemory after the run: web worker {report['memory']['web_worker_rss_mb']} MB, "
        f"job worker {report['memory']['job_worker_rss_mb']} MB")
    goal = report["goal"]
    say(f"goal at {goal['clients']} clients: >= 50% of the ceiling and p99 <= 25 ms: "
        f"{goal['share']:.0%}, p99 {goal['p99_ms']} ms -> {'met' if goal['met'] else 'NOT met'}")
    for name, result in report["others"].items():
        lines = result.items() if isinstance(result, dict) else [("", result)]
        say(f"{name}: " + ", ".join(f"{k} {v}".strip() for k, v in lines))


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
