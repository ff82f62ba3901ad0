"""Incoming-call webhooks under load, when POST /twilio/voice exists."""
from __future__ import annotations

import http.client
from typing import Iterator

from bench.load import Signer, counter
from bench.stack import ACCOUNT, PUBLIC, TOKEN


def call_form(sid: str, caller: str) -> dict:
    return {"CallSid": sid, "AccountSid": ACCOUNT, "From": caller, "To": "+447700900000",
            "CallStatus": "ringing", "Direction": "inbound", "ApiVersion": "2010-04-01"}


def available(port: int) -> bool:
    """Whether this Brewline answers POST /twilio/voice (404 means it has no voice yet)."""
    body, headers = Signer(TOKEN, PUBLIC).request("/twilio/voice", call_form("CA" + "0" * 32,
                                                                             "+447700900111"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", "/twilio/voice", body, headers)
        return connection.getresponse().status != 404
    finally:
        connection.close()


class VoiceMix:
    """New calls from new numbers, and Twilio's repeated deliveries of the same call."""

    def __init__(self, run: int) -> None:
        self.run, self.sid = run, counter("CA%02d" % run)

    def script(self, client: int) -> Iterator[tuple[str, dict]]:
        for person in range(100_000):
            form = call_form(self.sid(), f"+447{self.run:02d}{client:02d}{person:05d}")
            yield "/twilio/voice", form
            if person % 4 == 0:
                yield "/twilio/voice", form
