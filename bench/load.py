"""A keep-alive HTTP load generator in plain Python: N client threads, each its own connection."""
from __future__ import annotations

import http.client
import itertools
import statistics
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from brewline.texts.wording import own_reply

SORRY = own_reply("error")[:40].encode()

# A script yields (path, form) pairs for one client; the generator signs and sends them.
Script = Callable[[int], Iterator[tuple[str, dict]]]


@dataclass
class Result:
    """What one load level measured."""

    clients: int
    seconds: float
    rate: float | None = None  # offered requests a second, for an open-loop run
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    sorry: int = 0  # 200s whose reply says something went wrong on our side

    @property
    def requests(self) -> int:
        return len(self.latencies)

    def summary(self) -> dict:
        ordered = sorted(self.latencies) or [0.0]
        return {
            "clients": self.clients, "requests": self.requests,
            **({"offered_rps": self.rate} if self.rate else {}),
            "rps": round(self.requests / self.seconds, 1),
            "p50_ms": round(1000 * statistics.median(ordered), 2),
            "p99_ms": round(1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "errors": self.errors, "sorry_replies": self.sorry,
        }


class Signer:
    """Signs forms the way Twilio does, for the public address the server checks against."""

    def __init__(self, token: str, public_base: str):
        self.validator, self.base = RequestValidator(token), public_base

    def request(self, path: str, form: dict) -> tuple[bytes, dict]:
        body = urlencode(form).encode()
        return body, {"X-Twilio-Signature": self.validator.compute_signature(self.base + path, form),
                      "Content-Type": "application/x-www-form-urlencoded"}


def run(host: str, port: int, clients: int, seconds: float, script: Script, signer: Signer,
        progress: Callable[[str], None] = lambda line: None) -> Result:
    """Run `clients` threads for `seconds`, each sending its script over one keep-alive connection."""
    result, lock = Result(clients, seconds), threading.Lock()
    deadline = time.perf_counter() + seconds
    threads = [threading.Thread(target=_client, args=(host, port, script(n), signer, deadline,
                                                      result, lock), daemon=True)
               for n in range(clients)]
    for thread in threads:
        thread.start()
    _report_while(threads, result, deadline, progress)
    return result


def run_rate(host: str, port: int, rate: float, seconds: float, script: Script,
             signer: Signer, connections: int = 16,
             progress: Callable[[str], None] = lambda line: None) -> Result:
    """Open loop: requests start on a fixed schedule of `rate` a second, whatever the server
    does, over `connections` keep-alive connections. Latency counts from the scheduled start,
    so a server that falls behind shows its queue instead of slowing the clients down."""
    result, lock = Result(connections, seconds, rate), threading.Lock()
    start = time.perf_counter() + 0.1
    slots = iter(start + i / rate for i in range(int(rate * seconds)))
    threads = [threading.Thread(target=_scheduled_client, daemon=True, args=(
        host, port, script(n), signer, slots, result, lock)) for n in range(connections)]
    for thread in threads:
        thread.start()
    _report_while(threads, result, start + seconds, progress)
    return result


def _scheduled_client(host, port, script, signer, slots, result: Result, lock) -> None:
    connection = http.client.HTTPConnection(host, port, timeout=30)
    for path, form in script:
        with lock:
            due = next(slots, None)
        if due is None:
            break
        time.sleep(max(0.0, due - time.perf_counter()))
        connection = _send(connection, host, port, path, form, signer, due, result, lock)
    connection.close()


def _report_while(threads, result: Result, deadline: float, progress) -> None:
    for thread in threads:
        while thread.is_alive():
            thread.join(timeout=1.0)
            left = max(0.0, deadline - time.perf_counter())
            progress(f"{len(result.latencies)} requests done, {left:.0f}s left")


def _client(host, port, script, signer, deadline, result: Result, lock) -> None:
    connection = http.client.HTTPConnection(host, port, timeout=30)
    for path, form in script:
        if time.perf_counter() >= deadline:
            break
        connection = _send(connection, host, port, path, form, signer, None, result, lock)
    connection.close()


def _send(connection, host, port, path, form, signer, due, result: Result, lock):
    """One signed POST; its latency counts from `due` when given, else from now."""
    body, headers = signer.request(path, form)
    started = time.perf_counter() if due is None else due
    try:
        connection.request("POST", path, body, headers)
        response = connection.getresponse()
        body = response.read()
    except (OSError, http.client.HTTPException):
        with lock:
            result.errors += 1
        connection.close()
        return http.client.HTTPConnection(host, port, timeout=30)
    # list.append is atomic under the GIL, so progress can read the count live.
    result.latencies.append(time.perf_counter() - started)
    with lock:
        result.statuses[response.status] = result.statuses.get(response.status, 0) + 1
        result.sorry += SORRY in body
    return connection


def counter(prefix: str) -> Callable[[], str]:
    """Unique 34-character ids like SM07…0001, shared by every thread of one run."""
    numbers, width = itertools.count(1), 34 - len(prefix)
    return lambda: f"{prefix}{next(numbers):0{width}x}"
