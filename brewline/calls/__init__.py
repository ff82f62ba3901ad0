"""Phone calls: the questions by phone, and what every call shares.

Twilio's voice webhooks (POST /twilio/voice and the action URLs it follows, call status
and transcription callbacks), one turn of a survey call (keys, speech, silence, spoken
answers that can be heard back and recorded again), the TwiML that says it slowly, the
words the line itself says, call rows with their statuses and retries, and "call me"
texts. Other capabilities add their own calls (events: invites, reminders; vouchers: the
code read out) on top of these pieces.
"""
from __future__ import annotations

from flask import Flask

from brewline.calls import call_me, webhooks
from brewline.delivery import spool
from brewline.texts import inbound


def register(app: Flask | None = None) -> None:
    """The "call me" keyword, the spooled-callback replays, and the voice webhooks."""
    inbound.INTENTS["call_me"] = call_me.call_me
    spool.REPLAYS.update(call_status=webhooks.replay_status,
                         recording=webhooks.replay_recording,
                         transcript=webhooks.replay_transcript)
    if app is not None:
        app.register_blueprint(webhooks.bp)
