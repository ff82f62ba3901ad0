"""Process commands: `brewline run` (everything), `brewline web`, `brewline worker`."""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time

import click

from brewline import wiring
from brewline.cli import db
from brewline.platform import embedded_redis
from brewline.platform.runtime import Runtime
from brewline.platform.settings import from_env
from workers import loop

WEB_APP = "brewline.web:create_app()"


@click.command("run")
def run() -> None:
    """Migrate, then start web, worker and scheduler together on this machine."""
    settings = from_env()
    _upgrade(settings)
    env = dict(os.environ)
    if not settings.redis_url:
        env["REDIS_URL"] = embedded_redis.ensure(settings.instance_dir)
    port = os.environ.get("PORT", "5000")
    children = [_spawn("web", env), _spawn("worker", env)]
    _welcome(settings, port)
    _wait(children)


def _upgrade(settings) -> None:
    """As `brewline db upgrade`: the schema, then the shipped question sets."""
    wiring.register()
    process = Runtime(settings)
    try:
        db.upgrade(process)
    finally:
        process.close()


def _spawn(command: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "brewline", command], env=env)


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
    args = gunicorn_args(WEB_APP, host, port, workers,
                         os.environ.get("WEB_THREADS", "4"))
    os.execv(sys.executable, args)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run an RQ worker with the scheduler, and the outbox sweeper."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # The Twilio client logs every request's headers at INFO: noise, not news.
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
    loop.run(Runtime(from_env()), burst)


COMMANDS = [run, web, worker]
