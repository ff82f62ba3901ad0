"""One turn of a phone call: stored progress in, TwiML out. Twilio's names stay in voice.py."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from flows.engine import KEY_INTENTS, SKIP_KEY
from flows.keywords import classify, normalise
from flows.model import Ask, Finished, Recording, Reply, Say, Start, TimedOut
from service import calls, contacts, conversations, vouchers
from service.runtime import Runtime
from service.store import Answer, Call, Contact, Conversation
from service.voice_twiml import (Speaker, carry_on, goodbye, more_time, next_rate, question,
                                 record, review, url, without_goodbye)
from service.voice_words import CANNOT_TEXT_PHRASES, VOICE

CHANNEL = "voice"
MACHINE = re.compile(r"^(machine_|fax)")
# Keys that may be pressed on their own; anything else (20 digits, letters) is not understood.
KEYS = re.compile(r"^[0-9*#]{1,3}$")


@dataclass(frozen=True)
class CallInput:
    """What Twilio told us about the call and what the person just did, in our words."""

    call_sid: str
    phone: str
    outbound: bool = False
    answered_by: str | None = None
    digits: str | None = None
    speech: str | None = None
    recording: Recording | None = None
    transcript: str | None = None


@dataclass
class CallTurn:
    """Everything one webhook needs: the person, their conversation and this call."""

    runtime: Runtime
    session: Session
    contact: Contact
    call: Call
    conversation: Conversation
    heard: CallInput
    now: datetime
    step: str | None = None
    silences: int = 0
    lines: list[str] = field(default_factory=list)

    @property
    def speaker(self) -> Speaker:
        return Speaker.for_rate(self.contact.voice_rate, self.runtime.settings.public_base_url)

    @property
    def in_step(self) -> bool:
        """Whether this request is about the question the person is on now."""
        live = self.conversation.status in ("active", "paused")
        return live and self.step == self.conversation.step


def open_turn(runtime: Runtime, session: Session, heard: CallInput, now: datetime,
              step: str | None = None, silences: int = 0) -> CallTurn:
    """Lock the person, find their conversation and this call."""
    flow_id = runtime.settings.active_flow
    contact, conversation = conversations.locked_person(session, heard.phone, flow_id)
    call = calls.find_or_create(session, heard.call_sid, contact, heard.outbound, now)
    if call.status not in calls.FINAL_STATUSES:
        call.status = "in-progress"
    call.answered_by = heard.answered_by or call.answered_by
    conversation = conversation or conversations.current(session, runtime.flows, contact,
                                                         flow_id)
    return CallTurn(runtime, session, contact, call, conversation, heard, now, step, silences)


def _turn(turn: CallTurn, event):
    return conversations.take_turn(turn.session, turn.runtime.flows, turn.conversation,
                                   event, turn.now)


def speak(turn: CallTurn, outputs, silences: int = 0) -> str:
    """Render the engine's outputs: what it says, then its question or a goodbye."""
    lines = turn.lines + [o.voice_text or o.text for o in outputs if isinstance(o, Say)]
    asks = [o for o in outputs if isinstance(o, Ask)]
    if asks:
        return question(turn.speaker, lines, asks[-1], silences)
    if turn.conversation.status == "active":
        # "Sorry, say yes or press 1": the same question is still open, so wait for keys.
        ask = next(o for o in _turn(turn, Reply(digits="*", channel=CHANNEL)).outputs
                   if isinstance(o, Ask))
        return question(turn.speaker, lines, ask, silences, say_question=False)
    if _just_finished(turn, outputs) and vouchers.eligible_pools(turn.session, turn.contact):
        # The thank-you, then the voucher offer (service/voice_voucher.py) says goodbye.
        return carry_on(turn.speaker, [without_goodbye(line) for line in lines], url("voucher"))
    return goodbye(turn.speaker, lines)


def _just_finished(turn: CallTurn, outputs) -> bool:
    done = any(isinstance(o, Finished) and o.completed for o in outputs)
    return done and turn.conversation.status == "finished"


def again(turn: CallTurn, silences: int = 0) -> str:
    """Ask the current question again (or say where they are, when there is none)."""
    return speak(turn, _turn(turn, Reply(digits="*", channel=CHANNEL)).outputs, silences)


# The call is answered.

# Steps a person may be asked first, before the questions (service/voice_rsvp.py: an open
# invite). Each returns its TwiML, which later goes on to /twilio/voice/questions, or None.
BEFORE_QUESTIONS: list[Callable[[CallTurn], str | None]] = []


def answer_call(turn: CallTurn) -> str:
    """A new call: a voicemail gets a message and a text, a person gets the questions."""
    if MACHINE.match(turn.heard.answered_by or ""):
        calls.voicemail_text(turn.runtime, turn.session, turn.contact, turn.call, turn.now)
        return goodbye(turn.speaker, [VOICE["voicemail"]])
    for step in BEFORE_QUESTIONS:
        asked = step(turn)
        if asked is not None:
            return asked
    return begin(turn)


def begin(turn: CallTurn) -> str:
    """The questions from where the person is: a welcome, or a welcome back."""
    return speak(turn, _turn(turn, Start(channel=CHANNEL)).outputs)


# The person pressed keys or spoke, after a question.

def slower(contact: Contact) -> str:
    """One step slower for this person (remembered, on every kind of call), said in words."""
    rate = next_rate(contact.voice_rate)
    contact.voice_rate = rate or contact.voice_rate
    return VOICE["slower"] if rate else VOICE["slowest"]


def _phone_only(turn: CallTurn) -> str:
    calls.mark_phone_only(turn.runtime, turn.session, turn.contact, turn.now)
    return VOICE["phone_only"]


# Keys that work at every point of a call; each changes the person and says what it did.
VOICE_KEYS = {"9": lambda turn: slower(turn.contact), "8": _phone_only}


def keys(raw: str | None) -> str | None:
    """The keys pressed, without the # that ends them; None when nothing usable."""
    text = (raw or "").strip()
    if not KEYS.match(text):
        return None
    return text.rstrip("#") or None


def answered(turn: CallTurn) -> str:
    """A <Gather> came back with keys or speech for the question in `turn.step`."""
    if not turn.in_step:
        return again(turn)
    pressed, said = keys(turn.heard.digits), (turn.heard.speech or "").strip()
    if pressed in VOICE_KEYS or normalise(said) in CANNOT_TEXT_PHRASES:
        turn.lines.append(VOICE_KEYS[pressed or "8"](turn))
        return again(turn)
    if not pressed and not said:
        turn.lines.append(VOICE["not_understood"])
        return again(turn)
    return _answer(turn, pressed, said)


# Spoken keywords other parts act on (e.g. erase); each returns the TwiML to answer with.
SPOKEN_INTENTS: dict = {}


def _answer(turn: CallTurn, pressed: str | None, said: str) -> str:
    keyword = classify(said) if said else None
    if keyword and keyword.intent in SPOKEN_INTENTS:
        return SPOKEN_INTENTS[keyword.intent](turn)
    if keyword and keyword.intent == "opt_out":
        contacts.opt_out(turn.session, turn.contact, turn.now)
        return goodbye(turn.speaker, [VOICE["opted_out"]])
    if turn.conversation.step and _is_open(turn) and pressed not in KEY_INTENTS and not keyword:
        # Open answers are spoken after the tone; any other key there just means "ready".
        return record(turn.speaker, [], turn.conversation.step)
    reply = Reply(text=said or None, digits=pressed, channel=CHANNEL)
    return speak(turn, _turn(turn, reply).outputs)


def _is_open(turn: CallTurn) -> bool:
    flow = turn.runtime.flows.get(turn.conversation.flow_id, turn.conversation.flow_version)
    return flow.step(turn.conversation.step).kind == "open"


# Silence.

def silent(turn: CallTurn) -> str:
    """Nothing heard: ask again gently, then offer more time, then say goodbye kindly."""
    if not turn.in_step:
        return again(turn)
    if turn.silences <= 1:
        turn.lines.append(VOICE["silence_1"])
        return again(turn, silences=1)
    if turn.silences == 2:
        return more_time(turn.speaker, turn.step)
    _turn(turn, TimedOut(channel=CHANNEL))
    return goodbye(turn.speaker, [VOICE["goodbye_saved"]])


def wants_more_time(turn: CallTurn) -> str:
    """They pressed a key (or spoke) when offered more time."""
    if not turn.in_step:
        return again(turn)
    turn.lines.append(VOICE["more_time"])
    return again(turn)


# Spoken answers: recorded, then kept, heard back or recorded again.

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
    return speak(turn, _turn(turn, Reply(digits=SKIP_KEY, channel=CHANNEL)).outputs)


_REVIEW = {"1": _keep, "2": _play, "3": _record_again, SKIP_KEY: _skip_instead}


def keep_pending(turn: CallTurn) -> tuple:
    """Give the waiting recording to the conversation as the answer (once)."""
    pending = turn.call.pending
    turn.call.pending = None
    recording = Recording(pending["url"], pending["sid"], int(pending["duration"]))
    if _already_kept(turn.session, recording.sid):
        return ()
    outputs = _turn(turn, Reply(recording=recording, channel=CHANNEL)).outputs
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


# After the call, from Twilio's callbacks.

def hung_up(runtime: Runtime, session: Session, call: Call, now: datetime) -> None:
    """The call ended mid-way: keep a recording waiting for "1", and pause the questions."""
    if call.contact_id is None or not calls.is_survey(session, call):
        return
    contact = session.get(Contact, call.contact_id, with_for_update=True)
    conversation = conversations.current(session, runtime.flows, contact,
                                         runtime.settings.active_flow)
    turn = CallTurn(runtime, session, contact, call, conversation,
                    CallInput(call.sid, contact.phone or ""), now,
                    step=(call.pending or {}).get("step"))
    if call.pending and turn.in_step:
        keep_pending(turn)
    _discard_pending(call, "out of turn")
    if conversation.status == "active":
        # So that their next text or call is greeted with "welcome back", not taken as an answer.
        _turn(turn, TimedOut(channel=CHANNEL))


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
