"""The database down during a live session: callers stay in the room, a new caller hears
sorry as on any call, and the conference's callbacks are kept and applied later."""
from __future__ import annotations

import pytest

from flows.words import words
from brewline.delivery import spool
from brewline.live.models import LiveCaller
from brewline.platform.runtime import Runtime
from brewline.web.app import create_app
from tests.calls.phone import PhoneCall, count
from tests.conftest import Twilio
from tests.delivery.test_spool import NOWHERE
from tests.live.conftest import Conference


@pytest.fixture
def down(settings) -> Twilio:
    broken = Runtime(settings.with_(database_url=NOWHERE))
    yield Twilio(create_app(runtime=broken).test_client())
    broken.close()


def test_a_listener_pressing_star_goes_back_into_the_room_not_cut_off(call, down, event_on):
    call.ring()
    call.press("1")
    call.twilio = down
    back = call.post(call.last.first("Dial").get("action"), DialCallStatus="completed")
    conference = back.first("Conference")
    assert conference.text == f"brewline-event-{event_on}"
    assert conference.get("muted") == "true"
    assert "Back to the room now" in back.said
    assert not back.hangs_up


def test_a_key_at_the_menu_goes_back_into_the_room_too(call, down, event_on):
    call.ring()
    call.press("1")
    call.post(call.last.first("Dial").get("action"), DialCallStatus="completed")
    call.twilio = down
    assert call.press("1").first("Conference") is not None


def test_a_new_caller_at_the_offer_hears_sorry_and_a_kind_goodbye(call, down, event_on):
    call.ring()
    call.twilio = down
    sorry = call.press("1")
    assert sorry.said == words("voice.database_down")
    assert sorry.hangs_up


def test_conference_callbacks_are_kept_and_applied_once_the_database_is_back(
        call, twilio, down, runtime, event_on):
    call.ring()
    call.press("1")
    answered = Conference(down, event_on).join(call)
    assert answered.status_code == 200
    assert b"kept" in answered.data
    assert count(runtime, LiveCaller, LiveCaller.state == "in") == 0
    spool.drain(runtime)
    assert count(runtime, LiveCaller, LiveCaller.state == "in") == 1


def test_the_waiting_music_needs_no_database(down):
    waiting = PhoneCall(down).post("/twilio/voice/live/wait")
    assert waiting.first("Play") is not None
