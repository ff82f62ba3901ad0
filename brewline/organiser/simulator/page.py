"""/simulator: text (or ring) the service as a made-up participant, through the real webhooks."""
from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET

from flask import Blueprint, g, jsonify, redirect, render_template, request, url_for

from brewline.organiser.guard import check_csrf, current_user_id, runtime
from brewline.organiser.simulator import calls, selfpost, thread
from brewline.people.phones import BadNumber, normalise
from brewline.surveys.models import QuestionSet

bp = Blueprint("simulator", __name__)
# Ofcom keeps 07700 900000-900999 for drama: no real person has these numbers.
MADE_UP_PREFIX = "+447700900"
DEFAULT_NUMBER = "07700 900555"


@bp.before_request
def organisers_or_local_mode():
    """Signed-in organisers may use it; so may anyone on a local-mode install."""
    g.user_id = current_user_id()
    if g.user_id is None and not runtime().settings.local_mode:
        if request.accept_mimetypes.best == "application/json":
            return {"error": "Please sign in again."}, 401
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    return check_csrf()


class NotMadeUp(ValueError):
    """A number that could belong to a real person, on a live install."""


def made_up_number(raw: str) -> str:
    """The E.164 number to pretend to be; live installs only allow Ofcom's drama numbers."""
    settings = runtime().settings
    phone = normalise(raw, settings.default_region)
    if not settings.local_mode and not phone.startswith(MADE_UP_PREFIX):
        raise NotMadeUp("Please use a made-up number from 07700 900000 to 07700 900999, so "
                        "no real person's texts or answers are touched.")
    return phone


def _number_or_error(raw: str):
    try:
        return made_up_number(raw), None
    except BadNumber:
        return None, "That is not a phone number. Try one like 07700 900555."
    except NotMadeUp as exc:
        return None, str(exc)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _thread(phone: str) -> list[thread.Bubble]:
    rt = runtime()
    with rt.store.transaction() as db:
        return thread.bubbles(db, phone, rt.settings.local_mode)


@bp.get("/simulator")
def simulator():
    raw = request.args.get("number", DEFAULT_NUMBER)
    phone, error = _number_or_error(raw)
    mode = "call" if request.args.get("mode") == "call" else "text"
    return render_template(
        "simulator.html", number=raw, phone=phone, error=error, mode=mode,
        bubbles=_thread(phone) if phone else [], calls_available=calls.available(),
        made_up_only=not runtime().settings.local_mode, trying=_trying())


def _trying():
    """The question set whose draft this number is trying (from its page), if any."""
    set_id = request.args.get("trying")
    if not set_id:
        return None
    with runtime().store.transaction() as db:
        found = db.get(QuestionSet, set_id)
        return found.title if found else None


def text_form(phone: str, body: str) -> dict:
    """The form Twilio posts for an incoming text."""
    settings = runtime().settings
    return {"From": phone, "To": settings.twilio_phone_number or "+447700900000",
            "Body": body, "MessageSid": "SM" + secrets.token_hex(16), "NumMedia": "0",
            "AccountSid": settings.twilio_account_sid or "AC" + "0" * 32}


@bp.post("/simulator/text")
def send_text():
    raw, body = request.form.get("number", ""), request.form.get("body", "")
    phone, error = _number_or_error(raw)
    if error is None and not body.strip():
        error = "Type a message first."
    if error is None:
        reply = selfpost.post("/twilio/sms", text_form(phone, body))
        error = None if reply.status == 200 else f"The service refused the text ({reply.status})."
    if _wants_json():
        bubbles = [b.to_json() for b in _thread(phone)] if phone else []
        return jsonify(error=error, bubbles=bubbles), 400 if error else 200
    if error:
        return render_template("simulator.html", number=raw, phone=phone, error=error,
                               mode="text", body=body, bubbles=_thread(phone) if phone else [],
                               calls_available=calls.available(),
                               made_up_only=not runtime().settings.local_mode), 400
    return redirect(url_for("simulator.simulator", number=raw) + "#latest")


@bp.get("/simulator/thread")
def thread_json():
    phone, error = _number_or_error(request.args.get("number", ""))
    if error:
        return jsonify(error=error, bubbles=[]), 400
    return jsonify(error=None, bubbles=[b.to_json() for b in _thread(phone)])


@bp.post("/simulator/call")
def call_step():
    """One step of a simulated call: start it, or follow an action URL with what was 'said'."""
    if not calls.available():
        return jsonify(error=calls.NOT_AVAILABLE), 404
    data = request.get_json(silent=True) or {}
    phone, error = _number_or_error(str(data.get("number", "")))
    if error:
        return jsonify(error=error), 400
    try:
        screen = calls.step(phone, data)
    except (selfpost.NotOurs, calls.CallError) as exc:
        return jsonify(error=str(exc)), 400
    except ET.ParseError:
        return jsonify(error="The call answer was not TwiML."), 502
    return jsonify(error=None, **screen)
