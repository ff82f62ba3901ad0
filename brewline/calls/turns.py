"""One turn of a survey call: stored progress in, TwiML out. Twilio's names stay in webhooks.py."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from sqlalchemy.orm import Session

from brewline.calls import calls
from brewline.calls.models import Call
from brewline.calls.twiml import (
    Speaker,
    carry_on,
    goodbye,
    more_time,
    next_rate,
    question,
    record,
    without_goodbye,
)
from brewline.calls.words import CANNOT_TEXT_PHRASES
from brewline.delivery import stopping
from brewline.people.models import Contact
from brewline.platform.runtime import Runtime
from brewline.surveys import conversations
from brewline.surveys.models import Conversation
from flows.engine import KEY_INTENTS, current_question
from flows.keywords import classify, normalise
from flows.model import Ask, Recording, Reply, Say, Start, State, TimedOut
from flows.words import catalogues, words

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
    conversation: Conversation | None  # None only when no question set is open at all
    heard: CallInput
    now: datetime
    step: str | None = None
    silences: int = 0
    lines: list[str] = field(default_factory=list)

    @property
    def speaker(self) -> Speaker:
        return Speaker.for_rate(self.contact.voice_rate, self.runtime.settings.public_base_url,
                                self.contact.language)

    @property
    def flow(self):
        """The question set at the version this person started."""
        return self.runtime.flows.get(self.conversation.flow_id, self.conversation.flow_version)

    @property
    def state(self) -> State:
        return State.from_dict(self.conversation.state)

    @property
    def in_step(self) -> bool:
        """Whether this request is about the question the person is on now."""
        if self.conversation is None:
            return False
        live = self.conversation.status in ("active", "paused")
        return live and self.step == self.conversation.step


def open_turn(runtime: Runtime, session: Session, heard: CallInput, now: datetime,
              step: str | None = None, silences: int = 0) -> CallTurn:
    """Lock the person, find their conversation (in their own question set) and this call."""
    contact, conversation = conversations.locked_person(session, heard.phone,
                                                        runtime.flows.default_id())
    call = calls.find_or_create(session, heard.call_sid, contact, heard.outbound, now)
    if call.status not in calls.FINAL_STATUSES:
        call.status = "in-progress"
    call.answered_by = heard.answered_by or call.answered_by
    conversation = conversation or conversations.current(session, runtime.flows, contact)
    return CallTurn(runtime, session, contact, call, conversation, heard, now, step, silences)


def take_turn(turn: CallTurn, event):
    """Give the engine what the person did, and keep what it decides."""
    return conversations.take_turn(turn.session, turn.runtime.flows, turn.conversation,
                                   event, turn.now)


def speak(turn: CallTurn, outputs, silences: int = 0) -> str:
    """Render the engine's outputs: what it says, then its question or a goodbye."""
    lines = turn.lines + [o.voice_text or o.text for o in outputs if isinstance(o, Say)]
    asks = [o for o in outputs if isinstance(o, Ask)]
    if asks:
        return question(turn.speaker, lines, asks[-1], silences)
    still_open = current_question(turn.flow, turn.state)
    if turn.conversation.status == "active" and still_open is not None:
        # "Sorry, say yes or press 1": the same question is still open, so wait for keys.
        return question(turn.speaker, lines, still_open, silences, say_question=False)
    if turn.conversation.status == "finished":
        return _after_finish(turn, lines)
    return goodbye(turn.speaker, lines)


# What may follow the thank-you at the end of the questions, or "you have already answered
# all our questions" to someone who rings after finishing (vouchers: the offer of one, or
# the code they have). Each returns where the call goes next, or None; the first wins.
AFTER_FINISH: list[Callable[[CallTurn], str | None]] = []


def _after_finish(turn: CallTurn, lines: list[str]) -> str:
    for hook in AFTER_FINISH:
        target = hook(turn)
        if target is not None:
            # The thank-you, then whatever comes next says goodbye itself.
            word = catalogues().get(turn.speaker.language, catalogues()["en"]).goodbye
            return carry_on(turn.speaker, [without_goodbye(line, word) for line in lines],
                            target)
    return goodbye(turn.speaker, lines)


def again(turn: CallTurn, silences: int = 0) -> str:
    """Ask the current question again (or, with none, start or say where they are)."""
    ask = current_question(turn.flow, turn.state)
    if ask is None:
        return begin(turn)
    return question(turn.speaker, turn.lines, ask, silences)


# The call is answered (calls/menu.py: what a call offers first).

# Steps a person may be asked first, before the questions (events/rsvp_call.py: an open
# invite). Each returns its TwiML, which later goes on to /twilio/voice/questions, or None.
BEFORE_QUESTIONS: list[Callable[[CallTurn], str | None]] = []


def begin(turn: CallTurn) -> str:
    """The questions from where the person is: a welcome, or a welcome back."""
    if turn.conversation is None:
        return goodbye(turn.speaker, [turn.speaker.line("voice.nothing_open")])
    return speak(turn, take_turn(turn, Start(channel=CHANNEL)).outputs)


# The person pressed keys or spoke, after a question.

def slower(contact: Contact) -> str:
    """One step slower for this person (remembered, on every kind of call), said in words."""
    rate = next_rate(contact.voice_rate)
    contact.voice_rate = rate or contact.voice_rate
    return words("voice.slower" if rate else "voice.slowest", contact.language or "en")


def _phone_only(turn: CallTurn) -> str:
    calls.mark_phone_only(turn.runtime, turn.session, turn.contact, turn.now)
    return turn.speaker.line("voice.phone_only")


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
        turn.lines.append(turn.speaker.line("voice.not_understood"))
        return again(turn)
    return _answer(turn, pressed, said)


# Spoken keywords other parts act on (privacy: "delete my data"); each returns TwiML.
SPOKEN_INTENTS: dict[str, Callable[[CallTurn], str]] = {}
# Keys that mean the same as those words, at any question and at the keep / hear / record
# again menu (6: "delete my data", named in the help).
ERASE_KEY = "6"
INTENT_KEYS = {ERASE_KEY: "erase"}


def intent_of_key(pressed: str | None) -> Callable[[CallTurn], str] | None:
    """What a key that stands for words does (SPOKEN_INTENTS), or None."""
    return SPOKEN_INTENTS.get(INTENT_KEYS.get(pressed or ""))


def _answer(turn: CallTurn, pressed: str | None, said: str) -> str:
    keyword = classify(said) if said else None
    act = intent_of_key(pressed) or (SPOKEN_INTENTS.get(keyword.intent) if keyword else None)
    if act is not None:
        return act(turn)
    if keyword and keyword.intent == "opt_out":
        stopping.opt_out(turn.session, turn.contact, turn.now)
        return goodbye(turn.speaker, [turn.speaker.line("voice.opted_out")])
    if turn.conversation.step and _is_open(turn) and pressed not in KEY_INTENTS and not keyword:
        # Open answers are spoken after the tone; any other key there just means "ready".
        return record(turn.speaker, [], turn.conversation.step)
    reply = Reply(text=said or None, digits=pressed, channel=CHANNEL,
                  intent=keyword.intent if keyword else None)
    return speak(turn, take_turn(turn, reply).outputs)


def _is_open(turn: CallTurn) -> bool:
    return turn.flow.step(turn.conversation.step).kind == "open"


# Silence.

def silent(turn: CallTurn) -> str:
    """Nothing heard: ask again gently, then offer more time, then say goodbye kindly."""
    if not turn.in_step:
        return again(turn)
    if turn.silences <= 1:
        turn.lines.append(turn.speaker.line("voice.silence_1"))
        return again(turn, silences=1)
    if turn.silences == 2:
        return more_time(turn.speaker, turn.step)
    take_turn(turn, TimedOut(channel=CHANNEL))
    return goodbye(turn.speaker, [turn.speaker.line("voice.goodbye_saved")])


def wants_more_time(turn: CallTurn) -> str:
    """They pressed a key (or spoke) when offered more time."""
    if not turn.in_step:
        return again(turn)
    turn.lines.append(turn.speaker.line("voice.more_time"))
    return again(turn)

