"""Start the real stack for the benchmark: database, Redis, gunicorn servers, a job worker."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from brewline import wiring
from brewline.cli.processes import gunicorn_args
from brewline.platform import embedded_redis, migrate
from brewline.platform.runtime import Runtime
from brewline.platform.settings import from_env
from brewline.surveys import question_sets

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-auth-token-0123456789abcdef"
ACCOUNT = "AC" + "b" * 32
PUBLIC = "https://bench.brewline.example"
BREWLINE_APP = "brewline.web:create_app()"
CEILING_APP = "bench.ceiling:create_app()"
FLOOR_APP = "bench.floor:create_app()"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Stack:
    """Everything the benchmark started; stop() ends exactly these processes."""

    folder: Path
    env: dict
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)

    def start_web(self, name: str, app: str) -> int:
        """A gunicorn with the production settings (`brewline web`) serving `app`."""
        port = free_port()
        args = gunicorn_args(app, "127.0.0.1", str(port), self.env.get("WEB_CONCURRENCY", "2"),
                             self.env.get("WEB_THREADS", "4"))
        log = open(self.folder / f"{name}.log", "wb")
        self.processes[name] = subprocess.Popen(args, env=self.env, cwd=ROOT, stdout=log,
                                                stderr=subprocess.STDOUT)
        self.ports[name] = port
        _wait_for(f"http://127.0.0.1:{port}/", self.processes[name])
        return port

    def start_worker(self) -> None:
        log = open(self.folder / "worker.log", "wb")
        self.processes["worker"] = subprocess.Popen(
            [sys.executable, "-m", "brewline", "worker"], env=self.env, cwd=ROOT, stdout=log,
            stderr=subprocess.STDOUT)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def prepare(twilio_url: str) -> Stack:
    """A temporary instance folder, a migrated database and a Redis, as the environment says."""
    folder = Path(tempfile.mkdtemp(prefix="brewline-bench-"))
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{folder / 'bench.db'}")
    if not env.get("REDIS_URL"):
        env["REDIS_URL"] = embedded_redis.ensure(folder / "redis")
    env.update(BREWLINE_INSTANCE=str(folder / "instance"), PUBLIC_BASE_URL=PUBLIC,
               TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_AUTH_TOKEN=TOKEN,
               TWILIO_PHONE_NUMBER="+447700900000", TWILIO_API_BASE_URL=twilio_url,
               QUIET_HOURS="", PYTHONPATH=str(ROOT))
    migrate.fresh(env["DATABASE_URL"])
    _seed(env)
    return Stack(folder, env)


def _seed(env: dict) -> None:
    """The shipped question set, as `brewline db upgrade` writes it."""
    wiring.register()
    runtime = Runtime(from_env(env))
    try:
        question_sets.seed(runtime, datetime.now(timezone.utc))
    finally:
        runtime.close()


def _wait_for(url: str, process: subprocess.Popen) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError(f"the server for {url} stopped as it started")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return  # it answered (404 is fine: it is listening)
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within 10 seconds")


def children(pid: int) -> list[int]:
    """Direct child process ids (gunicorn's workers under its master)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def rss_mb(pid: int) -> float | None:
    """Resident set size of a process, in MB, from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None
