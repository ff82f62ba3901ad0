"""The call mode of the simulator: drive /twilio/voice like Twilio does and describe the TwiML.

Contract (issue 3): POST /twilio/voice answers with TwiML; <Gather action=...> collects
keys (Digits) or speech (SpeechResult), <Record action=...> a spoken answer (RecordingUrl),
<Redirect> moves on, <Say> is spoken, <Hangup/> ends the call.
"""
from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET

from flask import current_app

from brewline.organiser.simulator import selfpost

VOICE_PATH = "/twilio/voice"
NOT_AVAILABLE = "Calls are not available yet: this Brewline does not answer phone calls."
MAX_REDIRECTS = 10


class CallError(ValueError):
    """The simulated call cannot go on; the message says why."""


def available() -> bool:
    return selfpost.has_route(VOICE_PATH)


def _rate(say: ET.Element) -> str | None:
    prosody = say.find("prosody")
    return prosody.get("rate") if prosody is not None else None


def _say(element: ET.Element) -> dict:
    return {"text": " ".join("".join(element.itertext()).split()), "rate": _rate(element)}


def describe(verbs: list[ET.Element]) -> dict:
    """What a list of TwiML verbs does, as the page shows it."""
    screen = {"lines": [], "gather": None, "record": None, "redirect": None, "ended": False,
              "after_silence": None}
    for index, verb in enumerate(verbs):
        if verb.tag == "Say":
            screen["lines"].append(_say(verb))
        elif verb.tag == "Play":
            screen["lines"].append({"text": "(plays back your recording)", "rate": None})
        elif verb.tag in ("Gather", "Record"):
            return _waiting(screen, verb, verbs[index + 1:])
        elif verb.tag == "Redirect":
            screen["redirect"] = (verb.text or "").strip()
            return screen
        elif verb.tag in ("Hangup", "Reject"):
            screen["ended"] = True
            return screen
    screen["ended"] = True  # TwiML that runs out of verbs ends the call
    return screen


def _waiting(screen: dict, verb: ET.Element, rest: list[ET.Element]) -> dict:
    if verb.tag == "Gather":
        screen["lines"] += [_say(s) if s.tag == "Say" else {"text": "(plays back your recording)",
                                                            "rate": None}
                            for s in verb if s.tag in ("Say", "Play")]
        screen["gather"] = {"action": verb.get("action") or VOICE_PATH,
                            "input": verb.get("input", "dtmf"),
                            "num_digits": verb.get("numDigits")}
    else:
        screen["record"] = {"action": verb.get("action") or VOICE_PATH,
                            "transcribe": verb.get("transcribeCallback"),
                            "max_length": verb.get("maxLength")}
    after = describe(rest) if rest else {
        "lines": [], "gather": None, "record": None, "redirect": None, "ended": True,
        "after_silence": None}
    if after["record"] and not after["lines"] and not screen["record"]:
        # Keys while the question is read, then the tone: recording is the next step.
        screen["record"] = after["record"]
        after = after["after_silence"]
    screen["after_silence"] = after
    return screen


def _base_form(phone: str, call_sid: str) -> dict:
    settings = current_app.config["BREWLINE_SETTINGS"]
    return {"CallSid": call_sid, "From": phone,
            "To": settings.twilio_phone_number or "+447700900000",
            "AccountSid": settings.twilio_account_sid or "AC" + "0" * 32,
            "CallStatus": "in-progress", "Direction": "inbound"}


def _said(data: dict, call_sid: str) -> dict:
    """The form fields for what the organiser keyed, said or recorded."""
    if data.get("digits"):
        return {"Digits": str(data["digits"])[:20]}
    if data.get("speech"):
        return {"SpeechResult": str(data["speech"])[:2000], "Confidence": "0.9"}
    if data.get("recording_text") is not None:
        sid = "RE" + secrets.token_hex(16)
        account = _base_form("", call_sid)["AccountSid"]
        words = len(str(data["recording_text"]).split())
        return {"RecordingSid": sid, "RecordingDuration": str(max(1, words // 2)),
                "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/{account}/Recordings/{sid}",
                "Digits": "#"}
    return {}


def hang_up(phone: str, call_sid: str) -> None:
    """Tell the service the call is over, as Twilio's status callback does."""
    if selfpost.has_route("/twilio/call-status"):
        selfpost.post("/twilio/call-status", _base_form(phone, call_sid) | {
            "CallStatus": "completed", "CallDuration": "60"})


def step(phone: str, data: dict) -> dict:
    """Start a call (no call_sid) or follow an action URL; returns the next screen."""
    if data.get("hangup") and data.get("call_sid"):
        hang_up(phone, str(data["call_sid"]))
        return {"lines": [], "gather": None, "record": None, "redirect": None, "ended": True,
                "after_silence": None, "call_sid": str(data["call_sid"])}
    call_sid = str(data.get("call_sid") or "CA" + secrets.token_hex(16))
    path = selfpost.own_path(str(data["action"])) if data.get("action") else VOICE_PATH
    form = _base_form(phone, call_sid) | _said(data, call_sid)
    screen, lines = None, []
    for _hop in range(MAX_REDIRECTS):
        reply = selfpost.post(path, form)
        if reply.status != 200:
            raise CallError(f"The service refused the call step ({reply.status}).")
        screen = describe(list(ET.fromstring(reply.body)))
        lines += screen["lines"]
        _send_transcript(form, data)
        if not screen["redirect"]:
            break
        path, form = selfpost.own_path(screen["redirect"]), _base_form(phone, call_sid)
    return screen | {"lines": lines, "call_sid": call_sid}


def _send_transcript(form: dict, data: dict) -> None:
    """Like Twilio's transcription callback, a little after a simulated recording."""
    if "RecordingSid" not in form or not str(data.get("recording_text", "")).strip():
        return
    path = selfpost.own_path(str(data.get("transcribe") or "/twilio/recording"))
    if not selfpost.has_route(path.split("?")[0]):
        return
    selfpost.post(path, {
        "AccountSid": form["AccountSid"], "CallSid": form["CallSid"],
        "RecordingSid": form["RecordingSid"], "RecordingUrl": form["RecordingUrl"],
        "RecordingStatus": "completed", "RecordingDuration": form["RecordingDuration"],
        "TranscriptionSid": "TR" + secrets.token_hex(16), "TranscriptionStatus": "completed",
        "TranscriptionText": str(data.get("recording_text", ""))[:4000]})
    form.pop("RecordingSid")
