"""Realistic webhook traffic: new people, answers, keywords and Twilio's repeated deliveries."""
from __future__ import annotations

import random
from typing import Iterator

from bench.load import counter
from bench.stack import ACCOUNT

# One person's texts, in order; None means Twilio delivers the previous text again.
TEXTS = ["Hi", "yes", "The tea and the chat, and being listened to properly", "REPEAT",
         "More buses in the evening please", "SKIP", "HELP",
         "Ask us before deciding, not after", None, "Keep talking to us like this",
         "Yes please", "thanks!"]


class SmsMix:
    """Each client plays people one after another; every number is new to this run."""

    def __init__(self) -> None:
        self.run = random.randrange(100)
        self.sid = counter("SM%02d" % self.run)

    def script(self, client: int) -> Iterator[tuple[str, dict]]:
        for person in range(100_000):
            phone = f"+447{self.run:02d}{client:02d}{person:05d}"
            form: dict = {}
            for body in TEXTS:
                if body is not None:
                    form = {"From": phone, "To": "+447700900000", "Body": body,
                            "MessageSid": self.sid(), "AccountSid": ACCOUNT,
                            "NumMedia": "0"}
                yield "/twilio/sms", form
