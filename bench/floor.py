"""The floor: what any webhook that keeps every text must do, and nothing more.

It checks Twilio's signature, parses the form and commits the text to the same database
(one INSERT, one COMMIT, same engine settings), then answers fixed TwiML. Brewline cannot
be faster than this; the gap between the ceiling and the floor is the price of keeping
the words at all, and the gap between the floor and Brewline is ours to close.
"""
from __future__ import annotations

from flask import Flask, Response, request
from sqlalchemy import insert

from bench.ceiling import TWIML
from brewline.delivery.models import Message
from brewline.platform.database import Store, utcnow
from brewline.platform.settings import from_env
from brewline.platform.twilio_edge import is_signed, plain


def create_app() -> Flask:
    """POST /twilio/sms and /twilio/voice: signed, parsed, kept, answered."""
    settings = from_env()
    store = Store(settings.database_url)
    app = Flask(__name__)
    app.config["BREWLINE_SETTINGS"] = settings

    def keep() -> Response:
        if not is_signed():
            return plain(403, "invalid Twilio signature")
        form = request.form
        with store.transaction() as session:
            session.execute(insert(Message.__table__).values(
                direction="in", channel="floor", sender=form.get("From", "")[:40],
                body=form.get("Body", form.get("CallSid", "")), created_at=utcnow()))
        return Response(TWIML, mimetype="text/xml")

    for path in ("/twilio/sms", "/twilio/voice"):
        app.add_url_rule(path, path, keep, methods=["POST"])
    return app
