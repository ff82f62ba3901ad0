"""What happened to an outbound text or call, in plain words for organisers.

Organisers are not programmers, so Twilio's reasons and our own terse ones (kept in
`outbox.error`) are put into plain English here, and nowhere else. The Needs a look page,
the exports and every page that shows what we sent use these words.
"""
from __future__ import annotations

import re

from brewline.delivery.twilio_rest import OPTED_OUT_CODE, RATE_LIMITED_CODE

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

NOT_DELIVERED = ("failed", "undelivered")
# Twilio's delivery reports (and our own outbox statuses) as a short status.
DELIVERY_STATUS = {"delivered": "delivered", "read": "delivered",
                   "partially_delivered": "partly delivered",
                   "failed": "not delivered", "undelivered": "not delivered",
                   "canceled": "not sent"}
OUTBOX_STATUS = {"pending": "waiting to send", "sending": "sending",
                 "sent": "sent, not yet confirmed as delivered", "cancelled": "not sent",
                 "failed": "could not be sent", "unknown": "may not have been sent"}

_CODE = re.compile(r"twilio (?:code|error) (\d+)")
_GAVE_UP = re.compile(r"^gave up after (\d+) tries(?: in (\d+) minutes)?")
TRYING_AGAIN = "trying again: "  # how failures.py starts the error of a row it will retry


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
        return _gave_up_words(error, gave_up)
    if code in CODE_WORDS:
        return CODE_WORDS[code]
    if status == "sent" and delivery in NOT_DELIVERED:
        return UNDELIVERED
    if "could not reach twilio" in (error or ""):
        return "We could not reach Twilio."
    return REFUSED if code else COULD_NOT_SEND


def _gave_up_words(error: str, gave_up: re.Match) -> str:
    because = next((words for key, words in GAVE_UP_BECAUSE if key in error),
                   "Twilio kept failing")
    if gave_up.group(2) is None:  # kept by an older Brewline, which counted tries
        return f"{because}, so we stopped after {gave_up.group(1)} tries."
    return f"{because} for {how_long(int(gave_up.group(2)))}, so we stopped trying. It was not sent."


def how_long(minutes: int) -> str:
    """'2 hours', '1 hour and 30 minutes', '45 minutes'."""
    hours, minutes = divmod(minutes, 60)
    parts = [f"{n} {unit}{'' if n == 1 else 's'}"
             for n, unit in ((hours, "hour"), (minutes, "minute")) if n]
    return " and ".join(parts) or "a moment"


def still_trying(status: str, error: str | None) -> str | None:
    """For a row waiting to be tried again after a failure worth retrying: why, in plain
    words; None for any other row."""
    if status != "pending" or not (error or "").startswith(TRYING_AGAIN):
        return None
    because = next((words for key, words in STILL_TRYING_BECAUSE if key in error),
                   "Twilio had a problem")
    return f"Not sent yet. {because}, so we are trying again every minute or so."


STILL_TRYING_BECAUSE = (("rate limited", "Twilio asked us to slow down"),
                        ("server error", "Twilio is having a fault on its side"),
                        ("could not reach", "We cannot reach Twilio just now"))


def went_wrong(status: str, delivery: str | None) -> bool:
    """Whether a row failed, was not delivered, or may not have happened."""
    return status in ("failed", "unknown") or (status == "sent" and delivery in NOT_DELIVERED)


def status_words(status: str, delivery: str | None, channel: str = "sms",
                 error: str | None = None) -> str:
    """How an outbound message got on, shortly: "delivered", "not delivered", "waiting to send"."""
    if status == "sent" and delivery in DELIVERY_STATUS:
        return DELIVERY_STATUS[delivery]
    if status == "pending" and (error or "").startswith(TRYING_AGAIN):
        return "waiting to send: trying again"
    if status == "sent" and channel == "call":
        return "call made"  # calls have no delivery report; Needs a look shows those that failed
    return OUTBOX_STATUS.get(status, status)


def problem_words(status: str, delivery: str | None, error: str | None) -> str | None:
    """What went wrong, in plain words, or None when nothing did."""
    return what_happened(status, delivery, error) if went_wrong(status, delivery) else None
