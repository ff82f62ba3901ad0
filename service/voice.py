"""Phone calls: POST /twilio/voice and its action URLs, /twilio/call-status, /twilio/recording."""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Callable, Mapping

from flask import Blueprint, Response, current_app, request

from flows.model import Recording
from service import calls, voice_call
from service.phones import BadNumber, mask, normalise
from service.twilio_edge import BadForm, plain, required, twilio_webhook
from service.voice_call import CallInput, CallTurn
from service.voice_twiml import Speaker, goodbye
from service.voice_words import VOICE

log = logging.getLogger("brewline.voice")
bp = Blueprint("voice", __name__)
OUTBOUND = frozenset({"outbound-api", "outbound-dial"})
MAX_SID, MAX_URL = 64, 500


# Twilio's field names stop here.

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


# Endpoints.

def twiml(xml: str) -> Response:
    return Response(xml, mimetype="text/xml")


def _query_step() -> str | None:
    return request.args.get("step") or None


def _query_silences() -> int:
    raw = request.args.get("n", "0")
    return min(max(int(raw), 0), 3) if raw.isdigit() else 0


def _respond(handler: Callable[[CallTurn], str], heard: CallInput) -> Response:
    """Run one turn of the call in one transaction; any failure still gets kind words."""
    runtime = current_app.extensions["brewline"]
    try:
        heard = replace(heard, phone=normalise(heard.phone, runtime.settings.default_region))
    except BadNumber:
        return twiml(goodbye(Speaker(), [VOICE["hidden_number"]]))
    try:
        with runtime.store.transaction() as session:
            turn = voice_call.open_turn(runtime, session, heard, datetime.now(timezone.utc),
                                        _query_step(), _query_silences())
            return twiml(handler(turn))
    except Exception:
        log.exception("could not handle a call turn for %s", mask(heard.phone))
        return twiml(goodbye(Speaker(), [VOICE["error"]]))


@bp.post("/twilio/voice")
@twilio_webhook(call_input)
def incoming(heard: CallInput) -> Response:
    return _respond(voice_call.answer_call, heard)


@bp.post("/twilio/voice/answer")
@twilio_webhook(call_input)
def answer(heard: CallInput) -> Response:
    return _respond(voice_call.answered, heard)


@bp.post("/twilio/voice/silence")
@twilio_webhook(call_input)
def silence(heard: CallInput) -> Response:
    return _respond(voice_call.silent, heard)


@bp.post("/twilio/voice/more-time")
@twilio_webhook(call_input)
def more_time(heard: CallInput) -> Response:
    return _respond(voice_call.wants_more_time, heard)


@bp.post("/twilio/voice/recorded")
@twilio_webhook(call_input)
def recorded(heard: CallInput) -> Response:
    return _respond(voice_call.recorded, heard)


@bp.post("/twilio/voice/review")
@twilio_webhook(call_input)
def review(heard: CallInput) -> Response:
    by_silence = request.args.get("kept") == "silence"
    return _respond(lambda turn: voice_call.reviewed(turn, by_silence), heard)


@bp.post("/twilio/call-status")
@twilio_webhook(status_change)
def call_status(change: StatusChange) -> Response:
    runtime, now = current_app.extensions["brewline"], datetime.now(timezone.utc)
    with runtime.store.transaction() as session:
        call = calls.known_call(session, change.call_sid, now)
        if call is None:
            return plain(404, "unknown call")
        talking = call.status == "in-progress"
        reason = calls.record_status(runtime, session, call, change.status,
                                     change.answered_by, now)
        if talking and change.status in calls.FINAL_STATUSES:
            voice_call.hung_up(runtime, session, call, now)
    return plain(200, reason)


@bp.post("/twilio/recording")
@twilio_webhook(transcript)
def recording(item: Transcript) -> Response:
    runtime = current_app.extensions["brewline"]
    with runtime.store.transaction() as session:
        status, reason = voice_call.attach_transcript(session, item.call_sid,
                                                      item.recording_sid, item.text)
    return plain(status, reason)
