"""Phone calls: POST /twilio/voice and its action URLs, /twilio/call-status, /twilio/recording."""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timezone
from typing import Callable

from flask import Blueprint, Response, current_app, request

from brewline.calls import calls, language_choice, menu, recordings, turns
from brewline.calls.forms import (
    HeldAnswer,
    StatusChange,
    Transcript,
    call_input,
    held_answer,
    status_change,
    transcript,
)
from brewline.calls.turns import CallInput, CallTurn
from brewline.calls.twiml import Speaker, goodbye
from flows.words import words
from brewline.delivery import spool
from brewline.people.phones import BadNumber, mask, normalise
from brewline.platform.database import DATABASE_DOWN, utcnow
from brewline.platform.runtime import Runtime
from brewline.platform.twilio_edge import plain, twilio_webhook

log = logging.getLogger("brewline.voice")
bp = Blueprint("voice", __name__)



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
    return twiml(goodbye(Speaker(), [words("voice.database_down")]))


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
            opened = turns.open_turn(runtime, session, heard, datetime.now(timezone.utc),
                                          _query_step(), _query_silences())
            return twiml(handler(opened))
    return guarded(heard, turn, words("voice.hidden_number"), words("voice.error"))


@bp.post("/twilio/voice")
@call_webhook()
def incoming(heard: CallInput) -> Response:
    return respond(menu.answer_call, heard)


@bp.post("/twilio/voice/language")
@call_webhook()
def language(heard: CallInput) -> Response:
    """A key pressed at the choice of language (or silence), then on as the call goes."""
    return respond(lambda turn: menu.after_language(language_choice.chosen(turn)), heard)


@bp.post("/twilio/voice/questions")
@call_webhook()
def questions(heard: CallInput) -> Response:
    """After a step before the questions (events/rsvp_call.py): the questions, or the menu."""
    return respond(menu.start, heard)


@bp.post("/twilio/voice/menu")
@call_webhook()
def menu_choice(heard: CallInput) -> Response:
    """A key pressed at the menu of question sets (or silence)."""
    offered = [key for key in request.args.get("o", "").split(",") if key][:menu.MAX_KEYS]
    return respond(lambda turn: menu.chosen(turn, offered), heard)


@bp.post("/twilio/voice/answer")
@call_webhook()
def answer(heard: CallInput) -> Response:
    return respond(turns.answered, heard)


@bp.post("/twilio/voice/silence")
@call_webhook()
def silence(heard: CallInput) -> Response:
    return respond(turns.silent, heard)


@bp.post("/twilio/voice/more-time")
@call_webhook()
def more_time(heard: CallInput) -> Response:
    return respond(turns.wants_more_time, heard)


@bp.post("/twilio/voice/recorded")
@call_webhook()
def recorded(heard: CallInput) -> Response:
    return respond(recordings.recorded, heard)


@bp.post("/twilio/voice/review")
@call_webhook()
def review(heard: CallInput) -> Response:
    by_silence = request.args.get("kept") == "silence"
    return respond(lambda turn: recordings.reviewed(turn, by_silence), heard)


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
                              lambda now: plain(*apply_transcript(runtime, item, now)), _held())


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
            recordings.hung_up(runtime, session, call, now)
    return 200, reason


def apply_transcript(runtime: Runtime, item: Transcript, now: datetime) -> tuple[int, str]:
    """Put a transcript with its recording (acting first on words such as "delete my data")."""
    with runtime.store.transaction() as session:
        return recordings.transcribed(runtime, session, item.call_sid, item.recording_sid,
                                      item.text, now)


# Replays of what the spool kept while the database was down (delivery/spool.py REPLAYS).

def replay_status(runtime: Runtime, fields: dict, at: datetime) -> None:
    """A call status callback, applied as of when it came."""
    log.info("spooled call status: %s", apply_status(runtime, StatusChange(**fields), at)[1])


def replay_transcript(runtime: Runtime, fields: dict, at: datetime) -> None:
    """A transcription callback, put with its recording."""
    log.info("spooled transcript: %s", apply_transcript(runtime, Transcript(**fields), at)[1])


def replay_recording(runtime: Runtime, fields: dict, at: datetime) -> None:
    """A spoken answer: held for its question, then kept, as when a call ends before "1"."""
    held = held_answer(fields)
    try:
        heard = replace(held.heard, phone=normalise(held.heard.phone,
                                                    runtime.settings.default_region))
    except BadNumber:
        return  # never stored: a hidden number is told so before any question
    with runtime.store.transaction() as session:
        turn = turns.open_turn(runtime, session, heard, at, held.step, held.silences)
        recordings.recorded(turn)
        # We said sorry and hung up, so the call ended with this answer waiting to be kept.
        recordings.hung_up(runtime, session, turn.call, at)
