"""Privacy: a person's right to be forgotten, and keeping nothing longer than needed.

Erasing a person (their number, answers, recordings here and at Twilio, messages, queued
texts and anything waiting in Redis), "delete my data" by text (confirmed with DELETE) or
said on a call, and the retention sweep that erases people past RETENTION_DAYS who never
agreed to hear from us.
"""
from __future__ import annotations

from brewline.calls import turns
from brewline.platform import hooks
from brewline.privacy import delete_my_data
from brewline.texts import inbound


def register() -> None:
    """"Delete my data" by text (also after STOP) and said on a call."""
    inbound.INTENTS["erase"] = delete_my_data.ask
    inbound.OPTED_OUT_INTENTS["erase"] = delete_my_data.while_opted_out
    hooks.add(inbound.BEFORE_CONVERSATION, delete_my_data.confirm)
    turns.SPOKEN_INTENTS["erase"] = delete_my_data.by_call
