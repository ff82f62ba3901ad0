"""The organiser's live page: who is in, hands in the order asked, and the buttons, each
going through Twilio's Conference and Participants APIs (the fake, over real HTTP)."""
from __future__ import annotations

import re
from datetime import timedelta

from brewline.people.models import Contact
from flows.words import words
from tests.calls.phone import PhoneCall
from tests.conftest import PHONE
from tests.live.conftest import AT, add_event
from tests.organiser.conftest import (  # noqa: F401  (fixtures)
    organiser,
    password_hash,
    signed_in,
    web,
)

OTHER = "+447700900456"


def _raise_hand(call: PhoneCall, room) -> None:
    call.ring()
    call.press("1")
    room.join(call)
    call.post(call.last.first("Dial").get("action"), DialCallStatus="completed")
    call.press("1")
    room.join(call)


def _page(signed_in, event_id: int) -> str:
    response = signed_in.get(f"/events/{event_id}/live")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _name(runtime, phone: str, name: str) -> None:
    with runtime.store.transaction() as session:
        session.query(Contact).filter(Contact.phone == phone).update({"name": name})


def _hands(html: str) -> list[str]:
    found = re.search(r'<ol id="hands">(.*?)</ol>', html, re.S)
    return re.findall(r'class="caller-name">([^<]+)<', found.group(1)) if found else []


def test_raised_hands_show_in_the_order_asked_with_first_names(signed_in, twilio, room,
                                                              runtime, event_on):
    first, second = PhoneCall(twilio, caller=OTHER), PhoneCall(twilio)
    _raise_hand(first, room)
    _raise_hand(second, room)
    _name(runtime, OTHER, "Maureen Smith")
    assert _hands(_page(signed_in, event_on)) == ["Maureen", "Caller 2"]


def test_the_page_never_shows_a_phone_number(signed_in, twilio, room, event_on):
    _raise_hand(PhoneCall(twilio), room)
    html = _page(signed_in, event_on)
    assert "Caller 1" in html
    # Our own number is shown (to ring in as the host); a caller's never, not even masked.
    assert "900123" not in html and "+447700900000" in html


def test_unmuting_from_the_page_asks_twilio_for_that_participant(signed_in, twilio, room,
                                                                 runtime, event_on,
                                                                 fake_twilio):
    call = PhoneCall(twilio)
    _raise_hand(call, room)
    html = _page(signed_in, event_on)
    action = re.search(r'action="([^"]+/unmute)"', html).group(1)
    done = signed_in.post(action, follow_redirects=True)
    assert fake_twilio.conference_updates == [
        {"conference": room.sid, "participant": call.sid, "Muted": "false"}]
    page = done.get_data(as_text=True)
    assert "Caller 1 can speak now." in page
    assert _hands(page) == []
    assert "(can speak)" in page


def test_muting_again_asks_twilio_to_mute(signed_in, twilio, room, event_on, fake_twilio):
    call = PhoneCall(twilio)
    _raise_hand(call, room)
    signed_in.post(re.search(r'action="([^"]+/unmute)"', _page(signed_in, event_on)).group(1))
    signed_in.post(re.search(r'action="([^"]+/mute)"', _page(signed_in, event_on)).group(1))
    assert [u["Muted"] for u in fake_twilio.conference_updates] == ["false", "true"]


def test_someone_let_speak_who_presses_star_comes_back_still_able_to_speak(
        signed_in, twilio, room, event_on, call):
    _raise_hand(call, room)
    signed_in.post(re.search(r'action="([^"]+/unmute)"', _page(signed_in, event_on)).group(1))
    call.post(call.last.first("Dial").get("action"), DialCallStatus="completed")
    back = call.press("2")
    assert back.first("Conference").get("muted") == "false"


def test_lowering_a_hand_needs_nothing_from_twilio(signed_in, twilio, room, event_on,
                                                  fake_twilio):
    _raise_hand(PhoneCall(twilio), room)
    action = re.search(r'action="([^"]+/lower)"', _page(signed_in, event_on)).group(1)
    page = signed_in.post(action, follow_redirects=True).get_data(as_text=True)
    assert _hands(page) == []
    assert fake_twilio.conference_updates == []


def test_a_break_is_announced_to_the_whole_room(signed_in, twilio, room, event_on,
                                                fake_twilio, call):
    _raise_hand(call, room)
    room.tell("conference-start")
    page = signed_in.post(f"/events/{event_on}/live/break", follow_redirects=True)
    [update] = fake_twilio.conference_updates
    assert (update["conference"], update["participant"]) == (room.sid, None)
    assert update["AnnounceUrl"].endswith("/twilio/voice/live/announce?what=break")
    assert "On a break." in page.get_data(as_text=True)
    said = call.post("/twilio/voice/live/announce?what=break")
    assert said.said == "We will take ten minutes. Stay on the line, or ring back later."
    call.post(f"/twilio/voice/live/back?event={event_on}", DialCallStatus="completed")
    assert "We are having a short break" in call.press("3").said


def test_a_break_is_announced_in_english_then_in_each_language_in_the_room(
        signed_in, twilio, room, event_on, fake_twilio, call, runtime):
    with runtime.store.transaction() as session:
        session.add(Contact(phone=PHONE, source="import", language="ar"))
    _raise_hand(call, room)
    room.tell("conference-start")
    signed_in.post(f"/events/{event_on}/live/break")
    [update] = fake_twilio.conference_updates
    assert update["AnnounceUrl"].endswith("/twilio/voice/live/announce?what=break&lang=ar")
    said = call.post("/twilio/voice/live/announce?what=break&lang=ar")
    assert [s.get("language") for s in said.says] == ["en-GB", "ar-AE"]
    assert said.says[1].find("prosody").text == words("live.break", "ar")


def test_ending_the_session_completes_the_conference(signed_in, twilio, room, event_on,
                                                     fake_twilio, call):
    _raise_hand(call, room)
    page = signed_in.post(f"/events/{event_on}/live/end", follow_redirects=True)
    assert fake_twilio.conference_updates == [
        {"conference": room.sid, "participant": None, "Status": "completed"}]
    assert "The session has ended." in page.get_data(as_text=True)
    assert "is on now" not in PhoneCall(twilio, caller=OTHER).ring().said


def test_a_twilio_error_leaves_everyone_as_they_were_and_says_so(signed_in, twilio, room,
                                                                 event_on, fake_twilio):
    _raise_hand(PhoneCall(twilio), room)
    fake_twilio.fail_next(status=500, code=20500, message="Internal Server Error")
    action = re.search(r'action="([^"]+/unmute)"', _page(signed_in, event_on)).group(1)
    page = signed_in.post(action, follow_redirects=True).get_data(as_text=True)
    assert "We could not reach the phone service just now" in page
    assert "Callers are still in the room" in page
    assert _hands(page) == ["Caller 1"]


def test_before_anyone_rings_in_the_buttons_explain_why_nothing_happens(signed_in, event_on,
                                                                        fake_twilio):
    page = signed_in.post(f"/events/{event_on}/live/end", follow_redirects=True)
    assert "Nobody is in the call yet" in page.get_data(as_text=True)
    assert fake_twilio.conference_updates == []


def test_the_page_shows_the_host_pin_and_how_to_ring_in(signed_in, event_on):
    html = _page(signed_in, event_on)
    assert re.search(r'id="host-pin">\d{6}<', html)
    assert "press 5" in html


def test_an_event_not_joined_by_phone_says_how_to_turn_it_on(signed_in, runtime):
    event_id = add_event(runtime, timedelta(days=3), by_phone=False)
    assert "People cannot ring in to this event" in _page(signed_in, event_id)


def test_the_room_part_alone_is_what_the_page_refreshes(signed_in, event_on):
    response = signed_in.get(f"/events/{event_on}/live?part=room")
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith("<div id=\"room-now\">") or "room-now" in html[:200]
    assert "<html" not in html


def test_an_unknown_button_is_a_404_with_a_reason(signed_in, event_on):
    response = signed_in.post(f"/events/{event_on}/live/explode")
    assert response.status_code == 404
    assert "not something the live page does" in response.get_data(as_text=True)


def test_came_by_phone_shows_on_the_event_page(signed_in, twilio, room, event_on):
    call = PhoneCall(twilio)
    call.ring()
    call.press("1")
    room.join(call)
    room.leave(call, AT + timedelta(minutes=12))
    html = signed_in.get(f"/invites/{event_on}").get_data(as_text=True)
    assert "1 came by phone" in html


def test_an_event_made_on_the_invites_page_can_be_joined_by_phone(signed_in, runtime):
    created = signed_in.post("/invites/events", {
        "title": "Buses", "starts_at": "2031-06-26T14:00", "where": "Whitley Bay Library",
        "by_phone": "yes"})
    assert created.status_code == 302
    page = signed_in.get(created.headers["Location"]).get_data(as_text=True)
    assert "People can ring in to listen" in page
    assert "You can ring this number then to hear it." in page  # the invite's preview
    event_id = int(created.headers["Location"].split("/invites/")[1].split("?")[0])
    edit = signed_in.get(f"/invites/{event_id}/edit").get_data(as_text=True)
    assert re.search(r'id="by_phone" name="by_phone" value="yes" checked', edit)
    assert not re.search(r'id="record_live" name="record_live" value="yes" checked', edit)
