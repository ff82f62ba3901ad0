"""POST /twilio/sms: incoming texts, answered with TwiML."""
from __future__ import annotations

from typing import Mapping

from flask import Blueprint, Response, current_app
from twilio.twiml.messaging_response import MessagingResponse

from brewline.delivery import spool
from brewline.platform.twilio_edge import BadForm, required, twilio_webhook
from brewline.texts.inbound import InboundText, receive_text
from brewline.texts.spooled import holding

bp = Blueprint("sms", __name__)


def inbound_text(form: Mapping[str, str]) -> InboundText:
    """Twilio's incoming-message form in our words."""
    sender, body, sid = required(form, "From", "Body", "MessageSid")
    try:
        media = int(form.get("NumMedia", "0") or 0)
    except ValueError:
        raise BadForm("NumMedia must be a number") from None
    return InboundText(sender=sender, body=body, message_sid=sid, media_count=max(media, 0))


def twiml(replies: list[str]) -> Response:
    """One <Message> per reply; an empty <Response/> when we stay quiet."""
    response = MessagingResponse()
    for body in replies:
        response.message(body)
    return Response(str(response), mimetype="text/xml")


@bp.post("/twilio/sms")
@twilio_webhook(inbound_text)
def incoming(text: InboundText) -> Response:
    runtime = current_app.extensions["brewline"]
    return twiml(answer(runtime, text))


def answer(runtime, text: InboundText) -> list[str]:
    """Handle the text now, or keep it in the spool when the database cannot be reached."""
    return spool.now_or_later(runtime, "text", text, lambda now: receive_text(runtime, text, now),
                              holding())
