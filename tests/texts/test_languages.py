"""A person takes part in their own language by text: texting a language's name (its own
name or its English one) switches to it at any time, keeps their place, and every later
text is in that language."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from brewline.people.models import Contact
from brewline.surveys.models import Answer, Conversation
from flows.readability import encoding
from flows.words import words
from tests.conftest import PHONE
from tests.texts.test_sms_webhook import replies


@pytest.fixture
def settings(settings):
    """Every shipped language switched on, as LANGUAGES left empty does."""
    return settings.with_(languages=())


def person(runtime, phone: str = PHONE) -> Contact:
    with runtime.store.transaction() as session:
        contact = session.scalars(select(Contact).where(Contact.phone == phone)).one()
        session.expunge(contact)
        return contact


def test_texting_polski_mid_survey_answers_in_polish_and_keeps_the_place(twilio, runtime):
    replies(twilio.text("hi"))
    replies(twilio.text("yes"))
    replies(twilio.text("The tea and the chat"))  # question 1 answered
    said = replies(twilio.text("POLSKI"))
    assert said == [words("languages.switched", "pl"),
                    "Pytanie 2 z 5: Chcemy spisać proste obietnice, jak ma działać Over a "
                    "Brew. Co byś w nich napisał?"]
    assert person(runtime).language == "pl"
    skipped, following = replies(twilio.text("SKIP"))
    assert skipped == "Nie ma sprawy, pominęliśmy to pytanie."
    assert following.startswith("Pytanie 3 z 5: ")
    assert replies(twilio.text("delete my data")) == [words("privacy.ask", "pl")]
    assert replies(twilio.text("no, keep it"))[0] == words("privacy.kept", "pl")


def test_the_switch_itself_is_not_kept_as_an_answer(twilio, runtime):
    replies(twilio.text("hi"))
    replies(twilio.text("yes"))
    replies(twilio.text("Polish"))
    replies(twilio.text("Herbata"))
    with runtime.store.transaction() as session:
        said = session.scalars(select(Answer.text).order_by(Answer.id)).all()
        state = session.scalars(select(Conversation.state)).one()
    assert said == ["yes", "Herbata"]  # the welcome's answer, then question 1's
    assert state["language"] == "pl"


@pytest.mark.parametrize("body, language", [
    ("POLSKI", "pl"), ("  polski ", "pl"), ("Polish", "pl"), ("polish please", "pl"),
    ("Po polsku!", "pl"), ("العربية", "ar"), ("Arabic", "ar"), (" arabic. ", "ar"),
    ("عربي", "ar"), ("English", "en"), ("ENGLISH please", "en"),
])
def test_a_language_is_chosen_by_its_own_name_or_its_english_name(twilio, runtime, body,
                                                                  language):
    replies(twilio.text("hi"))
    [switched, *_] = replies(twilio.text(body))
    assert switched == words("languages.switched", language)
    assert person(runtime).language == language


@pytest.mark.parametrize("body", [
    "I am Polish", "My mum speaks Arabic at home", "polski sklep na rogu", "English tea",
])
def test_a_sentence_that_mentions_a_language_is_an_answer_not_a_choice(twilio, runtime, body):
    replies(twilio.text("hi"))
    replies(twilio.text("yes"))
    [next_question] = replies(twilio.text(body))
    assert next_question.startswith("Question 2 of 5")
    assert person(runtime).language == "en"


def test_an_arabic_texter_gets_arabic_that_fits_three_parts(twilio, runtime):
    replies(twilio.text("hi"))
    said = replies(twilio.text("العربية"))
    assert said[0] == words("languages.switched", "ar")
    [welcome] = said[1:]
    assert welcome.startswith("مرحبًا، معك Over a Brew")
    assert (encoding(welcome).name, encoding(welcome).segments) == ("UCS-2", 3)
    [first] = replies(twilio.text("yes"))
    assert first.startswith("السؤال 1 من 5: ")


def test_a_language_not_switched_on_is_not_offered(twilio, runtime, app):
    runtime.settings = runtime.settings.with_(languages=("en", "pl"))
    replies(twilio.text("hi"))
    replies(twilio.text("yes"))
    [next_question] = replies(twilio.text("Arabic"))
    assert next_question.startswith("Question 2 of 5")
    assert person(runtime).language == "en"
    assert replies(twilio.text("polski"))[0] == words("languages.switched", "pl")


def test_switching_back_to_english_goes_back_to_english(twilio, runtime):
    replies(twilio.text("hi"))
    replies(twilio.text("polski"))
    said = replies(twilio.text("English"))
    assert said[0] == "OK, from now on we will write to you in English."
    assert said[1].startswith("Hello, this is Over a Brew")
