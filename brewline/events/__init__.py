"""Events: sessions people are invited to, by text or by a call, and what they say back.

Planning and cancelling an event, invitations to the people who agreed to hear from us,
RSVPs in plain words (YES, "can't make it", 1 on a call), reminders at civil hours (calls
for people who cannot get texts), the calls that carry invites, reminders and
cancellations, and the question about an open invite when someone rings us. Before any
of these goes out, the sender asks whether it still makes sense (still_wanted.py).
"""
from __future__ import annotations

from flask import Flask

from brewline.calls import calls, turns
from brewline.delivery import claiming, placing
from brewline.events import (
    cancelled_call,
    events,
    invite_call,
    reminder_call,
    reminders,
    rsvp_call,
    rsvps,
    still_wanted,
)
from brewline.platform import hooks
from brewline.texts import inbound

# Where each kind of call we place about an event is answered ("{id}": its outbox row).
ANSWER_PATHS = {invite_call.PURPOSE: "/twilio/voice/invite?outbox={id}",
                reminders.CALL_PURPOSE: "/twilio/voice/reminder?outbox={id}",
                events.CANCELLED_CALL: "/twilio/voice/cancelled?outbox={id}"}


def register(app: Flask | None = None) -> None:
    """RSVPs by text and on calls to us, the still-wanted checks, and the event calls."""
    hooks.add(inbound.BEFORE_CONVERSATION, rsvps.before_conversation)
    hooks.add(turns.BEFORE_QUESTIONS, rsvp_call.before_questions)
    hooks.add(calls.ON_PHONE_ONLY, reminders.switch_to_calls)
    claiming.STILL_WANTED.update(still_wanted.CHECKS)
    placing.ANSWER_PATHS.update(ANSWER_PATHS)
    if app is not None:
        for module in (invite_call, reminder_call, cancelled_call, rsvp_call):
            app.register_blueprint(module.bp)

