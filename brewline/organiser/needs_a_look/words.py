"""Plain words for outbox rows that went wrong: what each was, and what happened to it.

What happened to a row, in plain words, is brewline/delivery/explained.py (exports and
other pages use it too); what each row was and why it cannot be tried again are here.
"""
from __future__ import annotations

from brewline.delivery.explained import (  # noqa: F401  (the page's words, in one place)
    CODE_WORDS,
    UNKNOWN,
    how_long,
    twilio_code,
    what_happened,
)

# What an outbox row was, by its purpose.
WHAT_IT_WAS = {
    "invite": "Invite text",
    "invite_call": "Invite call",
    "reminder": "Reminder text",
    "reminder_call": "Reminder call",
    "event_cancelled": "Text saying an event is cancelled",
    "event_cancelled_call": "Call saying an event is cancelled",
    "broadcast": "\"You said, we did\" update",
    "survey_reminder": "Reminder to finish the questions",
    "call_me": "Call they asked for, to answer the questions",
    "call_voicemail": "Text after we reached their voicemail",
    "voucher": "Voucher code text",
    "voucher_offer": "Text offering a voucher",
    "erase_question": "Text asking them to confirm deleting their data",
    "reply": "Reply to their text",
    "conversation": "Next question, after their answer",
}

# Why a row cannot be tried again: the outbox's own short reasons, in plain words.
WHY_NOT = {
    "contact erased": "This person was erased, so nothing can be sent to them.",
    "opted out": "This person asked us to stop, so nothing more is sent to them.",
    "number cannot receive texts": "This number cannot receive texts.",
    "phone only": "This person told us they cannot get texts, so they are not texted.",
    "event cancelled or started": "The event was cancelled or has started.",
    "no longer coming": "They are no longer coming to the event.",
    "no longer agrees to hear from us": "They no longer want to hear from us.",
    "event not cancelled, or its time has passed": "The event is on again, or its time "
                                                   "has passed.",
    "survey finished, paused or gone": "They have finished or paused the questions.",
    "they carried on by themselves": "They have carried on with the questions themselves.",
}

# How a call we were not sure about went, once Twilio told us (calls.status).
CALL_HEARD = {
    "completed": "the call went through",
    "in-progress": "the call was answered",
    "busy": "the line was busy",
    "no-answer": "nobody answered",
    "failed": "the call could not be connected",
    "canceled": "the call was stopped before it rang",
}


def what_it_was(purpose: str, channel: str) -> str:
    """A row's purpose as an organiser would say it."""
    if purpose in WHAT_IT_WAS:
        return WHAT_IT_WAS[purpose]
    kind = "Call" if channel == "call" else "Text"
    return f"{kind} ({purpose.replace('_', ' ')})"


def why_not(reason: str) -> str:
    """Why a row cannot be tried again, in plain words."""
    return WHY_NOT.get(reason, f"It is no longer wanted ({reason}).")


def call_heard(status: str | None, answered_by: str | None) -> str | None:
    """How Twilio later said a call went, or None if it never told us."""
    if status is None:
        return None
    if (answered_by or "").startswith("machine") or answered_by == "fax":
        return "the call reached their voicemail"
    return CALL_HEARD.get(status, "the call was ringing")
