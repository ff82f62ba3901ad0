"""The benchmark's load generator: closed loop, and open loop that cannot hide a queue."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest
from twilio.request_validator import RequestValidator

from bench import load

PAUSE = 0.05  # the slow server's work per request


class Slow(BaseHTTPRequestHandler):
    """Answers every POST after PAUSE, one at a time (a server with a single worker)."""

    protocol_version = "HTTP/1.1"
    turn = threading.Lock()
    seen: list[tuple[str, str, str]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.turn:
            time.sleep(PAUSE)
        Slow.seen.append((self.path, self.headers["X-Twilio-Signature"], body.decode()))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def slow_server():
    Slow.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def script(client: int):
    for n in range(10_000):
        yield "/twilio/sms", {"From": f"+4477009{client:05d}", "Body": f"text {n}"}


SIGNER = load.Signer("token", "https://example.org")


def test_an_open_loop_run_counts_the_queue_a_slow_server_builds(slow_server):
    # 40 a second offered to a server that can do 20: each request waits longer than the last.
    result = load.run_rate("127.0.0.1", slow_server, rate=40, seconds=1.0, script=script,
                           signer=SIGNER, connections=8)

    assert result.requests == 40 and result.errors == 0
    assert max(result.latencies) >= 0.7  # the last one was due at ~1 s and served at ~2 s
    assert result.summary()["offered_rps"] == 40


def test_an_open_loop_run_under_capacity_sees_only_the_work(slow_server):
    result = load.run_rate("127.0.0.1", slow_server, rate=5, seconds=1.0, script=script,
                           signer=SIGNER, connections=4)

    assert result.requests == 5
    assert all(PAUSE <= latency < 4 * PAUSE for latency in result.latencies)


def test_every_request_is_signed_for_its_own_form(slow_server):
    load.run("127.0.0.1", slow_server, clients=2, seconds=0.3, script=script, signer=SIGNER)

    validator = RequestValidator("token")
    assert len(Slow.seen) >= 2
    for path, signature, body in Slow.seen:
        form = dict(parse_qsl(body))
        assert validator.validate("https://example.org" + path, form, signature)
        assert not validator.validate("https://example.org" + path, form | {"Body": "x"}, signature)
