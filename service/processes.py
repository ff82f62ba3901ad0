"""Process commands: `brewline run` (everything), `brewline web`, `brewline worker`."""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time

import click
import redis

from service import embedded_redis, migrate
from service.settings import from_env

SWEEP_SECONDS = 15
WATCH_SECONDS = 1.0


@click.command("run")
def run() -> None:
    """Migrate, then start web, worker and scheduler together on this machine."""
    settings = from_env()
    migrate.upgrade(settings.database_url)
    env = dict(os.environ)
    if not settings.redis_url:
        env["REDIS_URL"] = embedded_redis.ensure(settings.instance_dir)
    port = os.environ.get("PORT", "5000")
    children = [_spawn("web", env), _spawn("worker", env)]
    _welcome(settings, port)
    _wait(children)


def _spawn(command: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "service", command], env=env)


def _welcome(settings, port: str) -> None:
    mode = ("local mode: texts are kept in the local outbox, not sent"
            if settings.local_mode else "sending through Twilio")
    click.echo(f"""
Brewline is running on http://127.0.0.1:{port}  ({mode})
  database: {settings.database_url}
Next:
  - try the survey as a participant:   .venv/bin/brewline chat
  - see what people said:              .venv/bin/brewline export answers --format csv
  - check it is healthy:               curl http://127.0.0.1:{port}/healthz
Press Ctrl-C to stop.
""")


def _wait(children: list[subprocess.Popen]) -> None:
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            child.wait(timeout=20)


def gunicorn_args(app: str, host: str, port: str, workers: str, threads: str) -> list[str]:
    """The production gunicorn command line (the benchmark runs exactly this)."""
    return [
        sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}",
        "--workers", workers, "--threads", threads,
        "--timeout", "10", "--graceful-timeout", "10", "--access-logfile", "-",
        "--access-logformat", '%(h)s "%(r)s" %(s)s %(b)s %(M)sms',
        app]


@click.command("web")
@click.option("--workers", default=lambda: os.environ.get("WEB_CONCURRENCY", "2"))
def web(workers: str) -> None:
    """Serve the web app with gunicorn (timeout below Twilio's 15 seconds)."""
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "5000")
    args = gunicorn_args("service.app:create_app()", host, port, workers,
                         os.environ.get("WEB_THREADS", "4"))
    os.execv(sys.executable, args)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run an RQ worker with the scheduler, and the outbox sweeper."""
    from rq import SimpleWorker
    from rq.exceptions import StopRequested

    from service import reminders
    from service.runtime import Runtime
    from workers import context

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    runtime = Runtime(from_env())
    context.use(runtime)
    stop = threading.Event()
    sweep_seconds = float(os.environ.get("BREWLINE_SWEEP_SECONDS", SWEEP_SECONDS))
    for tasks, seconds in ((SWEEPS, sweep_seconds), (WATCHES, WATCH_SECONDS)):
        threading.Thread(target=_repeat, args=(runtime, stop, tasks, seconds), daemon=True).start()
    threading.Thread(target=reminders.run_forever, args=(runtime, stop), daemon=True).start()
    while True:
        # SimpleWorker runs jobs in this process, so the database pool is reused, not forked.
        rq_worker = SimpleWorker([runtime.queue], connection=runtime.redis)
        # Retry a lost Redis every few seconds, not RQ's default of up to a minute.
        rq_worker.max_connection_wait_time = 5.0
        try:
            rq_worker.work(burst=burst, with_scheduler=True)
        except redis.RedisError as exc:
            logging.getLogger("brewline.worker").warning("Redis went away (%s)", exc)
        # RQ quits on some Redis errors; carry on unless we were asked to stop.
        if burst or rq_worker._shutdown_requested_date is not None:
            break
        try:
            time.sleep(1)
        except StopRequested:  # RQ's SIGTERM handler, still installed, raises this
            break
    stop.set()


# Periodic tasks the worker's sweeper runs, each given the runtime: add lines, not loops.
SWEEPS = ["workers.sweeper.sweep_once", "service.spool.drain",
          "service.erasure.sweep_retention"]
# Run every second: answers held for ANSWER_WINDOW are joined soon after it passes.
WATCHES = ["service.answer_window.close_due"]


def _repeat(runtime, stop: threading.Event, names: list[str], seconds: float) -> None:
    import importlib

    tasks = [getattr(importlib.import_module(m), f) for m, f in (n.rsplit(".", 1) for n in names)]
    while not stop.wait(seconds):
        for task in tasks:
            try:
                task(runtime)
            except Exception:
                logging.getLogger("brewline.sweeper").exception(
                    "%s failed; trying again later", task.__name__)


COMMANDS = [run, web, worker]
