"""Fixtures for the live session by phone: an event on now, a phone, the fake Twilio."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from brewline.events.models import Event
from brewline.live import sessions
from tests.calls.phone import PhoneCall, call  # noqa: F401  (the `call` fixture)
from tests.conftest import ACCOUNT_SID, Twilio

_conferences = itertools.count(1)
# When the room's events happen in these tests: Twilio's own timestamps, fixed.
AT = datetime(2026, 3, 4, 14, 0, tzinfo=timezone.utc)


@pytest.fixture
def settings(settings, fake_twilio):
    """Twilio's REST calls (the organiser's buttons) go to the fake, as in production."""
    return settings.with_(twilio_api_base_url=fake_twilio.url)


def add_event(runtime, starts_in: timedelta, by_phone: bool = True, **fields) -> int:
    """An event starting `starts_in` from now: inside or outside the ring-in window
    whatever the hour the tests run at."""
    starts = datetime.now(timezone.utc) + starts_in
    with runtime.store.transaction() as session:
        event = Event(title=fields.pop("title", "Buses in Whitley Bay"), starts_at=starts,
                      where="Whitley Bay Library", by_phone=by_phone, **fields)
        session.add(event)
        session.flush()
        return event.id


@pytest.fixture
def event_on(runtime) -> int:
    """An event people can ring into: it starts in five minutes."""
    return add_event(runtime, timedelta(minutes=5))


def host_pin(runtime, event_id: int) -> str:
    with runtime.store.transaction() as session:
        return sessions.of_event(session, event_id).host_pin


class Conference:
    """Twilio's conference status callbacks for one event's room, signed."""

    def __init__(self, twilio: Twilio, event_id: int):
        self.twilio, self.event_id = twilio, event_id
        self.sid = f"CF{next(_conferences):032x}"

    def tell(self, what: str, call: PhoneCall | None = None, at: datetime = AT, **extra):
        form = {"ConferenceSid": self.sid, "FriendlyName": f"brewline-event-{self.event_id}",
                "AccountSid": ACCOUNT_SID, "StatusCallbackEvent": what,
                "Timestamp": format_datetime(at), "SequenceNumber": "1", **extra}
        if call is not None:
            form["CallSid"] = call.sid
        return self.twilio.post("/twilio/conference-status", form)

    def join(self, call: PhoneCall, at: datetime = AT, muted: bool = True):
        return self.tell("participant-join", call, at, Muted=str(muted).lower())

    def leave(self, call: PhoneCall, at: datetime):
        return self.tell("participant-leave", call, at)


@pytest.fixture
def room(twilio, event_on) -> Conference:
    return Conference(twilio, event_on)
