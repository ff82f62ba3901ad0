"""Privacy: a person's right to be forgotten, and keeping nothing longer than needed.

Erasing a person (their number, answers, recordings here and at Twilio, messages, queued
texts and anything waiting in Redis), "delete my data" by text (confirmed with DELETE) or
on a call (said, or key 6, confirmed with 1; said in a recorded answer, asked again by
text and on the next call), and the retention sweep that erases people past
RETENTION_DAYS who never agreed to hear from us.
"""
from __future__ import annotations

from flask import Flask

from brewline.calls import recordings, turns
from brewline.delivery import claiming
from brewline.platform import hooks
from brewline.privacy import delete_my_data
from brewline.texts import inbound


def register(app: Flask | None = None) -> None:
    """"Delete my data" by text (also after STOP), on a call and in a recorded answer."""
    inbound.INTENTS["erase"] = delete_my_data.ask
    inbound.OPTED_OUT_INTENTS["erase"] = delete_my_data.while_opted_out
    hooks.add(inbound.BEFORE_CONVERSATION, delete_my_data.confirm)
    turns.SPOKEN_INTENTS["erase"] = delete_my_data.by_call
    hooks.add(turns.BEFORE_QUESTIONS, delete_my_data.before_questions)
    recordings.SAID_IN_ANSWER["erase"] = delete_my_data.said_in_an_answer
    claiming.STILL_WANTED[delete_my_data.PURPOSE] = delete_my_data.still_wanted
    if app is not None:
        app.register_blueprint(delete_my_data.bp)
