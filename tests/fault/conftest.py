"""Real processes for fault tests: `brewline worker`s and gunicorn, with the fake Twilio API."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import ACCOUNT_SID, AUTH_TOKEN, PUBLIC_URL
from tests.fault.proxy import Proxy

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# These are liveness bounds, not speed checks (speed is `make bench`'s job): on a busy
# machine a correct run can be slow, so every bound is stretched by this factor.
PATIENCE = float(os.environ.get("BREWLINE_FAULT_PATIENCE", "3"))


def wait_until(check, seconds: float, what: str, step: float = 0.5):
    """Poll `check` until it returns something truthy; fail naming `what` after `seconds`."""
    seconds = seconds * PATIENCE
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"{what} did not happen within {seconds} seconds")


class Processes:
    """Starts Brewline processes with one environment and ends exactly those it started."""

    def __init__(self, env: dict, folder: Path):
        self.env, self.folder, self.started = env, folder, []

    def start(self, args: list[str], name: str, **env) -> subprocess.Popen:
        with open(self.folder / f"{name}-{len(self.started)}.log", "wb") as log:
            process = subprocess.Popen(args, env={**self.env, **env}, cwd=ROOT, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        self.started.append(process)
        return process

    def worker(self, **env) -> subprocess.Popen:
        return self.start([sys.executable, "-m", "brewline", "worker"], "worker", **env)

    def web(self, port: int, **env) -> subprocess.Popen:
        from brewline.cli.processes import gunicorn_args

        args = gunicorn_args("brewline.web:create_app()", "127.0.0.1", str(port), "2", "4")
        return self.start(args, "web", **env)

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        """kill -9 the process and everything it started (its own session)."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill(process)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in self.folder.glob("*.log"))


@pytest.fixture
def database_proxy(runtime):
    """A proxy in front of PostgreSQL, to make it unreachable on demand (SQLite cannot be)."""
    if runtime.store.is_sqlite:
        pytest.skip("a SQLite file cannot become unreachable; tests/delivery/test_spool.py and "
                    "tests/calls/test_database_down.py cover the spool")
    url = urlsplit(runtime.settings.database_url)
    proxy = Proxy((url.hostname or "127.0.0.1", url.port or 5432)).start()
    netloc = f"{url.username or 'postgres'}@127.0.0.1:{proxy.port}"
    yield proxy, urlunsplit(url._replace(netloc=netloc))
    proxy.cut()


@pytest.fixture
def fault_env(runtime, fake_twilio, tmp_path) -> dict:
    """The environment of every process a fault test starts (same database and Redis)."""
    settings = runtime.settings
    return {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": runtime.redis_url,
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_PHONE_NUMBER": "+447700900000", "TWILIO_API_BASE_URL": fake_twilio.url,
            "PUBLIC_BASE_URL": PUBLIC_URL, "BREWLINE_INSTANCE": str(tmp_path / "instance"),
            "QUIET_HOURS": "", "SEND_RATE": "1000", "BREWLINE_SWEEP_SECONDS": "0.5", "ANSWER_WINDOW": "0",
            # Short lease and queued-marker lives, so a killed worker's rows come back in seconds.
            "BREWLINE_LEASE_SECONDS": "3", "BREWLINE_QUEUED_MARKER_SECONDS": "3",
            "LANGUAGES": "en",  # as the in-process settings: calls start with the questions
            "PYTHONPATH": str(ROOT)}


@pytest.fixture
def processes(fault_env, tmp_path, request):
    started = Processes(fault_env, tmp_path)
    yield started
    started.stop_all()
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        print(started.logs())


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report
