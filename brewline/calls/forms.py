"""Twilio's voice webhook forms in our words: Twilio's field names stop here."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from brewline.calls import calls
from brewline.calls.turns import CallInput
from brewline.platform.twilio_edge import BadForm, required
from flows.model import Recording

OUTBOUND = frozenset({"outbound-api", "outbound-dial"})
MAX_SID, MAX_URL = 64, 500


def _short(form: Mapping[str, str], name: str, limit: int) -> str | None:
    value = (form.get(name) or "").strip() or None
    if value and len(value) > limit:
        raise BadForm(f"{name} is too long")
    return value


def _whole_number(form: Mapping[str, str], name: str) -> int:
    try:
        return max(int(form.get(name) or 0), 0)
    except ValueError:
        raise BadForm(f"{name} must be a number of seconds") from None


def _recording(form: Mapping[str, str]) -> Recording | None:
    url, sid = _short(form, "RecordingUrl", MAX_URL), _short(form, "RecordingSid", MAX_SID)
    if not url or not sid:
        return None
    return Recording(url=url, sid=sid, duration=_whole_number(form, "RecordingDuration"))


def call_input(form: Mapping[str, str]) -> CallInput:
    """A voice webhook's form in our words: who, which call, and what they did."""
    sid, caller, callee = required(form, "CallSid", "From", "To")
    _short(form, "CallSid", MAX_SID)
    outbound = form.get("Direction", "") in OUTBOUND
    return CallInput(
        call_sid=sid, phone=callee if outbound else caller, outbound=outbound,
        answered_by=_short(form, "AnsweredBy", 30), digits=form.get("Digits"),
        speech=form.get("SpeechResult"), recording=_recording(form))


@dataclass(frozen=True)
class StatusChange:
    """A call status callback in our words."""

    call_sid: str
    status: str
    answered_by: str | None


def status_change(form: Mapping[str, str]) -> StatusChange:
    sid, status = required(form, "CallSid", "CallStatus")
    if status not in calls.KNOWN_STATUSES:
        raise BadForm(f"unknown CallStatus {status[:30]!r}")
    return StatusChange(sid, status, _short(form, "AnsweredBy", 30))


@dataclass(frozen=True)
class Transcript:
    """A transcription callback in our words."""

    call_sid: str | None
    recording_sid: str
    text: str | None


def transcript(form: Mapping[str, str]) -> Transcript:
    [sid] = required(form, "RecordingSid")
    done = form.get("TranscriptionStatus", "completed") == "completed"
    text = (form.get("TranscriptionText") or "").strip() if done else ""
    return Transcript(_short(form, "CallSid", MAX_SID), sid, text or None)


@dataclass(frozen=True)
class HeldAnswer:
    """A spoken answer that came while the database was unreachable, and where it belongs."""

    heard: CallInput
    step: str | None
    silences: int


def held_answer(fields: dict) -> HeldAnswer:
    heard = dict(fields["heard"])
    recording = heard.pop("recording")
    return HeldAnswer(CallInput(**heard, recording=Recording(**recording)), fields["step"],
                      fields["silences"])
