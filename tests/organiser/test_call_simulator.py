"""The simulator's call mode, against a stand-in that keeps issue 3's /twilio/voice contract.

The real voice webhook is not on main yet; this stand-in answers like it will (signed
POSTs, TwiML with <Gather action>, <Say><prosody>, <Record action>, <Redirect>, <Hangup/>),
so the simulator's side of the contract is checked now.
"""
from __future__ import annotations

import pytest
from flask import Blueprint, Response
from twilio.twiml.voice_response import Gather, VoiceResponse

from service.app import create_app
from service.twilio_edge import twilio_webhook
from tests.organiser.conftest import Browserless, csrf_from

HEARD: list[dict] = []


def _twiml(response: VoiceResponse) -> Response:
    return Response(str(response), mimetype="text/xml")


def _kept(form) -> dict:
    HEARD.append(dict(form))
    return dict(form)


def stand_in() -> Blueprint:
    bp = Blueprint("voice_stand_in", __name__)

    @bp.post("/twilio/voice")
    @twilio_webhook(_kept)
    def answer(form):
        response = VoiceResponse()
        gather = Gather(action="/twilio/voice/choice", input="dtmf speech", num_digits=1)
        gather.say("Hello, this is Over a Brew. ").prosody("Press 1 to start.", rate="85%")
        response.append(gather)
        response.say("Are you still there?")
        response.redirect("/twilio/voice/still-there")
        return _twiml(response)

    @bp.post("/twilio/voice/choice")
    @twilio_webhook(_kept)
    def choice(form):
        response = VoiceResponse()
        response.say(f"You chose {form.get('Digits') or form.get('SpeechResult')}.")
        response.redirect("/twilio/voice/question")
        return _twiml(response)

    @bp.post("/twilio/voice/question")
    @twilio_webhook(_kept)
    def question(form):
        response = VoiceResponse()
        response.say("What do you like about it? Speak after the tone.")
        response.record(action="/twilio/voice/recorded", max_length=120)
        return _twiml(response)

    @bp.post("/twilio/voice/recorded")
    @twilio_webhook(_kept)
    def recorded(form):
        response = VoiceResponse()
        response.say("Thank you. Goodbye.")
        response.hangup()
        return _twiml(response)

    @bp.post("/twilio/voice/still-there")
    @twilio_webhook(_kept)
    def still_there(form):
        response = VoiceResponse()
        response.say("We will try again another time.")
        response.hangup()
        return _twiml(response)

    return bp


@pytest.fixture
def caller(runtime, organiser) -> Browserless:
    HEARD.clear()
    app = create_app(runtime=runtime)
    app.register_blueprint(stand_in())
    web = Browserless(app.test_client())
    assert web.sign_in().status_code == 302
    web.token = csrf_from(web.get("/simulator"))
    return web


def step(web: Browserless, **data) -> dict:
    response = web.client.post("/simulator/call", json={"number": "07700 900555", **data},
                               headers={"X-CSRF-Token": web.token, "Accept": "application/json"})
    assert response.status_code == 200, response.json
    return response.json


def test_a_simulated_call_follows_gather_redirect_record_and_hangup(caller):
    first = step(caller)
    assert [line["text"] for line in first["lines"]] == [
        "Hello, this is Over a Brew. Press 1 to start."]
    assert first["lines"][0]["rate"] == "85%"
    assert first["gather"] == {"action": "/twilio/voice/choice", "input": "dtmf speech",
                               "num_digits": "1"}
    second = step(caller, call_sid=first["call_sid"], action="/twilio/voice/choice", digits="1")
    assert [line["text"] for line in second["lines"]] == [
        "You chose 1.", "What do you like about it? Speak after the tone."]
    assert second["record"]["action"] == "/twilio/voice/recorded"
    last = step(caller, call_sid=first["call_sid"], action="/twilio/voice/recorded",
                recording_text="The biscuits")
    assert last["ended"] and last["lines"][0]["text"] == "Thank you. Goodbye."
    assert {form["CallSid"] for form in HEARD} == {first["call_sid"]}
    assert HEARD[-1]["RecordingUrl"].startswith("https://api.twilio.com/2010-04-01/Accounts/")


def test_speech_goes_as_speech_result(caller):
    first = step(caller)
    step(caller, call_sid=first["call_sid"], action="/twilio/voice/choice", speech="yes please")
    assert HEARD[1]["SpeechResult"] == "yes please"


def test_staying_silent_shows_what_happens_after_the_gather(caller):
    after = step(caller)["after_silence"]
    assert after["lines"][0]["text"] == "Are you still there?"
    assert after["redirect"] == "/twilio/voice/still-there"


def test_an_action_url_elsewhere_is_never_followed(caller):
    response = caller.client.post(
        "/simulator/call", json={"number": "07700 900555", "action": "https://evil.example/x"},
        headers={"X-CSRF-Token": caller.token})
    assert response.status_code == 400 and "only this service" in response.json["error"]
    assert HEARD == []


def test_the_call_page_offers_a_keypad_once_calls_exist(caller):
    page = caller.get("/simulator?mode=call").get_data(as_text=True)
    assert "Calls are not available yet" not in page
    assert "Keypad" in page and "Record an answer" in page
