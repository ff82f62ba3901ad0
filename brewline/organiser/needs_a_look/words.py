"""Plain words for outbox rows that went wrong: what each was, and what happened to it.

Organisers are not programmers, so Twilio's reasons and our own terse ones (kept in
`outbox.error`) are put into plain English here, and nowhere else.
"""
from __future__ import annotations

import re

from brewline.delivery.twilio_rest import OPTED_OUT_CODE, RATE_LIMITED_CODE

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

# The Twilio error codes Brewline acts on (brewline/delivery/twilio_rest.py), in plain words.
CODE_WORDS = {
    21211: "Twilio says this is not a real phone number.",
    21614: "This number cannot receive texts. It may be a landline.",
    30006: "This number cannot receive texts. It may be a landline, or the phone "
           "network would not take the text.",
    OPTED_OUT_CODE: "This person replied STOP to our texts, so Twilio will not pass on any more.",
    RATE_LIMITED_CODE: "Twilio asked us to slow down.",
}

UNKNOWN = ("We do not know if the phone rang. Brewline stopped while it was placing the "
           "call, and it never rings again by itself in case the first call did ring.")
UNDELIVERED = "Twilio sent it, but the phone network could not deliver it."
REFUSED = "Twilio refused to send it."
COULD_NOT_SEND = "It could not be sent."
# Why `gave up after N tries` happened, from the last reason Twilio gave.
GAVE_UP_BECAUSE = (("rate limited", "Twilio kept asking us to slow down"),
                   ("server error", "Twilio kept having a fault on its side"),
                   ("could not reach", "We could not reach Twilio"))

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

_CODE = re.compile(r"twilio (?:code|error) (\d+)")
_GAVE_UP = re.compile(r"^gave up after (\d+) tries")


def what_it_was(purpose: str, channel: str) -> str:
    """A row's purpose as an organiser would say it."""
    if purpose in WHAT_IT_WAS:
        return WHAT_IT_WAS[purpose]
    kind = "Call" if channel == "call" else "Text"
    return f"{kind} ({purpose.replace('_', ' ')})"


def twilio_code(error: str | None) -> int | None:
    """The Twilio error code kept in a row's error, if there is one."""
    found = _CODE.search(error or "")
    return int(found.group(1)) if found and int(found.group(1)) else None


def what_happened(status: str, delivery: str | None, error: str | None) -> str:
    """What went wrong with a failed, undelivered or unknown row, in plain words."""
    if status == "unknown":
        return UNKNOWN
    code, gave_up = twilio_code(error), _GAVE_UP.match(error or "")
    if gave_up:
        because = next((words for key, words in GAVE_UP_BECAUSE if key in error),
                       "Twilio kept failing")
        return f"{because}, so we stopped after {gave_up.group(1)} tries."
    if code in CODE_WORDS:
        return CODE_WORDS[code]
    if status == "sent" and delivery in ("failed", "undelivered"):
        return UNDELIVERED
    if "could not reach twilio" in (error or ""):
        return "We could not reach Twilio."
    return REFUSED if code else COULD_NOT_SEND


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
