"""Calls in the person's language: a short choice at the start of a call to us (each
option in its own language and voice), then every <Say> in that language's voice and every
<Gather> listening in it, with the same keys, and the slower voice still remembered."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from brewline.people.models import Contact
from flows.words import catalogues, words
from tests.calls.phone import PhoneCall
from tests.conftest import PHONE
from tests.texts.test_sms_webhook import replies

AMY, OLA, HALA = ("Polly.Amy-Neural", "en-GB"), ("Polly.Ola-Neural", "pl-PL"), (
    "Polly.Hala-Neural", "ar-AE")


@pytest.fixture
def settings(settings):
    """Every shipped language switched on, as LANGUAGES left empty does."""
    return settings.with_(languages=())


def language_of(runtime, phone: str = PHONE) -> str:
    with runtime.store.transaction() as session:
        return session.scalars(select(Contact.language).where(Contact.phone == phone)).one()


def test_a_caller_first_hears_each_language_offered_in_its_own_voice(twilio):
    choice = PhoneCall(twilio).ring()
    says = [(s.get("voice"), s.get("language"), " ".join(s.itertext()).strip())
            for s in choice.gather.iter("Say")]
    assert says == [(*AMY, "For English, press 1."), (*HALA, "للعربية، اضغط 2."),
                    (*OLA, "Po polsku, naciśnij 3.")]
    assert choice.gather.get("numDigits") == "1" and choice.redirect == "/twilio/voice/language"


def test_a_polish_caller_hears_polish_and_is_listened_to_in_polish(twilio, runtime):
    call = PhoneCall(twilio)
    call.ring()
    welcome = call.press("3")
    assert language_of(runtime) == "pl"
    assert welcome.languages == {OLA, (None, "pl-PL")}
    assert welcome.said.startswith("Dzień dobry, tu Over a Brew")
    first = call.say("Tak")  # the welcome's yes, said in Polish
    assert first.languages == {OLA}  # an open question: keys while it is read, then the tone
    assert "Pytanie 1 z 5: Over a Brew to luźna rozmowa przy herbacie" in first.said
    assert "Powiedz swoją odpowiedź po sygnale." in first.said


def test_an_arabic_caller_hears_arabic_with_an_arabic_voice_and_arabic_listening(twilio, runtime):
    call = PhoneCall(twilio)
    call.ring()
    welcome = call.press("2")
    assert language_of(runtime) == "ar"
    assert welcome.languages == {HALA, (None, "ar-AE")}
    assert welcome.said.startswith("مرحبًا، معك Over a Brew")
    assert welcome.gather.get("language") == "ar-AE"


def test_silence_at_the_choice_keeps_the_language_we_know(twilio, runtime):
    replies(twilio.text("polski"))
    call = PhoneCall(twilio)
    call.ring()
    welcome = call.wait()
    assert language_of(runtime) == "pl"
    assert welcome.said.startswith("Dzień dobry, tu Over a Brew")


def test_the_same_keys_work_and_9_slows_the_polish_voice_for_every_later_call(twilio, runtime):
    call = PhoneCall(twilio)
    call.ring()
    call.press("3")
    slower = call.press("9")
    assert words("voice.slower", "pl") in slower.said
    assert {s.find("prosody").get("rate") for s in slower.says} == {"75%"}
    again = PhoneCall(twilio)
    again.ring()
    back = again.press("3")
    assert {s.find("prosody").get("rate") for s in back.says} == {"75%"}
    assert back.languages == {OLA, (None, "pl-PL")}


def test_a_recording_in_another_language_is_not_sent_to_english_transcription(twilio):
    call = PhoneCall(twilio)
    call.ring()
    call.press("3")
    question = call.say("Tak")
    record = question.first("Record")
    assert record is not None and record.get("transcribe") is None
    english = PhoneCall(twilio, caller="+447700900556")
    english.ring()
    english.press("1")
    assert english.say("Yes").first("Record").get("transcribe") == "true"


def test_with_one_language_switched_on_there_is_no_choice(twilio, runtime):
    runtime.settings = runtime.settings.with_(languages=("en",))
    welcome = PhoneCall(twilio).ring()
    assert welcome.said.startswith("Hello, this is Over a Brew")
    assert welcome.languages == {AMY, (None, "en-GB")}


def test_a_thank_you_that_leads_on_to_more_loses_its_goodbye_in_every_language():
    from brewline.calls.twiml import without_goodbye
    for language, thanks in (("pl", "Dziękujemy. Do widzenia."), ("ar", "شكرًا. مع السلامة."),
                             ("en", "Thank you. Goodbye.")):
        said = without_goodbye(thanks, catalogues()[language].goodbye)
        assert said == thanks.rsplit(" ", 2 if language != "en" else 1)[0]
