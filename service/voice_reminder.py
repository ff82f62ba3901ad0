"""The reminder call: /twilio/voice/reminder reminds a phone-only person who said yes.

The worker places the call with `?outbox=ID` (the reminder_call row), as for invite calls,
and the turns go through the same code (service/voice_invite.py). The call says what,
when and where, slowly, with the time counted from the moment it is heard ("tomorrow,
Wednesday the 27th of November, at half past six in the evening"); `*` says it again,
`2` means "I can no longer come" (the RSVP becomes no), and an answering machine gets the
same reminder as a short message, with the date in full.
"""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, request

from flows.invites import SPOKEN, render_spoken, rsvp_answer, spoken_when
from flows.keywords import classify
from service import contacts, events
from service.reminders import CALL_PURPOSE
from service.voice import call_webhook
from service.voice_call import MACHINE, CallInput, keys
from service.voice_invite import InviteCall, ask, record_once, respond, slower
from service.voice_twiml import goodbye
from service.voice_words import VOICE

bp = Blueprint("voice_reminder", __name__)
ROUTE = "reminder"
KEY_ANSWERS = {"1": "yes", "2": "no"}
WORDS = {
    "gone": ("Hello, this is Over a Brew. Sorry, we rang with a reminder that is no longer "
             "needed. Goodbye."),
    "error": "Hello, this is Over a Brew. Sorry, something went wrong on our side. Goodbye.",
    "still_there": ("If you can no longer come, press 2. To hear the reminder again, "
                    "press star."),
}


def _said(turn: InviteCall, key: str, heard_now: bool = True) -> str:
    """A spoken text about the event, its time counted from now (or given in full)."""
    zone = ZoneInfo(current_app.extensions["brewline"].settings.tz_default)
    when = spoken_when(turn.event.starts_at.astimezone(zone),
                       turn.now.astimezone(zone) if heard_now else None)
    return render_spoken(key, events.words(turn.event, zone), when)


def _ask(turn: InviteCall, lines: list[str], silences: int = 0) -> str:
    return ask(turn, lines, silences, route=ROUTE, hints="yes, no")


def _reminder(turn: InviteCall) -> str:
    return _ask(turn, [_said(turn, "reminder_call"), SPOKEN["reminder_call_keys"]])


def answered(turn: InviteCall) -> str:
    """A reminder call picked up: a person hears it; a voicemail gets it as a message."""
    if MACHINE.match(turn.heard.answered_by or ""):
        # Heard later, perhaps tomorrow: "on Wednesday the 27th", never "tomorrow".
        return goodbye(turn.speaker, [_said(turn, "reminder_voicemail", heard_now=False)])
    return _reminder(turn)


def replied(turn: InviteCall) -> str:
    """Keys or speech after the reminder: again, slower, can no longer come, or stop."""
    pressed, said = keys(turn.heard.digits), (turn.heard.speech or "").strip()
    if pressed == "*":
        return _reminder(turn)
    if pressed == "9":
        return _ask(turn, [slower(turn), SPOKEN["reminder_call_keys"]])
    if pressed == "0":
        return _ask(turn, [SPOKEN["reminder_call_keys"]])
    keyword = classify(said) if said else None
    if keyword and keyword.intent == "opt_out":
        contacts.opt_out(turn.session, turn.contact, turn.now)
        return goodbye(turn.speaker, [VOICE["opted_out"]])
    answer = KEY_ANSWERS.get(pressed or "") or rsvp_answer(said)
    if answer == "no":
        record_once(turn, "no", said or pressed)
        return goodbye(turn.speaker, [_said(turn, "reminder_call_no")])
    if answer == "yes":  # still coming: nothing to change
        return goodbye(turn.speaker, [SPOKEN["reminder_call_yes"]])
    return _ask(turn, [VOICE["not_understood"], SPOKEN["reminder_call_keys"]])


def silent(turn: InviteCall) -> str:
    """Nothing heard (nothing is needed): once more how to say no, then a kind goodbye."""
    raw = request.args.get("n", "1")
    if raw.isdigit() and int(raw) <= 1:
        return _ask(turn, [WORDS["still_there"]], silences=1)
    return goodbye(turn.speaker, [SPOKEN["reminder_call_bye"]])


def _respond(heard: CallInput, act) -> Response:
    return respond(heard, act, purpose=CALL_PURPOSE, words=WORDS)


@bp.post("/twilio/voice/reminder")
@call_webhook()
def reminder(heard: CallInput) -> Response:
    return _respond(heard, answered)


@bp.post("/twilio/voice/reminder/answer")
@call_webhook()
def answer(heard: CallInput) -> Response:
    return _respond(heard, replied)


@bp.post("/twilio/voice/reminder/silence")
@call_webhook()
def silence(heard: CallInput) -> Response:
    return _respond(heard, silent)
