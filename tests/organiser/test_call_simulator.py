"""The simulator's call mode, through the real signed /twilio/voice webhooks."""
from __future__ import annotations

from sqlalchemy import select

from brewline.calls.models import Call
from brewline.people.models import Consent
from brewline.surveys.models import Answer

NUMBER = "07700 900555"


def step(web, **data) -> dict:
    response = web.client.post("/simulator/call", json={"number": NUMBER, **data},
                               headers={"X-CSRF-Token": web.token, "Accept": "application/json"})
    assert response.status_code == 200, response.json
    return response.json


def said(screen: dict) -> str:
    return " ".join(line["text"] for line in screen["lines"])


class Caller:
    """Follows the screens the simulator returns, as the page's script does."""

    def __init__(self, web):
        self.web = web
        self.screen = step(web)
        self.sid = self.screen["call_sid"]

    def press(self, key: str) -> dict:
        return self._go(action=self.screen["gather"]["action"], digits=key)

    def speak(self, words: str) -> dict:
        return self._go(action=self.screen["gather"]["action"], speech=words)

    def record(self, words: str) -> dict:
        record = self.screen["record"]
        return self._go(action=record["action"], transcribe=record["transcribe"],
                        recording_text=words)

    def _go(self, **data) -> dict:
        self.screen = step(self.web, call_sid=self.sid, **data)
        return self.screen


ANSWERS = ["I like the tea", "Be kind", "Listen", "A lunch club", "Ask us first"]


def test_the_whole_survey_by_call_in_the_simulator(signed_in, runtime):
    call = Caller(signed_in)
    assert "Hello, this is Over a Brew" in said(call.screen)
    assert call.screen["lines"][0]["rate"] == "90%"
    assert call.screen["gather"]["num_digits"] == "1"
    assert "Question 1 of 5" in said(call.press("1"))
    for number, words in enumerate(ANSWERS, start=1):
        assert call.screen["record"], said(call.screen)
        assert "Press 1 to keep your answer" in said(call.record(words))
        call.press("1")
    assert call.screen["gather"] and "next Over a Brew" in said(call.screen)
    last = call.speak("yes please")
    assert last["ended"] and "Thank you" in said(last)
    with runtime.store.transaction() as db:
        answers = db.scalars(select(Answer).order_by(Answer.id)).all()
        consent = db.scalars(select(Consent)).one()
        [kept] = db.scalars(select(Call)).all()
    assert [a.transcript for a in answers if a.recording_sid] == ANSWERS
    assert {a.channel for a in answers} == {"voice"}
    assert (consent.granted, consent.channel) == (True, "voice")
    assert kept.sid == call.sid


def test_staying_silent_shows_what_the_call_says_next(signed_in):
    after = Caller(signed_in).screen["after_silence"]
    assert after["redirect"].startswith("/twilio/voice/silence")


def test_hanging_up_tells_the_service_the_call_is_over(signed_in, runtime):
    call = Caller(signed_in)
    assert call._go(hangup=True)["ended"]
    with runtime.store.transaction() as db:
        assert db.scalars(select(Call)).one().status == "completed"


def test_an_action_url_elsewhere_is_never_followed(signed_in, runtime):
    response = signed_in.client.post(
        "/simulator/call", json={"number": NUMBER, "action": "https://evil.example/x"},
        headers={"X-CSRF-Token": signed_in.token})
    assert response.status_code == 400 and "only this service" in response.json["error"]
    with runtime.store.transaction() as db:
        assert db.scalars(select(Call)).all() == []


def test_the_call_page_offers_a_keypad_speech_and_recording(signed_in):
    page = signed_in.get("/simulator?mode=call").get_data(as_text=True)
    assert "Calls are not available yet" not in page
    assert "Keypad" in page and "Say something" in page and "Record an answer" in page
