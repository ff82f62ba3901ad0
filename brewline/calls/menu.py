"""The start of a call: a voicemail, the choice of language (when more than one is on),
steps before the questions, then the questions, with a short menu first when there is more
than one thing to choose (several open question sets).

With one open set there is no menu. A call we placed (a "call me", or an organiser asking
someone who cannot get texts) goes straight to the person's own set, as does an organiser
trying a draft in the simulator.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from twilio.twiml.voice_response import VoiceResponse

from brewline.calls import calls, language_choice, turns
from brewline.calls.models import Call
from brewline.calls.turns import VOICE_KEYS, CallTurn, keys
from brewline.calls.twiml import CHOICE_TIMEOUT, goodbye, url
from brewline.delivery.models import Outbox
from brewline.surveys import asking, conversations

MAX_KEYS = 5  # 6 to 9, 0 and * mean the same on every call
MAX_SILENCES = 3  # the third silence ends the call kindly, as on a question


@dataclass(frozen=True)
class Option:
    """One thing a caller may choose at the start of a call."""

    key: str  # stable across the menu's requests, so a press means what was said
    words: str  # "For <words>, press 1."
    choose: Callable[[CallTurn], str]  # the TwiML once chosen


# Things a caller may be offered besides the open question sets: each returns its
# options for this caller (none, usually), listed after the sets.
MENU_OPTIONS: list[Callable[[CallTurn], list[Option]]] = []
# What a voicemail is told, by the purpose of the call we placed (else "voicemail").
VOICEMAIL = {asking.CALL_PURPOSE: "voicemail_asked"}


def answer_call(turn: CallTurn) -> str:
    """A new call: a voicemail gets a message, a person the choice of language (when more
    than one is on), then any step before the questions (an open invite), then the
    questions or the menu."""
    if turns.MACHINE.match(turn.heard.answered_by or ""):
        calls.voicemail_text(turn.runtime, turn.session, turn.contact, turn.call, turn.now)
        said = "voice." + VOICEMAIL.get(_purpose(turn), "voicemail")
        return goodbye(turn.speaker, [turn.speaker.line(said)])
    languages = language_choice.offered(turn)
    if languages:
        return language_choice.ask(turn, languages)
    return after_language(turn)


def after_language(turn: CallTurn) -> str:
    """Any step before the questions (an open invite), then the questions or the menu."""
    for step in turns.BEFORE_QUESTIONS:
        asked = step(turn)
        if asked is not None:
            return asked
    return start(turn)


def start(turn: CallTurn) -> str:
    """The questions, or first a menu when there is more than one thing to choose."""
    if turn.heard.outbound or _trying(turn):
        return _own_set(turn)
    options = _options(turn)
    if len(options) == 1:
        return options[0].choose(turn)
    if not options:
        return goodbye(turn.speaker, [turn.speaker.line("voice.nothing_open")])
    return _menu(turn, options)


def chosen(turn: CallTurn, offered_keys: list[str]) -> str:
    """/twilio/voice/menu: a key pressed at the menu (which offered `offered_keys`), or
    silence. A set closed since the menu was read is no longer offered."""
    known = {o.key: o for o in _options(turn)}
    offered = [known[k] for k in offered_keys if k in known] or list(known.values())
    if not offered:
        return goodbye(turn.speaker, [turn.speaker.line("voice.nothing_open")])
    pressed = keys(turn.heard.digits)
    if pressed in VOICE_KEYS:
        turn.lines.append(VOICE_KEYS[pressed](turn))
        return _menu(turn, offered, turn.silences)
    if pressed and pressed.isdigit() and 1 <= int(pressed) <= len(offered):
        return offered[int(pressed) - 1].choose(turn)
    if pressed is None and turn.silences >= MAX_SILENCES:
        return goodbye(turn.speaker, [turn.speaker.line("voice.menu_goodbye")])
    turn.lines.append(turn.speaker.line("voice.not_understood" if pressed else "voice.menu_again"))
    return _menu(turn, offered, turn.silences)


def _options(turn: CallTurn) -> list[Option]:
    sets = turn.runtime.flows.open_sets()[:MAX_KEYS]
    found = [Option(s.id, s.title, _start_set(s.id)) for s in sets]
    for more in MENU_OPTIONS:
        found += more(turn)
    return found[:MAX_KEYS]


def _start_set(set_id: str) -> Callable[[CallTurn], str]:
    def choose(turn: CallTurn) -> str:
        turn.conversation = conversations.join(turn.session, turn.runtime.flows, turn.contact,
                                               set_id)
        return turns.begin(turn)
    return choose


def _menu(turn: CallTurn, options: list[Option], silences: int = 0) -> str:
    response = VoiceResponse()
    offered = ",".join(o.key for o in options)
    gather = response.gather(action=url("menu", o=offered, n=silences), method="POST",
                             input="dtmf", num_digits=1, timeout=CHOICE_TIMEOUT)
    lines = turn.lines + ([] if turn.lines else [turn.speaker.line("voice.menu")])
    lines += [turn.speaker.line("voice.menu_option", words=o.words, key=n)
              for n, o in enumerate(options, 1)]
    for text in lines:
        turn.speaker.say(gather, text)
    response.redirect(url("menu", o=offered, n=silences + 1), method="POST")
    return str(response)


def _own_set(turn: CallTurn) -> str:
    conversation = turn.conversation
    if conversation is not None and not _takes_answers(turn):
        return goodbye(turn.speaker, [turn.speaker.line("voice.closed")])
    return turns.begin(turn)


def _trying(turn: CallTurn) -> bool:
    """An organiser trying a draft: their conversation is at a version not yet published."""
    here = turn.conversation
    return here is not None and not turn.runtime.flows.is_published(here.flow_id,
                                                                     here.flow_version)


def _takes_answers(turn: CallTurn) -> bool:
    info = turn.runtime.flows.info(turn.conversation.flow_id)
    return _trying(turn) or (info is not None and info.is_open)


def _purpose(turn: CallTurn) -> str | None:
    call: Call = turn.call
    placed = turn.session.get(Outbox, call.outbox_id) if call.outbox_id else None
    return placed.purpose if placed is not None else None
