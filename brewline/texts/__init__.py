"""Text messages: the questions by text, and every keyword people text us.

The incoming-text webhook (POST /twilio/sms), keeping every text exactly as it came,
recognising keywords and plain phrases (STOP, START, and those other capabilities add),
giving everything else to the person's conversation, the words the service itself
replies with, and texts kept while the database was down, handled once it is back.
"""
from __future__ import annotations

from flask import Flask

from brewline.delivery import spool
from brewline.texts import spooled, webhook


def register(app: Flask | None = None) -> None:
    """The spooled-text replay; with an app, the incoming-text webhook."""
    spool.REPLAYS["text"] = spooled.replay
    if app is not None:
        app.register_blueprint(webhook.bp)
