"""What the organiser does to a live session, through Twilio's Conference and Participants
APIs: let someone speak, mute them again, lower a hand, announce a break, end it.

Twilio is asked first, then our rows follow. If Twilio fails, nothing changes for anyone
in the room, and the organiser is told in plain words (LiveSession.problem). In local mode
(no Twilio account) nothing is sent and the rows change as if Twilio had agreed.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy.orm import Session

from brewline.delivery import clients
from brewline.delivery.twilio_rest import SendError
from brewline.live import names, sessions
from brewline.live.models import LiveCaller, LiveSession
from brewline.live.twiml import url
from brewline.live.words import PAGE
from brewline.platform.runtime import Runtime

log = logging.getLogger("brewline.live")


@dataclass
class Action:
    """One organiser action, with what it needs."""

    runtime: Runtime
    session: Session
    live: LiveSession
    caller: LiveCaller | None
    now: datetime

    def twilio(self, send: Callable) -> bool:
        """Ask Twilio (`send(rest, conference_sid)`); False, with the problem kept, if not."""
        if self.live.conference_sid is None:
            self.live.problem, self.live.problem_at = PAGE["no_conference"], self.now
            return False
        if self.runtime.settings.local_mode:
            return True
        try:
            send(clients.twilio(self.runtime), self.live.conference_sid)
        except SendError as exc:
            log.warning("live session %s: Twilio said no: %s", self.live.id, exc)
            self.live.problem, self.live.problem_at = PAGE["twilio_failed"], self.now
            return False
        self.live.problem = self.live.problem_at = None
        return True


def _mute(action: Action, muted: bool, said: str) -> str | None:
    caller = action.caller
    if not action.twilio(lambda rest, sid: rest.update_participant(sid, caller.call_sid,
                                                                   muted=muted)):
        return None
    caller.muted = muted
    caller.hand_at = None if not muted else caller.hand_at
    return PAGE[said].format(name=names.name_of(action.session, caller))


def unmute(action: Action) -> str | None:
    return _mute(action, False, "unmuted")


def mute(action: Action) -> str | None:
    return _mute(action, True, "muted")


def lower(action: Action) -> str | None:
    """Lower a hand: only ours to keep, so Twilio is not asked."""
    action.caller.hand_at = None
    return PAGE["lowered"].format(name=names.name_of(action.session, action.caller))


def announce_break(action: Action) -> str | None:
    base = action.runtime.settings.public_base_url
    spoken = ",".join(sessions.languages_in_room(action.session, action.live)) or None
    if not action.twilio(lambda rest, sid: rest.update_conference(
            sid, announce_url=f"{base}{url('announce', what='break', lang=spoken)}",
            announce_method="POST")):
        return None
    action.live.break_at = action.now
    return PAGE["announced"]


def end(action: Action) -> str | None:
    if not action.twilio(lambda rest, sid: rest.update_conference(sid, status="completed")):
        return None
    # Twilio's conference-end callback follows; the session is over from now on.
    action.live.status, action.live.ended_at = "ended", action.now
    return PAGE["ended"]


FOR_CALLERS: dict[str, Callable[[Action], str | None]] = {
    "unmute": unmute, "mute": mute, "lower": lower}
FOR_SESSION: dict[str, Callable[[Action], str | None]] = {"break": announce_break, "end": end}


def run(runtime: Runtime, session: Session, event_id: int, what: str,
        caller_id: int | None, now: datetime) -> str | None:
    """Do `what` (a key of FOR_CALLERS or FOR_SESSION); the words for the organiser, or None
    when it did not happen (the session's problem says why). KeyError: no such action."""
    live = sessions.of_event(session, event_id)
    act = FOR_CALLERS[what] if caller_id is not None else FOR_SESSION[what]
    caller = session.get(LiveCaller, caller_id) if caller_id is not None else None
    if caller_id is not None and (caller is None or caller.session_id != live.id):
        raise KeyError(caller_id)
    return act(Action(runtime, session, live, caller, now))
