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

from service import embedded_redis, migrate
from service.settings import from_env

SWEEP_SECONDS = 15


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


@click.command("web")
@click.option("--workers", default=lambda: os.environ.get("WEB_CONCURRENCY", "2"))
def web(workers: str) -> None:
    """Serve the web app with gunicorn (timeout below Twilio's 15 seconds)."""
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "5000")
    os.execv(sys.executable, [
        sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}",
        "--workers", workers, "--threads", os.environ.get("WEB_THREADS", "4"),
        "--timeout", "10", "--graceful-timeout", "10", "--access-logfile", "-",
        "--access-logformat", '%(h)s "%(r)s" %(s)s %(b)s %(M)sms',
        "service.app:create_app()"])


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run an RQ worker with the scheduler, and the outbox sweeper."""
    from rq import SimpleWorker

    from service import reminders
    from service.runtime import Runtime
    from workers import context

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    runtime = Runtime(from_env())
    context.use(runtime)
    stop = threading.Event()
    threading.Thread(target=_sweep_forever, args=(runtime, stop), daemon=True).start()
    threading.Thread(target=reminders.run_forever, args=(runtime, stop), daemon=True).start()
    # SimpleWorker runs jobs in this process, so the database pool is reused, not forked.
    SimpleWorker([runtime.queue], connection=runtime.redis).work(
        burst=burst, with_scheduler=True)
    stop.set()


def _sweep_forever(runtime, stop: threading.Event) -> None:
    from workers.sweeper import sweep_once

    while not stop.wait(SWEEP_SECONDS):
        try:
            sweep_once(runtime)
        except Exception:
            logging.getLogger("brewline.sweeper").exception("sweep failed; trying again later")


COMMANDS = [run, web, worker]
