"""A live session by phone: people ring our number to listen in on an event, quietly, and
may ask to speak.

From 15 minutes before an event's start (for events marked "by phone"), a caller hears
one sentence about it and can join a Twilio conference, muted, with * for a short menu
(ask to speak, back to listening, what is happening now, help). The host joins with a
PIN. The organiser's live page (organiser/live/) lets people speak, mutes them, lowers
hands, announces a break and ends it, through Twilio's Conference and Participants APIs.
Conference status callbacks keep who is in; ten minutes in the room counts as attended.
"""
from __future__ import annotations

from flask import Flask

from brewline.calls import calls, turns
from brewline.delivery import spool
from brewline.live import joining, status, webhooks
from brewline.platform import hooks


def register(app: Flask | None = None) -> None:
    """The offer before the questions, leaving the list when a call ends, the spooled
    conference callbacks, and the webhooks."""
    hooks.add(turns.BEFORE_QUESTIONS, joining.offer_first)
    hooks.add(calls.ON_ENDED, status.call_ended)
    spool.REPLAYS["conference_status"] = webhooks.replay_status
    if app is not None:
        app.register_blueprint(webhooks.bp)
