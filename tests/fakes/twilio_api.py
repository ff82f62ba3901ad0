"""A local stand-in for Twilio's REST API that the real twilio client can talk to."""

import argparse
import base64
import binascii
import json
import math
import re
import signal
import socket
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

API_VERSION = "2010-04-01"
DEFAULT_ACCOUNT_SID = "AC" + "f" * 32
DEFAULT_AUTH_TOKEN = "fake-auth-token"

_CREATE_PATH = re.compile(r"^/2010-04-01/Accounts/([^/]+)/(Messages|Calls)\.json$")
_RECORDING_PATH = re.compile(
    r"^/2010-04-01/Accounts/([^/]+)/Recordings/(RE\w+)\.(mp3|wav|json)$"
)
# Twilio sends these as repeated form keys, so they are kept as lists even when single.
_LIST_FIELDS = frozenset({"StatusCallbackEvent", "RecordingStatusCallbackEvent", "MediaUrl"})
_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")
_REQUIRED = {
    "Messages": (
        (("To",), 21604, "A 'To' phone number is required."),
        (("From", "MessagingServiceSid"), 21603, "A 'From' phone number is required."),
        (("Body", "MediaUrl", "ContentSid"), 21619, "A text message body or media urls must be specified."),
    ),
    "Calls": (
        (("To",), 21201, "No 'To' number is specified"),
        (("From",), 21213, "No 'From' number is specified"),
        (("Url", "Twiml", "ApplicationSid"), 21205, "Url parameter is required."),
    ),
}


@dataclass
class Reply:
    """One HTTP response the fake will send."""

    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict = field(default_factory=dict)


@dataclass
class _Failure:
    """A scripted error answer, consumed by the next `remaining` create requests."""

    reply: Reply
    remaining: int


def segment_count(body: str) -> int:
    """Number of SMS segments Twilio would bill for this body (GSM-7 or UCS-2)."""
    if all(c in _GSM7_BASIC or c in _GSM7_EXTENDED for c in body):
        units = len(body) + sum(c in _GSM7_EXTENDED for c in body)
        single, multi = 160, 153
    else:
        units = len(body.encode("utf-16-le")) // 2
        single, multi = 70, 67
    return 1 if units <= single else math.ceil(units / multi)


def busiest_second(times: list[float]) -> int:
    """The most requests inside any one-second window (times as in `requests[i]["at"]`)."""
    times = sorted(times)
    start, best = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def error_reply(status: int, code: int, message: str, headers: dict | None = None) -> Reply:
    """A Twilio-format JSON error."""
    payload = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return Reply(status, json.dumps(payload).encode(), headers=headers or {})


def _json_reply(status: int, payload: dict) -> Reply:
    """A JSON success response."""
    return Reply(status, json.dumps(payload).encode())


def _not_found(path: str) -> Reply:
    """Twilio's answer for an unknown resource."""
    return error_reply(404, 20404, f"The requested resource {path} was not found")


def _parse_form(raw: bytes) -> dict:
    """Decode a form body, keeping repeated and list-typed fields as lists."""
    parsed = parse_qs(raw.decode("utf-8"), keep_blank_values=True)
    return {
        key: values if key in _LIST_FIELDS or len(values) > 1 else values[0]
        for key, values in parsed.items()
    }


def _basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(username, password) from a Basic Authorization header, or None."""
    scheme, _, encoded = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        username, sep, password = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (username, password) if sep else None


def _now_rfc2822() -> str:
    """Current time in the RFC 2822 form Twilio uses for date fields."""
    return time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())


def _message_resource(account_sid: str, sid: str, form: dict) -> dict:
    """JSON body of a freshly created Message."""
    now = _now_rfc2822()
    uri = f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}"
    body = form.get("Body", "")
    return {
        "account_sid": account_sid,
        "api_version": API_VERSION,
        "body": body,
        "date_created": now,
        "date_sent": None,
        "date_updated": now,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": form.get("From"),
        "messaging_service_sid": form.get("MessagingServiceSid"),
        "num_media": str(len(form.get("MediaUrl", []))),
        "num_segments": str(segment_count(body)),
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "queued",
        "subresource_uris": {"media": f"{uri}/Media.json", "feedback": f"{uri}/Feedback.json"},
        "to": form.get("To"),
        "uri": f"{uri}.json",
    }


def _call_resource(account_sid: str, sid: str, form: dict) -> dict:
    """JSON body of a freshly created Call."""
    now = _now_rfc2822()
    uri = f"/{API_VERSION}/Accounts/{account_sid}/Calls/{sid}"
    return {
        "account_sid": account_sid,
        "annotation": None,
        "answered_by": None,
        "api_version": API_VERSION,
        "caller_name": None,
        "date_created": now,
        "date_updated": now,
        "direction": "outbound-api",
        "duration": None,
        "end_time": None,
        "forwarded_from": None,
        "from": form.get("From"),
        "from_formatted": form.get("From"),
        "group_sid": None,
        "parent_call_sid": None,
        "phone_number_sid": None,
        "price": None,
        "price_unit": "USD",
        "queue_time": "0",
        "sid": sid,
        "start_time": None,
        "status": "queued",
        "subresource_uris": {"recordings": f"{uri}/Recordings.json", "events": f"{uri}/Events.json"},
        "to": form.get("To"),
        "to_formatted": form.get("To"),
        "trunk_sid": None,
        "uri": f"{uri}.json",
    }


class FakeTwilio:
    """Twilio REST API double: records what it receives and answers in Twilio's format."""

    def __init__(
        self,
        account_sid: str = DEFAULT_ACCOUNT_SID,
        auth_token: str = DEFAULT_AUTH_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
    ):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.delay = 0.0
        self.messages: list[dict] = []
        self.calls: list[dict] = []
        self.deleted_recordings: list[str] = []
        self.requests: list[dict] = []
        self.connections_opened = 0
        self._address = (host, port)
        self._recordings: dict[str, tuple[bytes, str]] = {}
        self._message_resources: list[dict] = []
        self._failures: deque[_Failure] = deque()
        self._outage: Reply | None = None
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL to hand to the client, e.g. http://127.0.0.1:54321."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeTwilio":
        """Bind the port and serve from a daemon thread."""
        self._server = _Server(self._address, _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # stop() waits up to one poll interval
            name="fake-twilio",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close every socket, including idle keep-alive ones."""
        if self._server is None:
            return
        self._server.shutdown()
        self._drop_connections()
        self._server.server_close()
        self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> "FakeTwilio":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def add_recording(self, sid: str, data: bytes, content_type: str = "audio/mpeg") -> None:
        """Make GET .../Recordings/{sid}.mp3 (or .wav) return these bytes."""
        with self._lock:
            self._recordings[sid] = (data, content_type)

    def fail_next(
        self,
        status: int = 429,
        code: int = 20429,
        message: str = "Too Many Requests",
        retry_after: float | str | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` create requests with this Twilio error."""
        headers = {} if retry_after is None else {"Retry-After": _header_value(retry_after)}
        with self._lock:
            self._failures.append(_Failure(error_reply(status, code, message, headers), times))

    def fail_all(
        self,
        status: int = 503,
        code: int = 20500,
        message: str = "Service Unavailable",
        retry_after: float | str | None = None,
    ) -> None:
        """Answer every create request with this Twilio error until recover() (an outage)."""
        headers = {} if retry_after is None else {"Retry-After": _header_value(retry_after)}
        with self._lock:
            self._outage = error_reply(status, code, message, headers)

    def recover(self) -> None:
        """End the outage fail_all() began."""
        with self._lock:
            self._outage = None

    def clear(self) -> None:
        """Forget everything received and any scripted failures."""
        with self._lock:
            self.messages.clear()
            self.calls.clear()
            self.deleted_recordings.clear()
            self.requests.clear()
            self._failures.clear()
            self._message_resources.clear()
            self._outage = None

    def handle(self, method: str, path: str, headers: Mapping[str, str], form: dict) -> Reply:
        """Record one request and compute the reply."""
        with self._lock:
            self.requests.append(
                {"method": method, "path": path, "headers": dict(headers), "form": form,
                 "at": time.time()}
            )
        if self.delay:
            time.sleep(self.delay)
        if _basic_credentials(headers.get("Authorization")) != (self.account_sid, self.auth_token):
            # Twilio's 401 carries code 20003 and a Basic challenge.
            return error_reply(401, 20003, "Authenticate", {"WWW-Authenticate": 'Basic realm="Twilio API"'})
        return self._route(method, path, form)

    def _route(self, method: str, path: str, form: dict) -> Reply:
        """Dispatch an authenticated request to its endpoint."""
        create = _CREATE_PATH.match(path)
        if create and method == "POST" and create[1] == self.account_sid:
            return self._create(create[2], form)
        if create and method == "GET" and create[1] == self.account_sid and create[2] == "Messages":
            return self._list_messages(path, form)
        recording = _RECORDING_PATH.match(path)
        if recording and recording[1] == self.account_sid:
            sid, extension = recording[2], recording[3]
            if method == "GET" and extension in ("mp3", "wav"):
                return self._recording_media(sid, path)
            if method == "DELETE" and extension == "json":
                return self._delete_recording(sid)
        return _not_found(path)

    def _create(self, kind: str, form: dict) -> Reply:
        """POST Messages.json / Calls.json."""
        failure = self._take_failure() or _missing_parameter(kind, form)
        if failure:
            return failure
        prefix, store, resource = (
            ("SM", self.messages, _message_resource)
            if kind == "Messages"
            else ("CA", self.calls, _call_resource)
        )
        sid = prefix + uuid.uuid4().hex
        created = resource(self.account_sid, sid, form)
        with self._lock:
            store.append({**form, "sid": sid})
            if kind == "Messages":
                self._message_resources.append(created)
        return _json_reply(201, created)

    def _list_messages(self, path: str, query: dict) -> Reply:
        """GET Messages.json?To=&From=: newest first, one page (enough for the tests)."""
        wanted = {"to": query.get("To"), "from": query.get("From")}
        with self._lock:
            found = [m for m in reversed(self._message_resources)
                     if all(v is None or m[k] == v for k, v in wanted.items())]
        size = int(query.get("PageSize") or 50)
        return _json_reply(200, {
            "messages": found[:size], "page": 0, "page_size": size, "start": 0,
            "end": max(0, min(size, len(found)) - 1), "uri": path, "first_page_uri": path,
            "next_page_uri": None, "previous_page_uri": None})

    def _take_failure(self) -> Reply | None:
        """Consume one scripted failure, if any is pending."""
        with self._lock:
            if self._outage is not None:
                return self._outage
            if not self._failures:
                return None
            failure = self._failures[0]
            failure.remaining -= 1
            if failure.remaining <= 0:
                self._failures.popleft()
            return failure.reply

    def _recording_media(self, sid: str, path: str) -> Reply:
        """GET Recordings/{sid}.mp3|.wav."""
        with self._lock:
            media = self._recordings.get(sid)
        if media is None:
            return _not_found(path)
        return Reply(200, media[0], content_type=media[1])

    def _delete_recording(self, sid: str) -> Reply:
        """DELETE Recordings/{sid}.json."""
        with self._lock:
            self._recordings.pop(sid, None)
            self.deleted_recordings.append(sid)
        return Reply(204, content_type="")

    def _track(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)
            self.connections_opened += 1

    def _untrack(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)

    def _drop_connections(self) -> None:
        """Wake handler threads parked on idle keep-alive sockets so they exit."""
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def _missing_parameter(kind: str, form: dict) -> Reply | None:
    """Twilio's 400 for the first required parameter group absent from the form."""
    for names, code, message in _REQUIRED[kind]:
        if not any(form.get(name) for name in names):
            return error_reply(400, code, message)
    return None


def _header_value(value: float | str) -> str:
    """Render Retry-After as Twilio would: whole seconds without a decimal point."""
    return value if isinstance(value, str) else f"{value:g}"


class _Server(ThreadingHTTPServer):
    """Threaded server that ignores clients hanging up mid-response."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """Clients that time out and disconnect are expected, not errors."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Thin HTTP adapter around FakeTwilio.handle."""

    protocol_version = "HTTP/1.1"  # keep-alive, so a pooled client can reuse connections
    disable_nagle_algorithm = True  # headers and body go out in two writes; avoid 40 ms stalls
    server_version = "FakeTwilio/1.0"

    def setup(self) -> None:
        super().setup()
        self.server.fake._track(self.connection)

    def finish(self) -> None:
        self.server.fake._untrack(self.connection)
        super().finish()

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def log_message(self, format: str, *args) -> None:
        """Stay quiet: the benchmark sends hundreds of requests a second."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = _parse_form(self.rfile.read(length)) if length else {}
        path, query = urlsplit(self.path)[2:4]
        if self.command == "GET" and query:
            form = _parse_form(query.encode())
        reply = self.server.fake.handle(self.command, path, self.headers, form)
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        if reply.status != 204:
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if reply.body:
            self.wfile.write(reply.body)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run the fake Twilio REST API in the foreground.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--account-sid", default=DEFAULT_ACCOUNT_SID)
    parser.add_argument("--auth-token", default=DEFAULT_AUTH_TOKEN)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait per request")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM)."""
    args = _parse_args(argv)
    # SIGINT too: shells start background jobs (e.g. `make bench`) with SIGINT ignored.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: sys.exit(0))
    fake = FakeTwilio(args.account_sid, args.auth_token, args.host, args.port)
    fake.delay = args.delay
    with fake:
        print(f"fake twilio listening on {fake.url}", flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
