"""Text messages: the questions by text, and every keyword people text us.

The incoming-text webhook (POST /twilio/sms), keeping every text exactly as it came,
recognising keywords and plain phrases (STOP, START, and those other capabilities add),
a language's name (the person's language from now on), giving everything else to the
person's conversation, the words the service itself replies with, and texts kept while the database was down, handled once it is back.
"""
from __future__ import annotations

from flask import Flask

from brewline.delivery import spool
from brewline.platform import hooks
from brewline.texts import inbound, languages, spooled, webhook


def register(app: Flask | None = None) -> None:
    """The spooled-text replay; with an app, the incoming-text webhook."""
    spool.REPLAYS["text"] = spooled.replay
    # First of the hooks (texts registers before the others): a language's name is never
    # an answer to what someone else asked.
    hooks.add(inbound.BEFORE_CONVERSATION, languages.chosen)
    if app is not None:
        app.register_blueprint(webhook.bp)
