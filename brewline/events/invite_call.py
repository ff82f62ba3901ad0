"""The invite call: /twilio/voice/invite speaks an invite and takes the RSVP by key or voice.

The worker places the call with `?outbox=ID` (the invite_call row), so the answer URL knows
which invite this is without trusting anything but Twilio's signed request.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, request
from sqlalchemy.orm import Session
from twilio.twiml.voice_response import VoiceResponse

from brewline.calls import calls
from brewline.calls.turns import MACHINE, CallInput, keys, slower
from brewline.calls.twiml import CHOICE_TIMEOUT, Speaker, goodbye, url
from brewline.calls.webhooks import call_webhook, guarded, twiml
from brewline.delivery import stopping
from brewline.delivery.models import Outbox
from brewline.events import events, reminders, rsvps
from brewline.events.models import Event
from brewline.people import contacts
from brewline.people.models import Contact
from flows.invites import render, rsvp_answer
from flows.keywords import classify
from flows.words import words as say

bp = Blueprint("voice_invite", __name__)
PURPOSE = "invite_call"
KEY_ANSWERS = {"1": "yes", "2": "no", "3": "maybe"}


@dataclass
class InviteCall:
    """One turn of a call about an event (an invite, reminder or cancellation)."""

    session: Session
    contact: Contact
    event: Event
    heard: CallInput
    now: datetime

    @property
    def speaker(self) -> Speaker:
        return Speaker.for_rate(self.contact.voice_rate, language=self.contact.language)

    def words(self, key: str) -> str:
        zone = ZoneInfo(current_app.extensions["brewline"].settings.tz_default)
        return render(key, events.words(self.event, zone), self.speaker.language)


def _outbox_id() -> int | None:
    raw = request.args.get("outbox", "")
    return int(raw) if raw.isdigit() else None


def respond(heard: CallInput, act, purpose: str = PURPOSE, words: str = PURPOSE,
            live: Callable[[Event, datetime], bool] = events.is_open) -> Response:
    """Find the person and the event their call (a `purpose` row) is about, then `act`.

    `words` is the catalogue section with "gone" (when `live` says the call has nothing
    left to say, by default once the event is cancelled or over) and "error" for this kind
    of call.
    """
    now = datetime.now(timezone.utc)

    def turn(runtime, heard: CallInput) -> Response:
        return _turn(runtime, heard, now, act, purpose, words, live)
    return guarded(heard, turn, hidden=say(f"{words}.gone"), error=say(f"{words}.error"),
                   kind=purpose)


def _turn(runtime, heard: CallInput, now: datetime, act, purpose: str, words: str,
          live: Callable[[Event, datetime], bool]) -> Response:
    with runtime.store.transaction() as session:
        contact = contacts.locked(session, heard.phone)
        row = session.get(Outbox, _outbox_id() or 0)
        event = _event(session, row, contact, purpose)
        if event is None or not live(event, now):
            speaker = Speaker.for_rate(contact.voice_rate, language=contact.language)
            return twiml(goodbye(speaker, [speaker.line(f"{words}.gone")]))
        call = calls.find_or_create(session, heard.call_sid, contact, True, now)
        # Marks the call as ours (not the survey's) before the worker has stored its sid.
        call.outbox_id, call.answered_by = row.id, heard.answered_by or call.answered_by
        return twiml(act(InviteCall(session, contact, event, heard, now)))


def _event(session: Session, row: Outbox | None, contact: Contact, purpose: str) -> Event | None:
    if row is None or row.purpose != purpose or row.contact_id != contact.id:
        return None
    kind, _, number = (row.ref or "").partition(":")
    return session.get(Event, int(number)) if kind == "event" and number.isdigit() else None


def ask(turn: InviteCall, lines: list[str], silences: int = 0, route: str = "invite",
        hints: str = "yes, no, maybe", query: dict | None = None) -> str:
    """Say `lines` inside a Gather that takes a key or yes/no(/maybe); silence comes back.

    `query` says which call this is on the next turn (by default the `outbox` row's id).
    """
    response = VoiceResponse()
    query = {"outbox": request.args.get("outbox")} if query is None else query
    gather = response.gather(action=url(f"{route}/answer", **query), method="POST",
                             input="dtmf speech", num_digits=1, finish_on_key="#",
                             timeout=CHOICE_TIMEOUT, speech_timeout="auto",
                             language=turn.speaker.voice.language,
                             hints=hints)
    for text in lines:
        turn.speaker.say(gather, text)
    response.redirect(url(f"{route}/silence", **query, n=silences + 1), method="POST")
    return str(response)


def answered(turn: InviteCall) -> str:
    """A new invite call: a voicemail gets a short message, a person hears the invite."""
    if MACHINE.match(turn.heard.answered_by or ""):
        return goodbye(turn.speaker, [turn.words("invite_voicemail")])
    return ask(turn, [turn.words("invite_call"), turn.speaker.line("invite_call.also")])


def replied(turn: InviteCall) -> str:
    """Keys or speech after the invite: an RSVP, a repeat, slower, stop, or ask again."""
    pressed, said = keys(turn.heard.digits), (turn.heard.speech or "").strip()
    if pressed == "*":
        return ask(turn, [turn.words("invite_call"), turn.speaker.line("invite_call.also")])
    if pressed == "9":
        return ask(turn, [slower(turn.contact), turn.speaker.line("invite_call.keys")])
    keyword = classify(said) if said else None
    if keyword and keyword.intent == "opt_out":
        stopping.opt_out(turn.session, turn.contact, turn.now)
        return goodbye(turn.speaker, [turn.speaker.line("voice.opted_out")])
    answer = KEY_ANSWERS.get(pressed or "") or rsvp_answer(said)
    if answer is None:
        return ask(turn, [turn.speaker.line("voice.not_understood"),
                          turn.speaker.line("invite_call.keys")])
    return goodbye(turn.speaker, [*confirm(turn, answer, said or pressed),
                                  turn.speaker.line("invite_call.thanks")])


def confirm(turn: InviteCall, answer: str, said: str | None) -> list[str]:
    """Keep the RSVP, then say what we have them down as and what happens next."""
    record_once(turn, answer, said)
    return [turn.words(f"rsvp_call_{answer}"), *_what_next(turn, answer)]


def _what_next(turn: InviteCall, answer: str) -> list[str]:
    """After a yes: the reminder call to come (where they can say no), if one is arranged."""
    if answer != "yes":
        return []
    rung = reminders.calls_waiting(turn.session, turn.event.id, turn.contact.id)
    return [turn.words("rsvp_call_reminded" if rung else "rsvp_call_see_you")]


def record_once(turn: InviteCall, answer: str, said: str | None) -> None:
    """Keep the RSVP (channel voice), once however often Twilio posts the same answer."""
    # Twilio may post the same answer twice: one RSVP per answer per call is enough. The
    # RSVPs themselves say so (not call.pending, which holds a spoken survey answer).
    call = calls.find_or_create(turn.session, turn.heard.call_sid, turn.contact, True, turn.now)
    last = rsvps.latest(turn.session, turn.event.id, turn.contact.id)
    if (last is not None and last.answer == answer and last.channel == "voice"
            and last.created_at >= call.created_at):
        return
    runtime = current_app.extensions["brewline"]
    rsvps.record(runtime, turn.session, turn.event, turn.contact, answer, said, turn.now,
                 channel="voice")


def silent(turn: InviteCall) -> str:
    """Nothing heard: once more gently with the keys, then a kind goodbye."""
    raw = request.args.get("n", "1")
    if raw.isdigit() and int(raw) <= 1:
        return ask(turn, [turn.speaker.line("voice.silence_1"),
                          turn.speaker.line("invite_call.keys")], silences=1)
    return goodbye(turn.speaker, [turn.speaker.line("invite_call.no_answer")])


@bp.post("/twilio/voice/invite")
@call_webhook()
def invite(heard: CallInput) -> Response:
    return respond(heard, answered)


@bp.post("/twilio/voice/invite/answer")
@call_webhook()
def answer(heard: CallInput) -> Response:
    return respond(heard, replied)


@bp.post("/twilio/voice/invite/silence")
@call_webhook()
def silence(heard: CallInput) -> Response:
    return respond(heard, silent)
