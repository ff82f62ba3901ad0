"""Ringing in during a live session: the offer, the host's PIN, the room, and the * menu.

Each handler takes the call's turn (calls/turns.py: the caller, locked, and this call)
and returns TwiML. Nobody's number is ever said: callers are "caller 2" at most.
"""
from __future__ import annotations

import hmac
from typing import Callable

from brewline.calls.turns import VOICE_KEYS, CallTurn, keys
from brewline.calls.twiml import carry_on, goodbye
from brewline.events.models import Event
from brewline.live import sessions, twiml
from brewline.live.models import LiveCaller, LiveSession

QUESTIONS = "/twilio/voice/questions"
MAX_SILENCES = 2  # then the usual questions, as if they had pressed 2
JOIN_KEY, HOST_KEY = "1", "5"


def offer_first(turn: CallTurn) -> str | None:
    """Before the questions (calls/turns.py BEFORE_QUESTIONS): during a live session, a
    caller hears one sentence about it and may listen in; else nothing changes."""
    if turn.heard.outbound:
        return None
    event = sessions.live_event(turn.session, turn.now)
    return None if event is None else _offer(turn, event)


def _offer(turn: CallTurn, event: Event, silences: int = 0) -> str:
    say = turn.speaker.line
    lines = turn.lines + [say("live.offer", title=event.title)]
    lines += [say("live.recorded")] if event.record_live else []
    return twiml.offer(turn.speaker, lines + [say("live.offer_keys")], event.id, silences)


def offered(turn: CallTurn, event_id: int) -> str:
    """/twilio/voice/live/offer: 1 listens in, 5 is the host's PIN, 9 slower, others the
    questions; silence hears the offer again, then goes on to the questions."""
    event = _still_live(turn, event_id)
    if event is None:
        return carry_on(turn.speaker, [], QUESTIONS)
    pressed = keys(turn.heard.digits)
    if pressed is None:
        return (carry_on(turn.speaker, [], QUESTIONS) if turn.silences >= MAX_SILENCES
                else _offer(turn, event, turn.silences))
    if pressed in VOICE_KEYS:
        turn.lines.append(VOICE_KEYS[pressed](turn))
        return _offer(turn, event)
    return _OFFER_KEYS.get(pressed, _questions)(turn, event)


def _join(turn: CallTurn, event: Event) -> str:
    live = sessions.of_event(turn.session, event.id)
    joined = sessions.caller(turn.session, live, turn.contact.id, turn.call.sid)
    joined.state = "joining"
    return twiml.room(turn.speaker, [turn.speaker.line("live.join")], event.id,
                      event.record_live)


def _ask_pin(turn: CallTurn, event: Event) -> str:
    return twiml.pin(turn.speaker, event.id)


def _again(turn: CallTurn, event: Event) -> str:
    return _offer(turn, event)


def _questions(turn: CallTurn, event: Event) -> str:
    return carry_on(turn.speaker, [], QUESTIONS)


_OFFER_KEYS: dict[str, Callable[[CallTurn, Event], str]] = {
    JOIN_KEY: _join, HOST_KEY: _ask_pin, "0": _again, "*": _again}


def pinned(turn: CallTurn, event_id: int) -> str:
    """/twilio/voice/live/pin: the right PIN takes the host in, unmuted; else the offer."""
    event = _still_live(turn, event_id)
    if event is None:
        return goodbye(turn.speaker, [turn.speaker.line("live.not_now")])
    live = sessions.of_event(turn.session, event.id)
    typed = (turn.heard.digits or "").strip().rstrip("#")
    if not hmac.compare_digest(typed.encode(), live.host_pin.encode()):
        turn.lines.append(turn.speaker.line("live.pin_wrong"))
        return _offer(turn, event)
    host = sessions.caller(turn.session, live, turn.contact.id, turn.call.sid, is_host=True)
    host.state = "joining"
    return twiml.room(turn.speaker, [turn.speaker.line("live.host_in")], event.id,
                      event.record_live, host=True)


def came_out(turn: CallTurn, event_id: int) -> str:
    """/twilio/voice/live/back (the Dial's action): a listener pressed *, or the session
    ended, or the host left."""
    event = _still_live(turn, event_id)
    mine = sessions.by_call(turn.session, turn.call.sid)
    if event is None or mine is None or mine.is_host:
        return goodbye(turn.speaker, [turn.speaker.line("live.ended")])
    mine.state = "menu"
    return twiml.menu(turn.speaker, [], event_id)


def chose(turn: CallTurn, event_id: int, silent: bool) -> str:
    """/twilio/voice/live/menu: what the listener pressed at the * menu (silence: back in)."""
    event = _still_live(turn, event_id)
    if event is None:
        return goodbye(turn.speaker, [turn.speaker.line("live.ended")])
    live = sessions.of_event(turn.session, event.id)
    mine = sessions.caller(turn.session, live, turn.contact.id, turn.call.sid)
    pressed = None if silent else keys(turn.heard.digits)
    if pressed is None:
        return _back_in(turn, event, mine, [turn.speaker.line("live.back")])
    if pressed in VOICE_KEYS:
        said = VOICE_KEYS[pressed](turn)  # first: 9 changes how the menu is said
        return twiml.menu(turn.speaker, [said], event.id)
    act = _MENU_KEYS.get(pressed)
    if act is None:
        return twiml.menu(turn.speaker, [turn.speaker.line("voice.not_understood")],
                          event.id)
    return act(turn, event, live, mine)


def _back_in(turn: CallTurn, event: Event, mine: LiveCaller, lines: list[str]) -> str:
    # Someone the host let speak who pressed * comes back still able to speak.
    return twiml.room(turn.speaker, lines, event.id, event.record_live, muted=mine.muted)


def _hand_up(turn: CallTurn, event: Event, live: LiveSession, mine: LiveCaller) -> str:
    said = turn.speaker.line("live.hand_already" if mine.hand_at else "live.hand_up")
    mine.hand_at = mine.hand_at or turn.now
    return _back_in(turn, event, mine, [said])


def _back(turn: CallTurn, event: Event, live: LiveSession, mine: LiveCaller) -> str:
    return _back_in(turn, event, mine, [turn.speaker.line("live.back")])


def _what_now(turn: CallTurn, event: Event, live: LiveSession, mine: LiveCaller) -> str:
    listening = [c for c in sessions.in_room(turn.session, live) if not c.is_host]
    count = len(listening) + (0 if mine in listening else 1)
    people = (turn.speaker.line("live.people_one") if count <= 1
              else turn.speaker.line("live.people_many", n=count))
    stage = "now_break" if sessions.on_break(live, turn.now) else (
        "now_on" if live.status == "started" else "now_waiting")
    return twiml.menu(turn.speaker, [turn.speaker.line(f"live.{stage}"), people], event.id)


def _help(turn: CallTurn, event: Event, live: LiveSession, mine: LiveCaller) -> str:
    return twiml.menu(turn.speaker, [turn.speaker.line("live.help")], event.id)


_MENU_KEYS = {"1": _hand_up, "2": _back, "3": _what_now, "0": _help}


def _still_live(turn: CallTurn, event_id: int) -> Event | None:
    found = sessions.live_event(turn.session, turn.now)
    return found if found is not None and found.id == event_id else None
