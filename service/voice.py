"""Phone calls: POST /twilio/voice and its action URLs, /twilio/call-status, /twilio/recording."""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Callable, Mapping

from flask import Blueprint, Response, current_app, request

from flows.model import Recording
from service import calls, spool, voice_call
from service.phones import BadNumber, mask, normalise
from service.runtime import Runtime
from service.store import DATABASE_DOWN, utcnow
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


@dataclass(frozen=True)
class HeldAnswer:
    """A spoken answer that came while the database was unreachable, and where it belongs."""

    heard: CallInput
    step: str | None
    silences: int


def _held_answer(fields: dict) -> HeldAnswer:
    heard = dict(fields["heard"])
    recording = heard.pop("recording")
    return HeldAnswer(CallInput(**heard, recording=Recording(**recording)), fields["step"],
                      fields["silences"])


# Endpoints.

def twiml(xml: str) -> Response:
    return Response(xml, mimetype="text/xml")


def call_webhook(parse: Callable = call_input):
    """twilio_webhook for a call's TwiML: with the database unreachable, sorry, not a 500."""
    return twilio_webhook(parse, when_down=_database_down)


def _database_down(heard) -> Response:
    """Keep any spoken answer for later, then say kindly that we cannot go on, and hang up."""
    recording = getattr(heard, "recording", None)
    if recording is not None and recording.duration > 0:
        runtime = current_app.extensions["brewline"]
        held = HeldAnswer(heard, _query_step(), _query_silences())
        try:
            spool.keep(runtime, "recording", held, utcnow())
        except Exception:
            # Sorry must still be said; Twilio keeps the audio itself in any case.
            log.exception("could not keep a spoken answer from %s", mask(heard.phone))
    return twiml(goodbye(Speaker(), [VOICE["database_down"]]))


def _query_step() -> str | None:
    return request.args.get("step") or None


def _query_silences() -> int:
    raw = request.args.get("n", "0")
    return min(max(int(raw), 0), 3) if raw.isdigit() else 0


def guarded(heard: CallInput, turn: Callable[[Runtime, CallInput], Response], hidden: str,
            error: str, kind: str = "call") -> Response:
    """`turn(runtime, heard)` with the caller's number normalised; a hidden number (`hidden`)
    or any failure of ours (`error`) still gets kind words and a goodbye."""
    runtime = current_app.extensions["brewline"]
    try:
        heard = replace(heard, phone=normalise(heard.phone, runtime.settings.default_region))
    except BadNumber:
        return twiml(goodbye(Speaker(), [hidden]))
    try:
        return turn(runtime, heard)
    except DATABASE_DOWN:
        raise  # call_webhook says sorry and keeps any spoken answer
    except Exception:
        log.exception("could not handle a %s turn for %s", kind, mask(heard.phone))
        return twiml(goodbye(Speaker(), [error]))


def respond(handler: Callable[[CallTurn], str], heard: CallInput) -> Response:
    """Run one turn of the call in one transaction; any failure still gets kind words."""
    def turn(runtime: Runtime, heard: CallInput) -> Response:
        with runtime.store.transaction() as session:
            opened = voice_call.open_turn(runtime, session, heard, datetime.now(timezone.utc),
                                          _query_step(), _query_silences())
            return twiml(handler(opened))
    return guarded(heard, turn, VOICE["hidden_number"], VOICE["error"])


@bp.post("/twilio/voice")
@call_webhook()
def incoming(heard: CallInput) -> Response:
    return respond(voice_call.answer_call, heard)


@bp.post("/twilio/voice/questions")
@call_webhook()
def questions(heard: CallInput) -> Response:
    """After a step before the questions (service/voice_rsvp.py): the questions themselves."""
    return respond(voice_call.begin, heard)


@bp.post("/twilio/voice/answer")
@call_webhook()
def answer(heard: CallInput) -> Response:
    return respond(voice_call.answered, heard)


@bp.post("/twilio/voice/silence")
@call_webhook()
def silence(heard: CallInput) -> Response:
    return respond(voice_call.silent, heard)


@bp.post("/twilio/voice/more-time")
@call_webhook()
def more_time(heard: CallInput) -> Response:
    return respond(voice_call.wants_more_time, heard)


@bp.post("/twilio/voice/recorded")
@call_webhook()
def recorded(heard: CallInput) -> Response:
    return respond(voice_call.recorded, heard)


@bp.post("/twilio/voice/review")
@call_webhook()
def review(heard: CallInput) -> Response:
    by_silence = request.args.get("kept") == "silence"
    return respond(lambda turn: voice_call.reviewed(turn, by_silence), heard)


@bp.post("/twilio/call-status")
@twilio_webhook(status_change)
def call_status(change: StatusChange) -> Response:
    runtime = current_app.extensions["brewline"]
    return spool.now_or_later(runtime, "call_status", change,
                              lambda now: plain(*apply_status(runtime, change, now)), _held())


@bp.post("/twilio/recording")
@twilio_webhook(transcript)
def recording(item: Transcript) -> Response:
    runtime = current_app.extensions["brewline"]
    return spool.now_or_later(runtime, "transcript", item,
                              lambda now: plain(*apply_transcript(runtime, item)), _held())


def _held() -> Response:
    # A 2xx: Twilio must not retry or report an error; the spool has it.
    return plain(200, "kept; applied when the database is back")


def apply_status(runtime: Runtime, change: StatusChange, now: datetime) -> tuple[int, str]:
    """Keep a call's new status; a call that ends mid-way keeps its waiting answer."""
    with runtime.store.transaction() as session:
        call = calls.known_call(session, change.call_sid, now)
        if call is None:
            return 404, "unknown call"
        talking = call.status == "in-progress"
        reason = calls.record_status(runtime, session, call, change.status,
                                     change.answered_by, now)
        if talking and change.status in calls.FINAL_STATUSES:
            voice_call.hung_up(runtime, session, call, now)
    return 200, reason


def apply_transcript(runtime: Runtime, item: Transcript) -> tuple[int, str]:
    """Put a transcript with its recording."""
    with runtime.store.transaction() as session:
        return voice_call.attach_transcript(session, item.call_sid, item.recording_sid,
                                            item.text)


# Replays of what the spool kept while the database was down (service/spool.py REPLAYS).

def replay_status(runtime: Runtime, fields: dict, at: datetime) -> None:
    """A call status callback, applied as of when it came."""
    log.info("spooled call status: %s", apply_status(runtime, StatusChange(**fields), at)[1])


def replay_transcript(runtime: Runtime, fields: dict, at: datetime) -> None:
    """A transcription callback, put with its recording."""
    log.info("spooled transcript: %s", apply_transcript(runtime, Transcript(**fields))[1])


def replay_recording(runtime: Runtime, fields: dict, at: datetime) -> None:
    """A spoken answer: held for its question, then kept, as when a call ends before "1"."""
    held = _held_answer(fields)
    try:
        heard = replace(held.heard, phone=normalise(held.heard.phone,
                                                    runtime.settings.default_region))
    except BadNumber:
        return  # never stored: a hidden number is told so before any question
    with runtime.store.transaction() as session:
        turn = voice_call.open_turn(runtime, session, heard, at, held.step, held.silences)
        voice_call.recorded(turn)
        # We said sorry and hung up, so the call ended with this answer waiting to be kept.
        voice_call.hung_up(runtime, session, turn.call, at)
