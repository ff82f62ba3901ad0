"""`brewline chat --voice`: walk through a phone call in the terminal, through the real webhooks."""
from __future__ import annotations

import re
import secrets
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

HELP = ("Type keys (1, 2, *, 0, 7, 9, 8...) or words as speech. At a recording, type your answer "
        "in words, or `rec 12` for 12 seconds of audio. Enter alone is silence; `hangup` or "
        "Ctrl-D ends the call.")
KEYS = re.compile(r"^[0-9*#]+$")
RECORDING = re.compile(r"^rec\s+(\d{1,4})$", re.I)


@dataclass
class Phone:
    """One pretend call: who is calling, and how to reach Brewline."""

    post: Callable[[str, dict], bytes | None]  # (path, form) -> TwiML, or None if unreachable
    caller: str
    our_number: str
    account_sid: str
    echo: Callable[[str], None]
    listen: Callable[[str], str]  # prompt -> what the organiser typed (EOFError ends)
    sid: str = ""
    pending_words: str | None = None  # words typed at an open question: its recording

    def __post_init__(self):
        self.sid = self.sid or "CA" + secrets.token_hex(16)

    def form(self, **extra) -> dict:
        return {"CallSid": self.sid, "From": self.caller, "To": self.our_number,
                "AccountSid": self.account_sid, "Direction": "inbound",
                "CallStatus": "in-progress", **extra}


def run(phone: Phone) -> None:
    """Ring Brewline and follow the call until it hangs up or the organiser does."""
    phone.echo(f"Ringing Brewline from {phone.caller}. {HELP}")
    path, form = "/twilio/voice", phone.form()
    try:
        while path:
            twiml = phone.post(path, form)
            if twiml is None:
                return
            path, form = _follow(phone, ET.fromstring(twiml))
    except (EOFError, KeyboardInterrupt):
        phone.echo("")
    _hang_up(phone)


def _hang_up(phone: Phone) -> None:
    phone.post("/twilio/call-status", {"CallSid": phone.sid, "CallStatus": "completed",
                                       "AccountSid": phone.account_sid})
    phone.echo("(call ended)")


def _follow(phone: Phone, response: ET.Element) -> tuple[str | None, dict]:
    """Play one TwiML document; return where the call goes next."""
    for verb in response:
        step = _VERBS.get(verb.tag, _ignore)(phone, verb)
        if step is not None:
            return step
    return None, {}


def _say(phone: Phone, verb: ET.Element):
    prosody = verb.find("prosody")
    rate = f" ({prosody.get('rate')})" if prosody is not None else ""
    phone.echo(f"brewline{rate}> " + " ".join("".join(verb.itertext()).split()))


def _play(phone: Phone, verb: ET.Element):
    phone.echo(f"(plays back {verb.text})")


def _gather(phone: Phone, verb: ET.Element):
    for child in verb:
        _VERBS.get(child.tag, _ignore)(phone, child)
    typed = _typed(phone, "keys or words")
    if typed == "hangup":
        raise EOFError
    if not typed:
        return None  # silence: on to the next verb
    if KEYS.match(typed):
        return verb.get("action"), phone.form(Digits=typed)
    if "speech" in (verb.get("input") or ""):
        return verb.get("action"), phone.form(SpeechResult=typed, Confidence="0.9")
    phone.pending_words = typed
    return None


def _record(phone: Phone, verb: ET.Element):
    phone.echo("(beep)")
    typed = phone.pending_words or _typed(phone, "your answer, or rec 12")
    phone.pending_words = None
    if typed == "hangup":
        raise EOFError
    if not typed:
        return None
    match = RECORDING.match(typed)
    seconds = int(match[1]) if match else max(2, len(typed.split()) // 2)
    rec_sid = "RE" + secrets.token_hex(16)
    url = f"https://api.twilio.com/2010-04-01/Accounts/{phone.account_sid}/Recordings/{rec_sid}"
    form = phone.form(RecordingUrl=url, RecordingSid=rec_sid, RecordingDuration=str(seconds))
    twiml = phone.post(verb.get("action"), form)
    if not match and twiml is not None:
        # Twilio's transcript arrives separately, a little later.
        phone.post(urlsplit(verb.get("transcribeCallback") or "/twilio/recording").path, {
            "CallSid": phone.sid, "RecordingSid": rec_sid, "TranscriptionText": typed,
            "TranscriptionStatus": "completed", "AccountSid": phone.account_sid})
    return ("", {}) if twiml is None else _follow(phone, ET.fromstring(twiml))


def _redirect(phone: Phone, verb: ET.Element):
    return verb.text, phone.form()


def _hangup(phone: Phone, verb: ET.Element):
    return "", {}


def _ignore(phone: Phone, verb: ET.Element):
    return None


def _typed(phone: Phone, what: str) -> str:
    return phone.listen(f"you ({what})> ").strip()


_VERBS = {"Say": _say, "Play": _play, "Gather": _gather, "Record": _record,
          "Redirect": _redirect, "Hangup": _hangup, "Pause": _ignore}
