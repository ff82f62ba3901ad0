"""The live session's webhooks: POST /twilio/voice/live/* (the offer, the host's PIN,
back from the room, the * menu, the waiting music, announcements) and
POST /twilio/conference-status (Twilio's conference status callbacks)."""
from __future__ import annotations

import logging
from datetime import datetime

from flask import Blueprint, Response, current_app, request

from brewline.calls.forms import call_input
from brewline.calls.turns import CallInput
from brewline.calls.twiml import Speaker, goodbye
from brewline.calls.webhooks import respond, twiml
from brewline.delivery import spool
from brewline.live import joining, status
from brewline.live import twiml as live_twiml
from brewline.live.forms import ConferenceChange, conference_change
from flows.words import language_of, words
from brewline.platform.runtime import Runtime
from brewline.platform.twilio_edge import BadForm, plain, twilio_webhook

log = logging.getLogger("brewline.live")
bp = Blueprint("live_voice", __name__)


def _event_id() -> int:
    raw = request.args.get("event", "")
    if not raw.isdigit() or len(raw) > 12:
        raise BadForm("event must be an event number")
    return int(raw)


def _speaker(language: str | None = None) -> Speaker:
    return Speaker(base_url=current_app.extensions["brewline"].settings.public_base_url,
                   language=language_of(language))


def _speakers() -> list[Speaker]:
    """English, then each language the URL's `lang` names (the people in the room)."""
    named = [language_of(code) for code in request.args.get("lang", "").split(",")[:5]]
    return [_speaker(code) for code in dict.fromkeys(["en", *named])]


def _back_in_room(heard: CallInput) -> Response:
    """The database is down while a listener is between the room and the menu: back into
    the room (muted), never cut off."""
    try:
        event_id = _event_id()
    except BadForm:
        return twiml(live_twiml.announce([_speaker()], "not_now"))
    speaker = _speaker()
    return twiml(live_twiml.room(speaker, [speaker.line("live.sorry_back")], event_id,
                                 recorded=False))


def _sorry(given) -> Response:
    """The database is down before anyone is in the room: kind words, as on any call."""
    return twiml(goodbye(Speaker(), [words("voice.database_down")]))


def _checked(parse=call_input):
    def with_event(form):
        return parse(form), _event_id()
    return with_event


@bp.post("/twilio/voice/live/offer")
@twilio_webhook(_checked(), when_down=_sorry)
def offer(given) -> Response:
    heard, event_id = given
    return respond(lambda turn: joining.offered(turn, event_id), heard)


@bp.post("/twilio/voice/live/pin")
@twilio_webhook(_checked(), when_down=_sorry)
def pin(given) -> Response:
    heard, event_id = given
    return respond(lambda turn: joining.pinned(turn, event_id), heard)


@bp.post("/twilio/voice/live/back")
@twilio_webhook(_checked(), when_down=lambda given: _back_in_room(given[0]))
def back(given) -> Response:
    heard, event_id = given
    return respond(lambda turn: joining.came_out(turn, event_id), heard)


@bp.post("/twilio/voice/live/menu")
@twilio_webhook(_checked(), when_down=lambda given: _back_in_room(given[0]))
def menu(given) -> Response:
    heard, event_id = given
    silent = request.args.get("silent") == "1"
    return respond(lambda turn: joining.chose(turn, event_id, silent), heard)


@bp.post("/twilio/voice/live/wait")
@twilio_webhook(lambda form: None)
def wait(_nothing) -> Response:
    """Twilio's waitUrl: played until the host is in."""
    return twiml(live_twiml.wait(_speaker(request.args.get("lang"))))


ANNOUNCEMENTS = ("break",)


@bp.post("/twilio/voice/live/announce")
@twilio_webhook(lambda form: None)
def announce(_nothing) -> Response:
    """Twilio's announceUrl: words said to everyone in the room."""
    what = request.args.get("what", "")
    if what not in ANNOUNCEMENTS:
        return plain(400, "unknown announcement")
    return twiml(live_twiml.announce(_speakers(), what))


@bp.post("/twilio/conference-status")
@twilio_webhook(conference_change)
def conference_status(change: ConferenceChange) -> Response:
    runtime = current_app.extensions["brewline"]
    return spool.now_or_later(runtime, "conference_status", change,
                              lambda now: plain(*status.apply(runtime, change, now)),
                              plain(200, "kept; applied when the database is back"))


def replay_status(runtime: Runtime, fields: dict, at: datetime) -> None:
    """A conference status callback kept while the database was down (delivery/spool.py)."""
    log.info("spooled conference status: %s",
             status.apply(runtime, ConferenceChange(**fields), at)[1])
