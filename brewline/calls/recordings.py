"""Spoken answers on a call: recorded, then kept, heard back or recorded again.

A recording waits on the call (Call.pending) until the person presses 1 (or says nothing),
so "record it again" never leaves two answers; the audio of every take is kept.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from brewline.calls import calls
from brewline.calls.models import Call
from brewline.calls.turns import (
    CHANNEL,
    VOICE_KEYS,
    CallInput,
    CallTurn,
    again,
    keys,
    silent,
    speak,
    take_turn,
)
from brewline.calls.twiml import record, review
from brewline.calls.words import VOICE
from brewline.people.models import Contact
from brewline.platform.runtime import Runtime
from brewline.surveys import conversations
from brewline.surveys.models import Answer
from flows.engine import SKIP_KEY
from flows.model import Recording, Reply, TimedOut


def recorded(turn: CallTurn) -> str:
    """A <Record> finished: hold the recording until the person says to keep it."""
    recording = turn.heard.recording
    if recording is None or recording.duration <= 0:
        # Nothing said after the tone counts as a silence, answered patiently.
        _discard(turn.call, recording, turn.step, "empty")
        return silent(turn)
    if _already_kept(turn.session, recording.sid):
        return again(turn)  # Twilio sent the same recording twice
    if not turn.in_step:
        _discard(turn.call, recording, turn.step, "out of turn")
        return again(turn)
    pending = turn.call.pending or {}
    if pending.get("sid") != recording.sid:
        _discard_pending(turn.call, "recorded again")
        turn.call.pending = {"step": turn.step, "url": recording.url, "sid": recording.sid,
                             "duration": recording.duration, "transcript": None}
    return review(turn.speaker, [], turn.step)


def reviewed(turn: CallTurn, kept_by_silence: bool) -> str:
    """1 (or silence) keeps the recording, 2 plays it, 3 records again, 7 skips the question."""
    pending = turn.call.pending
    if not pending or pending.get("step") != turn.conversation.step or not turn.in_step:
        _discard_pending(turn.call, "out of turn")
        return again(turn)
    choice = "1" if kept_by_silence else keys(turn.heard.digits)
    if choice in VOICE_KEYS:
        return review(turn.speaker, [VOICE_KEYS[choice](turn)], pending["step"])
    return _REVIEW.get(choice, _review_again)(turn, pending)


def _keep(turn: CallTurn, pending: dict) -> str:
    outputs = keep_pending(turn)
    return speak(turn, outputs)


def _play(turn: CallTurn, pending: dict) -> str:
    return review(turn.speaker, [], pending["step"], play=pending["url"])


def _record_again(turn: CallTurn, pending: dict) -> str:
    _discard_pending(turn.call, "recorded again")
    return record(turn.speaker, [VOICE["record_again"]], pending["step"])


def _review_again(turn: CallTurn, pending: dict) -> str:
    return review(turn.speaker, [VOICE["review_again"]], pending["step"])


def _skip_instead(turn: CallTurn, pending: dict) -> str:
    # They would rather not answer after all: the audio is kept aside with the call, and
    # the question is skipped by the engine exactly as a texted SKIP would skip it.
    _discard_pending(turn.call, "skipped")
    return speak(turn, take_turn(turn, Reply(digits=SKIP_KEY, channel=CHANNEL)).outputs)


_REVIEW = {"1": _keep, "2": _play, "3": _record_again, SKIP_KEY: _skip_instead}


def keep_pending(turn: CallTurn) -> tuple:
    """Give the waiting recording to the conversation as the answer (once)."""
    pending = turn.call.pending
    turn.call.pending = None
    recording = Recording(pending["url"], pending["sid"], int(pending["duration"]))
    if _already_kept(turn.session, recording.sid):
        return ()
    outputs = take_turn(turn, Reply(recording=recording, channel=CHANNEL)).outputs
    _attach(turn.session, recording.sid, pending.get("transcript"))
    return outputs


def _attach(session: Session, sid: str, transcript: str | None) -> None:
    if transcript:
        session.flush()
        answer = session.scalars(select(Answer).where(Answer.recording_sid == sid)).first()
        if answer is not None:
            answer.transcript = transcript


def _already_kept(session: Session, sid: str) -> bool:
    return session.scalars(select(Answer.id).where(Answer.recording_sid == sid)).first() is not None


def _discard(call: Call, recording: Recording | None, step: str | None, why: str) -> None:
    if recording is not None:
        entry = {"step": step, "url": recording.url, "sid": recording.sid,
                 "duration": recording.duration, "why": why}
        others = [d for d in call.discarded or [] if d.get("sid") != recording.sid]
        call.discarded = others + [entry]


def _discard_pending(call: Call, why: str) -> None:
    pending = call.pending
    if pending:
        call.discarded = (call.discarded or []) + [{**pending, "why": why}]
    call.pending = None


def hung_up(runtime: Runtime, session: Session, call: Call, now: datetime) -> None:
    """The call ended mid-way: keep a recording waiting for "1", and pause the questions."""
    if call.contact_id is None or not calls.is_survey(session, call):
        return
    contact = session.get(Contact, call.contact_id, with_for_update=True)
    conversation = conversations.current(session, runtime.flows, contact)
    if conversation is None:
        return
    turn = CallTurn(runtime, session, contact, call, conversation,
                    CallInput(call.sid, contact.phone or ""), now,
                    step=(call.pending or {}).get("step"))
    if call.pending and turn.in_step:
        keep_pending(turn)
    _discard_pending(call, "out of turn")
    if conversation.status == "active":
        # So that their next text or call is greeted with "welcome back", not taken as an answer.
        take_turn(turn, TimedOut(channel=CHANNEL))


def attach_transcript(session: Session, call_sid: str | None, sid: str,
                      transcript: str | None) -> tuple[int, str]:
    """Put Twilio's transcript with its recording, wherever that recording is now."""
    answer = session.scalars(select(Answer).where(Answer.recording_sid == sid)).first()
    if answer is not None:
        answer.transcript = transcript or answer.transcript
        return 200, ("transcript attached to the answer" if transcript
                     else "no transcript; the audio is the answer")
    call = session.scalars(select(Call).where(Call.sid == call_sid)).first() if call_sid else None
    if call is None:
        return 404, "unknown call or recording"
    if call.pending and call.pending.get("sid") == sid:
        call.pending = {**call.pending, "transcript": transcript}
        return 200, "transcript kept with the recording waiting to be confirmed"
    if any(d.get("sid") == sid for d in call.discarded or []):
        call.discarded = [{**d, "transcript": transcript} if d.get("sid") == sid else d
                          for d in call.discarded]
        return 200, "transcript kept with a recording the person recorded again"
    return 404, "unknown recording"
