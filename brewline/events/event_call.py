"""Calls that tell a phone-only person news about an event: a reminder, a cancellation.

Each kind of call is a `Script`: its words, the outbox purpose it is placed for and where
Twilio posts its turns (`/twilio/voice/<route>?outbox=ID`, like invite calls, through
invite_call.py). The turns are the same for every kind: the news is said slowly
with the time counted from the moment it is heard ("tomorrow, Wednesday the 27th of
November, at half past six in the evening"); `*` says it again, `9` slower, `0` the keys;
"stop calling me" opts out; silence gets the keys once more, then a kind goodbye; an
answering machine gets the news as a short message, with the date in full. A script adds
its own keys (a reminder's 2: "I can no longer come") with `reply`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, request

from brewline.calls.turns import MACHINE, CallInput, keys, slower
from brewline.calls.twiml import goodbye
from brewline.calls.webhooks import call_webhook
from brewline.delivery import stopping
from brewline.events import events
from brewline.events.invite_call import InviteCall, ask, respond
from brewline.events.models import Event
from flows.invites import render_spoken, spoken_when
from flows.keywords import classify


def _nothing_more(_script: "Script", _turn: InviteCall) -> str | None:
    return None


@dataclass(frozen=True)
class Script:
    """What one kind of call about an event says, and where its turns are answered."""

    route: str          # turns are posted to /twilio/voice/<route>
    purpose: str        # the outbox rows such calls are placed for
    news: str           # `event_calls` keys: the news, the keys, the same news on a voicemail,
    keys: str           # and the goodbye after silence
    voicemail: str
    bye: str
    words: str          # its catalogue section: "gone" (nothing left to say), "error",
                        # "still_there" (first silence)
    live: Callable[[Event, datetime], bool] = events.is_open  # whether there is news to give
    hints: str = "yes, no"
    # The script's own keys and words after the news: TwiML, or None when not its own.
    reply: Callable[["Script", InviteCall], str | None] = _nothing_more


def said(turn: InviteCall, key: str, heard_now: bool = True) -> str:
    """A spoken text about the event, its time counted from now (or given in full)."""
    zone = ZoneInfo(current_app.extensions["brewline"].settings.tz_default)
    when = spoken_when(turn.event.starts_at.astimezone(zone),
                       turn.now.astimezone(zone) if heard_now else None, turn.speaker.language)
    return render_spoken(key, events.words(turn.event, zone), when, turn.speaker.language)


def ask_again(script: Script, turn: InviteCall, lines: list[str], silences: int = 0) -> str:
    """Say `lines` and wait for a key or words, which come back to this script."""
    return ask(turn, lines, silences, route=script.route, hints=script.hints)


def tell(script: Script, turn: InviteCall) -> str:
    """The news and the keys, waiting for a key."""
    return ask_again(script, turn, [said(turn, script.news), turn.speaker.line(f"event_calls.{script.keys}")])


def answered(script: Script, turn: InviteCall) -> str:
    """The call is picked up: a person hears the news; a voicemail gets it as a message."""
    if MACHINE.match(turn.heard.answered_by or ""):
        # Heard later, perhaps tomorrow: "on Wednesday the 27th", never "tomorrow".
        return goodbye(turn.speaker, [said(turn, script.voicemail, heard_now=False)])
    return tell(script, turn)


def replied(script: Script, turn: InviteCall) -> str:
    """Keys or words after the news: again, slower, the keys, stop, or the script's own."""
    pressed, words = keys(turn.heard.digits), (turn.heard.speech or "").strip()
    keyword = classify(words) if words else None
    if pressed == "*" or (keyword and keyword.intent in ("repeat", "help")):
        return tell(script, turn)  # "say that again", "who is this?": the news from the top
    if pressed == "9":
        return ask_again(script, turn, [slower(turn.contact), turn.speaker.line(f"event_calls.{script.keys}")])
    if pressed == "0":
        return ask_again(script, turn, [turn.speaker.line(f"event_calls.{script.keys}")])
    if keyword and keyword.intent == "opt_out":
        stopping.opt_out(turn.session, turn.contact, turn.now)
        return goodbye(turn.speaker, [turn.speaker.line("voice.opted_out")])
    own = script.reply(script, turn)
    if own is not None:
        return own
    return ask_again(script, turn, [turn.speaker.line("voice.not_understood"), turn.speaker.line(f"event_calls.{script.keys}")])


def silent(script: Script, turn: InviteCall) -> str:
    """Nothing heard (nothing is needed): once more the keys, then a kind goodbye."""
    raw = request.args.get("n", "1")
    if raw.isdigit() and int(raw) <= 1:
        return ask_again(script, turn, [turn.speaker.line(f"{script.words}.still_there")], silences=1)
    return goodbye(turn.speaker, [turn.speaker.line(f"event_calls.{script.bye}")])


def blueprint(script: Script) -> Blueprint:
    """The three webhooks of a script's calls: picked up, a key or words, and silence."""
    bp = Blueprint(f"voice_{script.route}", __name__)
    for suffix, turn in (("", answered), ("/answer", replied), ("/silence", silent)):
        bp.add_url_rule(f"/twilio/voice/{script.route}{suffix}", turn.__name__,
                        _webhook(script, turn), methods=["POST"])
    return bp


def _webhook(script: Script, turn) -> Callable[..., Response]:
    @call_webhook()  # with the database unreachable: kind words, not a 500
    def webhook(heard: CallInput) -> Response:
        return respond(heard, lambda call: turn(script, call), purpose=script.purpose,
                       words=script.words, live=script.live)
    return webhook
