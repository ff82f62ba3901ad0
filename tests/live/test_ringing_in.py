"""Ringing in to a live session: the offer, the muted room, * and the menu, the host's PIN,
and the usual questions outside the window. Through signed webhooks; TwiML parsed as XML."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from brewline.live.models import LiveCaller
from brewline.people.models import Contact
from tests.calls.phone import PhoneCall
from tests.conftest import PHONE, PUBLIC_URL
from tests.live.conftest import AT, add_event, host_pin


def _caller(runtime, call: PhoneCall) -> LiveCaller:
    with runtime.store.transaction() as session:
        return session.scalars(select(LiveCaller).where(LiveCaller.call_sid == call.sid)).one()


def _dial_back(call: PhoneCall):
    """The caller pressed * in the room: Twilio follows the Dial's action URL."""
    return call.post(call.last.first("Dial").get("action"), DialCallStatus="completed")


def test_a_caller_during_the_window_hears_one_sentence_about_the_session(call, event_on):
    offer = call.ring()
    assert "is on now. It is about Buses in Whitley Bay" in offer.said
    assert "To listen in, press 1" in offer.said
    assert offer.gather.get("action") == f"/twilio/voice/live/offer?event={event_on}"
    assert offer.first("Dial") is None


def test_pressing_1_puts_the_caller_in_the_room_muted_without_a_beep(call, event_on):
    call.ring()
    joined = call.press("1")
    dial = joined.first("Dial")
    conference = dial.find("Conference")
    assert dial.get("hangupOnStar") == "true"
    assert dial.get("action") == f"/twilio/voice/live/back?event={event_on}"
    assert conference.text == f"brewline-event-{event_on}"
    assert (conference.get("muted"), conference.get("beep")) == ("true", "false")
    assert conference.get("startConferenceOnEnter") == "false"
    assert conference.get("endConferenceOnExit") == "false"
    assert conference.get("waitUrl") == f"{PUBLIC_URL}/twilio/voice/live/wait"
    assert conference.get("statusCallback") == f"{PUBLIC_URL}/twilio/conference-status"
    assert conference.get("statusCallbackEvent") == "start end join leave mute hold"
    assert conference.get("record") is None, "never recorded unless the event says so"
    assert PHONE not in str(joined.root.attrib) + "".join(joined.root.itertext())


def test_the_waiting_music_comes_with_kind_words_first(call, twilio):
    waiting = PhoneCall(twilio, sid=call.sid).post("/twilio/voice/live/wait")
    assert waiting.verbs == ["Say", "Play"]
    assert "start soon" in waiting.said
    assert waiting.first("Play").get("loop") == "0"


def test_star_then_1_raises_a_hand_and_puts_the_caller_back_in_the_room(call, room, runtime):
    call.ring()
    call.press("1")
    room.join(call)
    menu = _dial_back(call)
    assert "To ask to speak, press 1" in menu.said
    back = call.press("1")
    assert "The host knows you would like to speak" in back.said
    assert back.first("Conference").get("muted") == "true"
    assert _caller(runtime, call).hand_at is not None


def test_asking_twice_keeps_the_first_place_in_the_queue(call, room, runtime):
    call.ring()
    call.press("1")
    _dial_back(call)
    call.press("1")
    first = _caller(runtime, call).hand_at
    _dial_back(call)
    again = call.press("1")
    assert "already asked to speak" in again.said
    assert _caller(runtime, call).hand_at == first


def test_at_the_menu_3_says_what_is_happening_and_0_helps(call, twilio, room):
    other = PhoneCall(twilio, caller="+447700900456")
    for person in (call, other):
        person.ring()
        person.press("1")
        room.join(person)
    _dial_back(call)
    assert "The host is not here yet. 2 people are in the call." in call.press("3").said
    assert "Nobody can hear you" in call.press("0").said
    assert "more slowly" in call.press("9").said
    assert call.last.says[0].find("prosody").get("rate") == "75%"


def test_silence_at_the_menu_takes_the_caller_back_in(call, room):
    call.ring()
    call.press("1")
    _dial_back(call)
    back = call.wait()
    assert back.first("Conference") is not None
    assert "Back to the room" in back.said


def test_pressing_2_at_the_offer_gives_the_usual_questions(call, event_on):
    call.ring()
    onward = call.press("2")
    assert onward.redirect == "/twilio/voice/questions"
    questions = call.post(onward.redirect)
    assert questions.first("Dial") is None
    assert questions.gather.get("action").startswith("/twilio/voice/answer")


def test_a_caller_outside_the_window_gets_the_usual_questions(call, runtime):
    add_event(runtime, timedelta(days=2))
    add_event(runtime, timedelta(minutes=20))  # opens 15 minutes before: not yet
    heard = call.ring()
    assert "is on now" not in heard.said
    assert heard.gather.get("action").startswith("/twilio/voice/answer")


def test_an_event_not_joined_by_phone_offers_nothing(call, runtime):
    add_event(runtime, timedelta(minutes=5), by_phone=False)
    assert "is on now" not in call.ring().said


def test_a_recorded_session_says_so_before_anyone_joins_and_records_only_then(call, runtime):
    event_id = add_event(runtime, timedelta(minutes=-30), record_live=True)
    offer = call.ring()
    said = offer.said
    assert said.index("being recorded") < said.index("To listen in, press 1")
    assert call.press("1").first("Conference").get("record") == "record-from-start"
    assert event_id


def test_the_host_joins_with_the_pin_unmuted_starting_and_ending_the_call(call, runtime,
                                                                         event_on):
    call.ring()
    asked = call.press("5")
    assert "host PIN" in asked.said
    joined = call.press(host_pin(runtime, event_on) + "#")
    dial, conference = joined.first("Dial"), joined.first("Conference")
    assert conference.get("muted") == "false"
    assert conference.get("startConferenceOnEnter") == "true"
    assert conference.get("endConferenceOnExit") == "true"
    assert dial.get("hangupOnStar") == "false"
    assert _caller(runtime, call).is_host


def test_a_wrong_pin_is_not_let_in_and_hears_the_offer_again(call, event_on):
    call.ring()
    call.press("5")
    again = call.press("000000#")
    assert "that PIN is not right" in again.said
    assert again.first("Dial") is None


def test_when_the_session_has_ended_the_dial_action_says_goodbye(call, room):
    call.ring()
    call.press("1")
    room.join(call)
    room.tell("conference-end", at=AT + timedelta(minutes=30))
    ended = _dial_back(call)
    assert "The session has finished" in ended.said
    assert ended.hangs_up


def test_a_caller_who_is_cut_off_can_ring_back_in_as_the_same_caller(call, twilio, room,
                                                                     runtime):
    call.ring()
    call.press("1")
    room.join(call)
    room.leave(call, AT + timedelta(minutes=2))
    again = PhoneCall(twilio)
    again.ring()
    assert again.press("1").first("Conference") is not None
    assert _caller(runtime, again).caller_no == _caller(runtime, call).caller_no == 1


def test_a_caller_hears_the_session_in_their_own_language(call, runtime, event_on):
    with runtime.store.transaction() as session:
        session.add(Contact(phone=PHONE, source="import", language="pl"))
    offer = call.ring()
    assert "Spotkanie trwa teraz" in offer.said
    assert offer.says[0].get("language") == "pl-PL"
    assert "Łączymy Cię teraz" in call.press("1").said


def test_a_polish_caller_waits_for_the_host_with_polish_words(call, runtime, event_on,
                                                               twilio):
    with runtime.store.transaction() as session:
        session.add(Contact(phone=PHONE, source="import", language="pl"))
    call.ring()
    wait_url = call.press("1").first("Conference").get("waitUrl")
    assert wait_url == f"{PUBLIC_URL}/twilio/voice/live/wait?lang=pl"
    waiting = PhoneCall(twilio, sid=call.sid).post(wait_url.removeprefix(PUBLIC_URL))
    assert waiting.says[0].get("language") == "pl-PL"
    assert waiting.said and "start soon" not in waiting.said


def test_silence_at_the_offer_says_it_again_then_goes_on_to_the_questions(call, event_on):
    call.ring()
    again = call.wait()
    assert "To listen in, press 1" in again.said
    assert call.wait().redirect == "/twilio/voice/questions"


def test_9_at_the_offer_slows_the_voice_and_offers_again(call, event_on):
    call.ring()
    slower = call.press("9")
    assert "more slowly" in slower.said and "To listen in, press 1" in slower.said
    assert slower.says[-1].find("prosody").get("rate") == "75%"
