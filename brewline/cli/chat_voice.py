"""`brewline chat --voice`: walk through a phone call in the terminal, through the real webhooks."""
from __future__ import annotations

import hashlib
import re
import secrets
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

HELP = ("Type keys (1, 2, *, 0, 7, 9, 8...) or words as speech. At a recording, type your answer "
        "in words, or `rec 12` for 12 seconds of audio. Enter alone is silence; `hangup` or "
        "Ctrl-D ends the call.")
IN_ROOM = ("(you are in the live session{muted}. Type * for the menu; `hangup` or Ctrl-D "
           "leaves.)")
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


def _dial(phone: Phone, verb: ET.Element):
    """A <Dial><Conference>: in the live session's room until * (hangupOnStar) or hang-up.
    Twilio's conference callbacks (join, leave) are posted as Twilio would post them."""
    room = verb.find("Conference")
    if room is None:
        phone.echo("(the call is put through elsewhere; that cannot be tried here)")
        return "", {}
    _waiting(phone, room)
    _room_event(phone, room, "participant-join")
    phone.echo(IN_ROOM.format(muted=", muted" if room.get("muted") == "true" else ""))
    while True:
        typed = _typed(phone, "* for the menu")
        if typed == "*" and verb.get("hangupOnStar") == "true":
            _room_event(phone, room, "participant-leave")
            return verb.get("action"), phone.form(DialCallStatus="completed")
        if typed == "hangup":
            _room_event(phone, room, "participant-leave")
            raise EOFError
        phone.echo("(in the room: only * does something here)")


def _waiting(phone: Phone, room: ET.Element) -> None:
    """What is heard before the host is in (the conference's waitUrl)."""
    wait = room.get("waitUrl")
    twiml = phone.post(urlsplit(wait).path, phone.form()) if wait else None
    if twiml is not None:
        for verb in ET.fromstring(twiml):
            _VERBS.get(verb.tag, _ignore)(phone, verb)


def _room_event(phone: Phone, room: ET.Element, what: str) -> None:
    callback = room.get("statusCallback")
    if not callback:
        return
    name = (room.text or "").strip()
    sid = "CF" + hashlib.sha256(name.encode()).hexdigest()[:32]
    phone.post(urlsplit(callback).path, {
        "ConferenceSid": sid, "FriendlyName": name, "StatusCallbackEvent": what,
        "CallSid": phone.sid, "AccountSid": phone.account_sid,
        "Muted": room.get("muted") or "false"})


def _redirect(phone: Phone, verb: ET.Element):
    return verb.text, phone.form()


def _hangup(phone: Phone, verb: ET.Element):
    return "", {}


def _ignore(phone: Phone, verb: ET.Element):
    return None


def _typed(phone: Phone, what: str) -> str:
    return phone.listen(f"you ({what})> ").strip()


_VERBS = {"Say": _say, "Play": _play, "Gather": _gather, "Record": _record,
          "Redirect": _redirect, "Hangup": _hangup, "Pause": _ignore, "Dial": _dial}
