"""The ceiling: a bare Flask app with one route returning fixed TwiML, served the same way."""
from __future__ import annotations

from flask import Flask, Response

TWIML = ('<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thank you, we have '
         "your answer.</Message></Response>")


def create_app() -> Flask:
    """One route per webhook path, each answering the same fixed TwiML without any work."""
    app = Flask(__name__)

    def fixed() -> Response:
        return Response(TWIML, mimetype="text/xml")

    for path in ("/twilio/sms", "/twilio/voice"):
        app.add_url_rule(path, path, fixed, methods=["POST"])
    return app
