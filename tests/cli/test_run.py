"""`brewline run` as a person meets it: what it says, a child that dies brought back, a quiet
stop on Ctrl-C or SIGTERM, a busy port refused; and any command in a folder with no
database says so in one line. Real processes: the supervisor, gunicorn, the worker and the
embedded Redis, on a SQLite file in a temporary folder."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fault.conftest import ROOT, free_port, wait_until

pytestmark = pytest.mark.fault


def environment(folder: Path, port: int) -> dict:
    """A fresh folder's environment: the embedded defaults, local mode."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DATABASE_URL", "REDIS_URL", "TWILIO_", "BREWLINE_"))}
    return {**env, "PORT": str(port), "BREWLINE_INSTANCE": str(folder / "instance"),
            "PYTHONPATH": str(ROOT)}


class Run:
    """`brewline run` in its own process group, as a terminal would start it."""

    def __init__(self, folder: Path, port: int):
        self.output = folder / "run.log"
        with open(self.output, "wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "brewline", "run"], cwd=folder,
                env=environment(folder, port), stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)

    def said(self) -> str:
        return self.output.read_text(errors="replace")

    def children(self) -> dict[str, int]:
        """pid of each child (web, worker)."""
        found = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
                command = (stat.parent / "cmdline").read_bytes().split(b"\0")
            except (OSError, IndexError, ValueError):
                continue
            if parent == self.process.pid:  # `brewline web` becomes gunicorn
                found["worker" if b"worker" in command else "web"] = int(stat.parent.name)
        return found

    def ctrl_c(self, signum: int = signal.SIGINT) -> float:
        """What the terminal does on Ctrl-C (SIGINT to the foreground group); seconds to stop."""
        began = time.monotonic()
        os.killpg(self.process.pid, signum)
        self.process.wait(timeout=30)
        return time.monotonic() - began

    def end(self) -> None:
        """Stop it as a person would (so it stops its embedded Redis too), else kill it."""
        left = self.children()
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        for pid in left.values():
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.fixture
def started(tmp_path):
    runs: list[Run] = []

    def start(port: int | None = None) -> Run:
        runs.append(Run(tmp_path, port or free_port()))
        return runs[-1]
    yield start
    for run in runs:
        run.end()


def up(run: Run) -> Run:
    wait_until(lambda: "Press Ctrl-C to stop." in run.said() or run.process.poll() is not None,
               60, "brewline run starting")
    assert run.process.poll() is None, run.said()
    return run


def gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_brewline_run_says_what_to_open_next(started):
    said = up(started()).said()
    assert "Brewline is running on http://127.0.0.1:" in said
    assert "brewline users add you@example.org --generate" in said
    assert "organiser pages" in said and "the Simulator" in said
    assert "brewline chat" in said


def test_brewline_run_brings_back_a_worker_that_dies_then_stops_quietly_on_ctrl_c(started):
    run = up(started())
    first = wait_until(lambda: run.children().get("worker"), 10, "the worker running")
    web = run.children()["web"]
    os.kill(first, signal.SIGKILL)
    again = wait_until(lambda: run.children().get("worker") not in (None, first), 20,
                       "a new worker")
    assert "The worker stopped (exit status -9); starting it again in 1 s." in run.said()

    seconds = run.ctrl_c()
    print(f"stopped {seconds:.1f} s after Ctrl-C")
    said = run.said()
    assert run.process.returncode == 0 and said.rstrip().endswith("Brewline has stopped.")
    assert seconds < 8  # SIGKILL after 5 s for any child slower than that
    assert "Traceback" not in said and "SIGKILL" not in said
    assert gone(web) and gone(again)


def test_brewline_run_stops_as_quietly_on_sigterm(started):
    run = up(started())
    children = run.children()
    assert run.ctrl_c(signal.SIGTERM) < 8
    assert run.process.returncode == 0 and "Traceback" not in run.said()
    assert all(gone(pid) for pid in children.values())


def test_brewline_run_on_a_port_already_in_use_refuses_in_one_line_with_a_non_zero_exit(
        started):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        run = started(taken.getsockname()[1])
        run.process.wait(timeout=30)
    said = run.said().strip()
    assert run.process.returncode != 0
    assert said.startswith("Error: cannot listen on 127.0.0.1:") and "\n" not in said
    assert "already running there" in said and "set PORT" in said


def brewline(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in environment(folder, 5000).items() if k != "BREWLINE_INSTANCE"}
    return subprocess.run([sys.executable, "-m", "brewline", *args], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=60)


def test_a_command_in_a_folder_with_no_database_says_so_in_one_line_and_makes_nothing(
        tmp_path):
    result = brewline(tmp_path, "export", "messages", "--format", "csv")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: there is no Brewline database here "
                                    "(instance/brewline.db does not exist).")
    assert result.stderr.count("\n") == 1 and "brewline db upgrade" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_command_on_a_database_without_tables_says_to_upgrade_in_one_line(tmp_path):
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "brewline.db").touch()
    result = brewline(tmp_path, "contacts", "erase", "+447700900123", "--yes")
    assert result.returncode == 2
    assert result.stderr.startswith("Error: the database at sqlite:///")
    assert "has no Brewline tables" in result.stderr and "brewline db upgrade" in result.stderr
    assert result.stderr.count("\n") == 1


def test_brewline_web_on_a_port_already_in_use_refuses_in_one_line_too(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        (tmp_path / "instance").mkdir()
        (tmp_path / "instance" / "brewline.db").touch()  # a database is there
        result = subprocess.run([sys.executable, "-m", "brewline", "web"], cwd=tmp_path,
                                env=environment(tmp_path, port), capture_output=True,
                                text=True, timeout=60)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"Error: cannot listen on 127.0.0.1:{port}")
    assert result.stderr.count("\n") == 1
