"""The only module that talks to Twilio's REST API: texts, calls, recordings and
conferences (a live session by phone)."""

import email.utils
import math
import re
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

DEFAULT_TIMEOUT = 10.0
CLOCK_SKEW = timedelta(minutes=1)
POOL_SIZE = 32
CALL_STATUS_EVENTS = ["initiated", "ringing", "answered", "completed"]
RATE_LIMITED_CODE = 20429
OPTED_OUT_CODE = 21610
CANNOT_RECEIVE_CODES = frozenset({21211, 21614, 30006})

_RECORDING_PATH = re.compile(r"^/2010-04-01/Accounts/(AC\w+)/Recordings/(RE\w+)(?:\.\w+)?$")
_TRANSPORT_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


class SendError(Exception):
    """A Twilio REST call failed; `reason` never contains phone numbers or message text."""

    def __init__(self, code: int | None, reason: str, status: int | None = None):
        super().__init__(code, reason, status)
        self.code = code
        self.reason = reason
        self.status = status

    def __str__(self) -> str:
        return f"{self.reason} (twilio code {self.code}, HTTP {self.status})"


class RateLimited(SendError):
    """Twilio asked us to slow down; retry after `retry_after` seconds if known."""

    def __init__(
        self,
        retry_after: float | None,
        code: int | None = RATE_LIMITED_CODE,
        reason: str = "rate limited by twilio",
        status: int | None = 429,
    ):
        super().__init__(code, reason, status)
        self.args = (retry_after, code, reason, status)
        self.retry_after = retry_after

    def __str__(self) -> str:
        return f"{super().__str__()}, retry after {self.retry_after}s"


class TransientError(SendError):
    """Twilio failed or was unreachable; the same request may succeed later."""


class OptedOut(SendError):
    """The recipient has replied STOP to this sender."""


class CannotReceive(SendError):
    """The recipient's number cannot receive this (invalid, landline, unreachable)."""


class Rejected(SendError):
    """Twilio refused the request; retrying it unchanged will not help."""


def classify(status: int, code: int | None, retry_after: float | None = None) -> SendError:
    """The domain exception for a Twilio error response."""
    if status == 429 or code == RATE_LIMITED_CODE:
        return RateLimited(retry_after, code, status=status)
    if code == OPTED_OUT_CODE:
        return OptedOut(code, "recipient has opted out", status)
    if code in CANNOT_RECEIVE_CODES:
        return CannotReceive(code, "recipient cannot receive this", status)
    if status >= 500:
        return TransientError(code, "twilio server error", status)
    return Rejected(code, "twilio rejected the request", status)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = _seconds_until(value)
    return max(0.0, seconds) if seconds is not None and math.isfinite(seconds) else None


def _seconds_until(http_date: str) -> float | None:
    """Seconds from now until an HTTP-date, or None if it does not parse."""
    try:
        when = email.utils.parsedate_to_datetime(http_date)
    except (TypeError, ValueError):
        return None
    return when.timestamp() - time.time()


class _HttpClient(TwilioHttpClient):
    """TwilioHttpClient with pooled keep-alive for any scheme and per-thread last headers."""

    def __init__(self, timeout: float):
        super().__init__(pool_connections=True, timeout=timeout)
        # The stock client sizes its pool for https:// only; http:// (the local fake,
        # a proxy) would fall back to requests' default of 10 pooled connections.
        adapter = HTTPAdapter(pool_maxsize=POOL_SIZE)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        # requests re-reads proxy settings from the whole environment on every request
        # (a few ms each under load); with no proxy configured, skip that.
        if not urllib.request.getproxies():
            self.session.trust_env = False
        self._last = threading.local()

    def request(self, *args, **kwargs):
        """Send a request and remember its response headers for this thread."""
        self._last.headers = {}
        response = super().request(*args, **kwargs)
        self._last.headers = response.headers
        return response

    def last_response_headers(self):
        """Headers of this thread's latest response.

        TwilioRestException carries status and code but not headers, and the
        with_http_info variants only return headers on success, so Retry-After
        has to be caught here.
        """
        return getattr(self._last, "headers", None) or {}


def make_client(
    account_sid: str,
    auth_token: str,
    api_base_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Client:
    """A twilio Client with pooled connections, aimed at `api_base_url` when given."""
    client = Client(account_sid, auth_token, http_client=_HttpClient(timeout))
    if api_base_url:
        _point_api_at(client, api_base_url)
    return client


def _point_api_at(client: Client, base_url: str) -> None:
    """Send every api.twilio.com request to `base_url` instead."""
    # twilio 9.x has no public base-URL setting: region/edge only rewrite the
    # *.twilio.com hostname. All REST URLs for the api domain are built from
    # Domain.base_url, so override it, and drop region/edge (which TWILIO_REGION /
    # TWILIO_EDGE may have set) so get_hostname() does not mangle our host.
    client.api.base_url = base_url.rstrip("/")
    client.region = client.edge = None


def close_client(client: Client) -> None:
    """Close the client's pooled connections."""
    session = getattr(client.http_client, "session", None)
    if session is not None:
        session.close()


class TwilioRest:
    """Texts, calls and recordings through one Twilio account and sender number."""

    def __init__(self, client: Client, from_number: str):
        self._client = client
        self._from = from_number
        self._account = client.api.v2010.account
        self._base_url = client.api.base_url.rstrip("/")

    def send_sms(self, to: str, body: str, status_callback: str | None = None) -> str:
        """Queue a text message and return its SM sid."""
        with self._domain_errors():
            message = self._account.messages.create(
                to=to, from_=self._from, body=body, status_callback=status_callback
            )
        return message.sid

    def find_sms(self, to: str, body: str, since: datetime) -> str | None:
        """The sid of a text with this body sent to `to` from our number since `since`."""
        # Used only to settle a send whose outcome we lost; recent messages come first.
        since = since - CLOCK_SKEW
        with self._domain_errors():
            for message in self._account.messages.list(to=to, from_=self._from, limit=50):
                created = message.date_created
                if message.body == body and (created is None or created >= since):
                    return message.sid
        return None

    def place_call(
        self,
        to: str,
        url: str,
        status_callback: str | None = None,
        machine_detection: bool | str = True,
    ) -> str:
        """Start an outbound call that fetches TwiML from `url`; return its CA sid.

        `machine_detection` True means "Enable"; a string is Twilio's mode itself
        ("DetectMessageEnd" waits for a voicemail's beep).
        """
        options = {}
        if status_callback:
            options.update(status_callback=status_callback, status_callback_event=CALL_STATUS_EVENTS)
        if machine_detection:
            options["machine_detection"] = ("Enable" if machine_detection is True
                                            else machine_detection)
        with self._domain_errors():
            call = self._account.calls.create(to=to, from_=self._from, url=url, **options)
        return call.sid

    def fetch_recording(self, recording_url_or_sid: str) -> tuple[bytes, str]:
        """Download a recording's MP3 as (bytes, content type)."""
        # The twilio client has no media endpoint and its Response only exposes
        # decoded text, which would corrupt audio, so use its session directly.
        http_client = self._client.http_client
        session = getattr(http_client, "session", None) or requests
        timeout = getattr(http_client, "timeout", None) or DEFAULT_TIMEOUT
        with self._domain_errors():
            # Twilio answers media GETs with a redirect to storage; requests drops
            # the Authorization header when it follows it to another host.
            response = session.get(
                self._media_url(recording_url_or_sid),
                auth=self._client.auth,
                timeout=timeout,
                allow_redirects=True,
            )
        if response.status_code >= 400:
            raise _media_error(response)
        return response.content, response.headers.get("Content-Type", "audio/mpeg")

    def delete_recording(self, sid: str) -> None:
        """Delete a recording from Twilio."""
        with self._domain_errors():
            self._account.recordings(sid).delete()

    def update_participant(self, conference_sid: str, call_sid: str, **changes) -> None:
        """Change one person in a conference: `muted=True|False`, `announce_url=...`."""
        with self._domain_errors():
            self._account.conferences(conference_sid).participants(call_sid).update(**changes)

    def update_conference(self, conference_sid: str, **changes) -> None:
        """Change a conference: `status="completed"` ends it, `announce_url=...` says
        something to everyone in it."""
        with self._domain_errors():
            self._account.conferences(conference_sid).update(**changes)

    def _media_url(self, recording_url_or_sid: str) -> str:
        """Where to GET the MP3 for a recording sid or a callback's RecordingUrl."""
        if recording_url_or_sid.startswith("RE"):
            account_sid, sid = self._client.account_sid, recording_url_or_sid
        else:
            match = _RECORDING_PATH.match(urlsplit(recording_url_or_sid).path)
            if match is None:
                raise ValueError("not a Twilio recording URL")
            account_sid, sid = match.groups()
        # Only the path is taken from the callback: our credentials must never go
        # to a host named by a (possibly forged) request.
        return f"{self._base_url}/2010-04-01/Accounts/{account_sid}/Recordings/{sid}.mp3"

    def _retry_after(self) -> float | None:
        """Retry-After of the response that just failed on this thread, if any."""
        last_headers = getattr(self._client.http_client, "last_response_headers", None)
        return parse_retry_after(last_headers().get("Retry-After")) if last_headers else None

    @contextmanager
    def _domain_errors(self) -> Iterator[None]:
        """Translate twilio and transport exceptions into SendError subclasses."""
        try:
            yield
        except (TwilioRestException, TwilioServiceException) as exc:
            # `from None`: Twilio's own message may quote the phone number.
            raise classify(exc.status, exc.code, self._retry_after()) from None
        except _TRANSPORT_ERRORS as exc:
            raise TransientError(None, f"could not reach twilio ({type(exc).__name__})") from exc


def _media_error(response: requests.Response) -> SendError:
    """The domain exception for a failed media download."""
    try:
        payload = response.json()
    except ValueError:
        payload = None
    code = payload.get("code") if isinstance(payload, dict) else None
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    return classify(response.status_code, code, retry_after)
