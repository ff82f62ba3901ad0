"""A phone that calls the app the way Twilio does: signed posts, TwiML parsed, actions followed."""
from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import func, select

from brewline.calls.twiml import VOICES
from tests.conftest import ACCOUNT_SID, PHONE, Twilio

OUR_NUMBER = "+447700900000"
_sids = itertools.count(1)


class Twiml:
    """One TwiML answer, parsed as XML."""

    def __init__(self, response):
        assert response.status_code == 200, response.data
        assert response.mimetype == "text/xml"
        self.root = ET.fromstring(response.data)
        assert self.root.tag == "Response"
        self._check_it_is_kind()

    def _check_it_is_kind(self) -> None:
        """Rules every call answer keeps: words before any hang-up, slowly, in one of our
        voices (UK English unless the person chose another language)."""
        tags = self.verbs
        if "Hangup" in tags:
            assert "Say" in tags[:tags.index("Hangup")], "a hang-up without words before it"
        voices = {(v.name, v.language) for v in VOICES.values()}
        for say in self.root.iter("Say"):
            assert (say.get("voice"), say.get("language")) in voices
            assert say.find("prosody").get("rate") in ("90%", "75%", "60%")

    @property
    def said(self) -> str:
        """Every spoken word, in order, as one string."""
        return " ".join(" ".join(say.itertext()).strip() for say in self.root.iter("Say"))

    @property
    def says(self) -> list[ET.Element]:
        return list(self.root.iter("Say"))

    def first(self, tag: str) -> ET.Element | None:
        return next(self.root.iter(tag), None)

    @property
    def gather(self) -> ET.Element | None:
        return self.first("Gather")

    @property
    def hangs_up(self) -> bool:
        return self.first("Hangup") is not None

    @property
    def redirect(self) -> str | None:
        found = self.root.find("Redirect")
        return found.text if found is not None else None

    @property
    def languages(self) -> set[tuple[str | None, str | None]]:
        """(voice, language) of every <Say>, and (None, language) of every <Gather>."""
        return ({(s.get("voice"), s.get("language")) for s in self.root.iter("Say")}
                | {(None, g.get("language")) for g in self.root.iter("Gather")
                   if g.get("language")})

    @property
    def verbs(self) -> list[str]:
        return [child.tag for child in self.root]


class PhoneCall:
    """One call: remembers the last TwiML and follows its action URLs."""

    def __init__(self, twilio: Twilio, caller: str = PHONE, sid: str | None = None,
                 outbound: bool = False):
        self.twilio, self.caller, self.outbound = twilio, caller, outbound
        self.sid = sid or f"CA{next(_sids):032x}"
        self.last: Twiml | None = None

    def form(self, **extra) -> dict:
        people = {"From": OUR_NUMBER, "To": self.caller} if self.outbound else {
            "From": self.caller, "To": OUR_NUMBER}
        return {"CallSid": self.sid, "AccountSid": ACCOUNT_SID, "CallStatus": "in-progress",
                "Direction": "outbound-api" if self.outbound else "inbound", **people, **extra}

    def post(self, path: str, **extra) -> Twiml:
        self.last = Twiml(self.twilio.post(path, self.form(**extra)))
        return self.last

    def ring(self, **extra) -> Twiml:
        return self.post("/twilio/voice", **extra)

    def press(self, digits: str) -> Twiml:
        return self.post(self._action("Gather"), Digits=digits)

    def say(self, speech: str, confidence: str = "0.9") -> Twiml:
        return self.post(self._action("Gather"), SpeechResult=speech, Confidence=confidence)

    def wait(self) -> Twiml:
        """Say nothing: Twilio moves on to the verb after the Gather or Record."""
        return self.post(self.last.redirect)

    def record(self, seconds: int = 12, sid: str | None = None) -> Twiml:
        sid = sid or f"RE{next(_sids):032x}"
        url = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/{sid}"
        return self.post(self._action("Record"), RecordingUrl=url, RecordingSid=sid,
                         RecordingDuration=str(seconds), Digits="hangup")

    def status(self, status: str, **extra):
        form = {"CallSid": self.sid, "AccountSid": ACCOUNT_SID, "CallStatus": status, **extra}
        return self.twilio.post("/twilio/call-status", form)

    def _action(self, tag: str) -> str:
        element = self.last.first(tag)
        assert element is not None, f"no <{tag}> in {self.last.verbs}"
        return element.get("action")


@pytest.fixture
def call(twilio) -> PhoneCall:
    return PhoneCall(twilio)


def count(runtime, model, *where) -> int:
    with runtime.store.transaction() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def rows(runtime, model, *where, order=None):
    with runtime.store.transaction() as session:
        ordered = model.id if order is None else order
        return session.scalars(select(model).where(*where).order_by(ordered)).all()
