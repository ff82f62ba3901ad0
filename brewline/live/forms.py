"""Twilio's conference status callbacks in our words: Twilio's field names stop here."""
from __future__ import annotations

import email.utils
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Mapping

from brewline.platform.twilio_edge import BadForm, required

# The events a conference tells us about (statusCallbackEvent "start end join leave mute
# hold"), and "announcement-end" which Twilio may add after an announcement.
KNOWN = frozenset({"conference-start", "conference-end", "participant-join",
                   "participant-leave", "participant-mute", "participant-unmute",
                   "participant-hold", "participant-unhold", "announcement-end",
                   "announcement-fail", "participant-speech-start", "participant-speech-stop",
                   "conference-record-start", "conference-record-end"})
NAME_PREFIX = "brewline-event-"
MAX_SID = 64


@dataclass(frozen=True)
class ConferenceChange:
    """One conference status callback: which event's call, what happened, to whom, when."""

    conference_sid: str
    event_id: int
    what: str
    call_sid: str | None
    muted: bool | None
    at: str | None  # ISO time Twilio gave, if it gave one


def conference_name(event_id: int) -> str:
    """The conference's FriendlyName for an event (never a person's number)."""
    return f"{NAME_PREFIX}{event_id}"


def event_of(name: str) -> int:
    """The event a conference name belongs to, or BadForm."""
    number = name.removeprefix(NAME_PREFIX)
    if not name.startswith(NAME_PREFIX) or not number.isdigit() or len(number) > 12:
        raise BadForm("FriendlyName is not a Brewline live session")
    return int(number)


def _flag(form: Mapping[str, str], name: str) -> bool | None:
    raw = (form.get(name) or "").strip().lower()
    return {"true": True, "false": False}.get(raw)


def _when(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        raise BadForm("Timestamp is not a date") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()


def conference_change(form: Mapping[str, str]) -> ConferenceChange:
    """The callback's form in our words (BadForm, a 400, for what is not one)."""
    sid, name, what = required(form, "ConferenceSid", "FriendlyName", "StatusCallbackEvent")
    if len(sid) > MAX_SID or what not in KNOWN:
        raise BadForm(f"unknown conference event {what[:30]!r}" if what not in KNOWN
                      else "ConferenceSid is too long")
    call_sid = (form.get("CallSid") or "").strip() or None
    if what.startswith("participant-") and call_sid is None:
        raise BadForm("missing CallSid")
    return ConferenceChange(sid, event_of(name), what, (call_sid or "")[:MAX_SID] or None,
                            _flag(form, "Muted"), _when(form.get("Timestamp")))


def moment(change: ConferenceChange, arrived: datetime) -> datetime:
    """When it happened: Twilio's time when given, else when it reached us."""
    return datetime.fromisoformat(change.at) if change.at else arrived
