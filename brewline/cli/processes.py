"""Process commands: `brewline run` (everything), `brewline web`, `brewline worker`."""
from __future__ import annotations

import logging
import os
import socket
import sys
import time
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from brewline import wiring
from brewline.cli import db
from brewline.cli.common import fail
from brewline.cli.supervisor import Child, Supervisor
from brewline.platform import embedded_redis
from brewline.platform.runtime import Runtime
from brewline.platform.settings import from_env
from workers import loop

WEB_APP = "brewline.web:create_app()"


@click.command("run")
def run() -> None:
    """Migrate, then start web, worker and scheduler together on this machine."""
    settings = from_env()
    host, port = os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "5000")
    refuse_a_busy_port(host, port)
    _upgrade(settings)
    env = dict(os.environ)
    if not settings.redis_url:
        env["REDIS_URL"] = embedded_redis.ensure(settings.instance_dir)
    children = [Child("web server", _command("web"), env), Child("worker", _command("worker"), env)]
    supervisor = Supervisor(children, say=click.echo)
    supervisor.run(on_started=lambda: _welcome_once_listening(settings, host, port,
                                                              supervisor.stop))
    click.echo("Brewline has stopped.")


def _upgrade(settings) -> None:
    """As `brewline db upgrade`: the schema, then the shipped question sets."""
    wiring.register()
    process = Runtime(settings)
    try:
        db.upgrade(process)
    finally:
        process.close()


def _command(name: str) -> list[str]:
    return [sys.executable, "-m", "brewline", name]


def refuse_a_busy_port(host: str, port: str) -> None:
    """Stop with one plain line if something already listens where we would."""
    if not port.isdigit():
        fail(f"PORT must be a number, not {port!r}")
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind((host, int(port)))
        except OSError as exc:
            fail(f"cannot listen on {host}:{port} ({exc.strerror or exc}). Is Brewline, or "
                 f"something else, already running there? Stop it, or set PORT to another "
                 f"number.")


def _welcome_once_listening(settings, host: str, port: str, stop) -> None:
    """The banner, once the web server answers (or after 30 s, saying it does not yet)."""
    deadline = time.monotonic() + 30
    while not _listening(host, port) and time.monotonic() < deadline:
        if stop.wait(0.2):
            return
    if not _listening(host, port):
        click.echo(f"The web server is not answering on {host}:{port} yet; see above.")
    click.echo(welcome(settings, port))


def _listening(host: str, port: str) -> bool:
    try:
        with socket.create_connection((host, int(port)), timeout=0.5):
            return True
    except OSError:
        return False


def welcome(settings, port: str) -> str:
    """What `brewline run` says once it is up: where it is, and what to do next."""
    mode = ("local mode: texts are kept here, not sent"
            if settings.local_mode else "sending through Twilio")
    url, me = f"http://127.0.0.1:{port}", _me()
    return f"""
Brewline is running on {url}  ({mode})
  database: {make_url(settings.database_url).render_as_string(hide_password=True)}
Next:
  1. make yourself an organiser account:  {me} users add you@example.org --generate
  2. open {url} and sign in: the organiser pages (Overview, Needs a look,
     Answers, Question sets, Contacts, Invites, Vouchers) and the Simulator, a phone
     on screen that texts or rings Brewline
  3. try the survey as a participant:     {me} chat   (or: {me} chat --voice)
  4. see what people said:                {me} export answers --format csv
  Health check: curl {url}/healthz
Press Ctrl-C to stop.
"""


def _me() -> str:
    """How to run this same `brewline` from where the person is."""
    local = Path(".venv/bin/brewline")
    return str(local) if local.exists() else "brewline"


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
    refuse_a_busy_port(host, port)
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
