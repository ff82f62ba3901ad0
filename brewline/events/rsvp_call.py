"""A "maybe" changed on a call to us: /twilio/voice asks about an open invite first.

Someone who rings us, and whose latest invite (rsvps.open_invite: planned, not
started) they answered "maybe" or not at all, is asked one question before the survey:
which session, when ("tomorrow, Wednesday the 27th of November, at half past six in the
evening") and where; press 1 if you can come, 2 if you cannot, 3 to decide later. The
answer is kept and confirmed as on the invite call (invite_call.confirm: channel
voice; a yes from someone who cannot get texts gets reminder calls). `*` says it again,
`9` slower, `0` the keys; silence or `7`: "you can tell us later". Then the call goes on
to the questions (/twilio/voice/questions). Someone who said yes or no hears none of it.
"""
from __future__ import annotations

from flask import Blueprint, Response, request

from brewline.calls import turns
from brewline.calls.turns import VOICE_KEYS, CallInput, CallTurn, keys
from brewline.calls.twiml import carry_on, goodbye, url
from brewline.calls.webhooks import call_webhook, respond
from brewline.calls.words import CANNOT_TEXT_PHRASES
from brewline.delivery import stopping
from brewline.events import rsvps
from brewline.events.event_call import said
from brewline.events.invite_call import KEY_ANSWERS, InviteCall, ask, confirm
from brewline.people import audience
from brewline.people.contacts import latest_consent
from flows.engine import SKIP_KEY
from flows.invites import rsvp_answer
from flows.keywords import classify, normalise

bp = Blueprint("voice_rsvp", __name__)
ROUTE = "rsvp"
SETTLED = frozenset({"yes", "no"})  # never asked again: no nagging
HINTS = "yes, no, maybe, later"
# "Decide later" said out loud: the same as pressing 3.
LATER = frozenset({"later", "later please", "decide later", "ill decide later",
                   "i will decide later", "ill tell you later", "i will tell you later"})


def before_questions(turn: CallTurn) -> str | None:
    """A call to us: the question about their open invite, or None when there is none."""
    if turn.heard.outbound or turn.contact.opted_out_at is not None:
        return None
    call = _open_invite(turn)
    if call is None or not _undecided(call):
        return None
    return _ask(call, _question(call))


def _open_invite(turn: CallTurn) -> InviteCall | None:
    found = rsvps.open_invite(turn.session, turn.contact.id, turn.now)
    return InviteCall(turn.session, turn.contact, found[1], turn.heard, turn.now) if found else None


def _undecided(call: InviteCall) -> bool:
    """Not yet a yes or a no, and still happy to hear about sessions."""
    last = rsvps.latest(call.session, call.event.id, call.contact.id)
    if last is not None and last.answer in SETTLED:
        return False
    return latest_consent(call.session, call.contact.id, audience.TOPIC) is not False


def _question(call: InviteCall) -> list[str]:
    """Which session, when and where, then the one question and its keys."""
    last = rsvps.latest(call.session, call.event.id, call.contact.id)
    opening = "rsvp_ask_maybe" if last is not None and last.answer == "maybe" else "rsvp_ask_new"
    return [said(call, opening), call.speaker.line("event_calls.rsvp_ask_keys")]


def _ask(call: InviteCall, lines: list[str], tries: int = 0) -> str:
    return ask(call, lines, route=ROUTE, hints=HINTS,
               query={"event": call.event.id, "tries": tries or None})


def _questions(turn: CallTurn, lines: list[str]) -> str:
    """Say `lines`, then on to the questions (welcome, or welcome back)."""
    return carry_on(turn.speaker, lines, url("questions"))


def replied(turn: CallTurn) -> str:
    """A key or words after the question: an answer, again, slower, the keys, or later."""
    call = _open_invite(turn)
    if call is None or str(call.event.id) != request.args.get("event"):
        return _questions(turn, [])  # called off (or another invite came) since we asked
    pressed, words = keys(turn.heard.digits), (turn.heard.speech or "").strip()
    keyword = classify(words) if words else None
    intent = keyword.intent if keyword else None
    if pressed == "*" or intent in ("repeat", "help"):
        return _ask(call, _question(call))
    if pressed == "0":
        return _ask(call, [turn.speaker.line("event_calls.rsvp_ask_keys")])
    if pressed in VOICE_KEYS or normalise(words) in CANNOT_TEXT_PHRASES:
        return _ask(call, [VOICE_KEYS[pressed or "8"](turn), turn.speaker.line("event_calls.rsvp_ask_keys")])
    if intent in turns.SPOKEN_INTENTS:
        return turns.SPOKEN_INTENTS[intent](turn)
    if intent == "opt_out":
        stopping.opt_out(turn.session, turn.contact, turn.now)
        return goodbye(turn.speaker, [turn.speaker.line("voice.opted_out")])
    if pressed == SKIP_KEY or intent == "skip":
        return _questions(turn, [turn.speaker.line("event_calls.rsvp_ask_later")])
    answer = (KEY_ANSWERS.get(pressed or "") or rsvp_answer(words)
              or ("maybe" if normalise(words) in LATER else None))
    if answer is not None:
        return _questions(turn, confirm(call, answer, words or pressed))
    if request.args.get("tries"):
        # Asked twice already: the questions are what they rang for.
        return _questions(turn, [turn.speaker.line("voice.not_understood"), turn.speaker.line("event_calls.rsvp_ask_later")])
    return _ask(call, [turn.speaker.line("voice.not_understood"), turn.speaker.line("event_calls.rsvp_ask_keys")], tries=1)


def silent(turn: CallTurn) -> str:
    """Nothing heard: nothing is kept, and on to the questions."""
    return _questions(turn, [turn.speaker.line("event_calls.rsvp_ask_later")])


@bp.post(f"/twilio/voice/{ROUTE}/answer")
@call_webhook()
def answer(heard: CallInput) -> Response:
    return respond(replied, heard)


@bp.post(f"/twilio/voice/{ROUTE}/silence")
@call_webhook()
def silence(heard: CallInput) -> Response:
    return respond(silent, heard)
