"""Twilio's conference status callbacks move people in and out of the list, keep who is
muted, and count ten minutes in the room as having come (by phone)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from brewline.events.models import Attendance
from brewline.live import sessions
from brewline.live.models import LiveCaller, LiveSession
from tests.calls.phone import PhoneCall, count
from tests.live.conftest import AT


def _caller(runtime, call: PhoneCall) -> LiveCaller:
    with runtime.store.transaction() as session:
        return session.scalars(select(LiveCaller).where(LiveCaller.call_sid == call.sid)).one()


def _in_room(call, room):
    call.ring()
    call.press("1")
    assert room.join(call).status_code == 200


def test_joining_and_leaving_move_a_caller_in_and_out(call, room, runtime):
    _in_room(call, room)
    assert _caller(runtime, call).state == "in"
    room.leave(call, AT + timedelta(minutes=3))
    left = _caller(runtime, call)
    assert (left.state, left.seconds) == ("out", 180)


def test_the_conference_starting_and_ending_is_kept_with_its_sid(room, runtime, event_on):
    assert room.tell("conference-start").status_code == 200
    with runtime.store.transaction() as session:
        live = session.scalars(select(LiveSession)).one()
        assert (live.status, live.conference_sid) == ("started", room.sid)
    room.tell("conference-end", at=AT + timedelta(hours=1))
    assert count(runtime, LiveSession, LiveSession.status == "ended") == 1


def test_mute_and_unmute_callbacks_are_followed(call, room, runtime):
    _in_room(call, room)
    room.tell("participant-unmute", call, Muted="false")
    assert _caller(runtime, call).muted is False
    room.tell("participant-mute", call, Muted="true")
    assert _caller(runtime, call).muted is True


def test_ten_minutes_in_the_room_counts_as_having_come_by_phone(call, room, runtime,
                                                                 event_on):
    _in_room(call, room)
    room.leave(call, AT + timedelta(minutes=4))
    assert count(runtime, Attendance) == 0
    room.join(call, AT + timedelta(minutes=5))
    room.leave(call, AT + timedelta(minutes=11))
    with runtime.store.transaction() as session:
        came = session.scalars(select(Attendance)).one()
        assert (came.event_id, came.how) == (event_on, "by phone")


def test_the_session_ending_counts_everyone_still_in(call, room, runtime):
    _in_room(call, room)
    room.tell("conference-end", at=AT + timedelta(minutes=45))
    assert count(runtime, Attendance, Attendance.how == "by phone") == 1
    assert _caller(runtime, call).state == "out"


def test_a_short_listen_does_not_count(call, room, runtime):
    _in_room(call, room)
    room.leave(call, AT + timedelta(minutes=9, seconds=59))
    assert count(runtime, Attendance) == 0


def test_an_unsigned_callback_is_refused(room, twilio, event_on):
    response = twilio.post("/twilio/conference-status", {
        "ConferenceSid": room.sid, "FriendlyName": f"brewline-event-{event_on}",
        "StatusCallbackEvent": "conference-start"}, signature="forged")
    assert response.status_code == 403


def test_a_callback_for_a_conference_that_is_not_ours_gets_a_reason(room, twilio):
    response = twilio.post("/twilio/conference-status", {
        "ConferenceSid": room.sid, "FriendlyName": "someone-else",
        "StatusCallbackEvent": "conference-start"})
    assert response.status_code == 400
    assert b"not a Brewline live session" in response.data


def test_a_participant_callback_without_a_call_gets_a_reason(room):
    response = room.tell("participant-join")
    assert response.status_code == 400
    assert b"missing CallSid" in response.data


def test_a_callback_for_an_unknown_event_is_a_404(twilio, room):
    response = twilio.post("/twilio/conference-status", {
        "ConferenceSid": room.sid, "FriendlyName": "brewline-event-999999",
        "StatusCallbackEvent": "conference-start"})
    assert response.status_code == 404


def test_hanging_up_at_the_star_menu_takes_the_caller_and_their_hand_off_the_list(
        call, room, runtime):
    _in_room(call, room)
    call.post(call.last.first("Dial").get("action"), DialCallStatus="completed")
    room.leave(call, AT + timedelta(minutes=1))
    call.press("1")  # asks to speak, and goes back in
    call.post(call.last.first("Dial").get("action"), DialCallStatus="completed")
    assert _caller(runtime, call).state == "menu"
    assert call.status("completed").status_code == 200
    assert _caller(runtime, call).state == "out"
    with runtime.store.transaction() as session:
        live = session.scalars(select(LiveSession)).one()
        assert sessions.hands(session, live) == []
