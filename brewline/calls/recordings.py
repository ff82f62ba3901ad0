"""Spoken answers on a call: recorded, then kept, heard back or recorded again.

A recording waits on the call (Call.pending) until the person presses 1 (or says nothing),
so "record it again" never leaves two answers; the audio of every take is kept.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

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
    intent_of_key,
    keys,
    silent,
    speak,
    take_turn,
)
from brewline.calls.twiml import record, review
from brewline.people.models import Contact
from brewline.platform.runtime import Runtime
from brewline.surveys import conversations
from brewline.surveys.models import Answer
from flows.engine import SKIP_KEY
from flows.keywords import classify
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
    act = intent_of_key(choice)
    if act is not None:
        # "Delete my data" instead of keeping the answer: it is set aside, not kept.
        _discard_pending(turn.call, "asked to delete their data")
        return act(turn)
    return _REVIEW.get(choice, _review_again)(turn, pending)


def _keep(turn: CallTurn, pending: dict) -> str:
    outputs = keep_pending(turn)
    return speak(turn, outputs)


def _play(turn: CallTurn, pending: dict) -> str:
    return review(turn.speaker, [], pending["step"], play=pending["url"])


def _record_again(turn: CallTurn, pending: dict) -> str:
    _discard_pending(turn.call, "recorded again")
    return record(turn.speaker, [turn.speaker.line("voice.record_again")], pending["step"])


def _review_again(turn: CallTurn, pending: dict) -> str:
    return review(turn.speaker, [turn.speaker.line("voice.review_again")], pending["step"])


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


# Words in a spoken answer that ask for something else (privacy: "delete my data"). Each
# acts for the person who spoke and returns what to keep as the transcript instead.
SAID_IN_ANSWER: dict[str, Callable[[Runtime, Session, Contact, datetime], str]] = {}


def transcribed(runtime: Runtime, session: Session, call_sid: str | None, sid: str,
                transcript: str | None, now: datetime) -> tuple[int, str]:
    """Twilio's transcript of a recording: acted on if it asks for something, then kept."""
    keyword = classify(transcript) if transcript else None
    act = SAID_IN_ANSWER.get(keyword.intent) if keyword else None
    contact = _speaker_of(session, call_sid, sid) if act else None
    if act is not None and contact is not None and contact.phone:
        transcript = act(runtime, session, contact, now)
    return attach_transcript(session, call_sid, sid, transcript)


def _speaker_of(session: Session, call_sid: str | None, sid: str) -> Contact | None:
    """The person whose recording this is: from its answer, or else from its call."""
    contact_id = session.scalar(select(Answer.contact_id).where(Answer.recording_sid == sid))
    if contact_id is None and call_sid:
        contact_id = session.scalar(select(Call.contact_id).where(Call.sid == call_sid))
    return session.get(Contact, contact_id, with_for_update=True) if contact_id else None


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
