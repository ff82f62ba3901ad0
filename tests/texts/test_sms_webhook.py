"""POST /twilio/sms: signed Twilio-shaped forms in, TwiML out, everything kept."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import func, select

from brewline.delivery.models import Message
from brewline.people.models import Consent, Contact
from brewline.surveys.models import Answer
from tests.conftest import PHONE


def replies(response) -> list[str]:
    """The texts of every <Message> in a TwiML reply."""
    assert response.status_code == 200, response.data
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    return [m.text or "" for m in root.findall("Message")]


def count(runtime, model, *where) -> int:
    with runtime.store.transaction() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_first_text_is_answered_with_the_welcome_that_says_who_we_are(twilio):
    [welcome] = replies(twilio.text("hello"))
    assert welcome.startswith("Hello, this is Over a Brew")
    assert "5 short questions" in welcome and "SKIP" in welcome and "STOP" in welcome


def test_a_whole_survey_by_text_keeps_every_answer_and_the_consent(twilio, runtime):
    replies(twilio.text("hi"))
    [q1] = replies(twilio.text("yes"))
    assert q1.startswith("Question 1 of 5:")
    for n, answer in enumerate(["The tea 🫖 and chat", "skip", "Listen", "أحب الشاي", "x" * 1600]):
        replies(twilio.text(answer))
    [thanks] = replies(twilio.text("Yes please!"))
    assert thanks.startswith("Thank you so much")
    with runtime.store.transaction() as session:
        answers = session.scalars(select(Answer).order_by(Answer.id)).all()
        texts = {a.question_id: a.text for a in answers}
        consent = session.scalars(select(Consent)).one()
    assert texts["value"] == "The tea 🫖 and chat"
    assert texts["use_in_life"] == "أحب الشاي"
    assert texts["together"] == "x" * 1600
    assert [a.skipped for a in answers if a.question_id == "promises"] == [True]
    assert (consent.topic, consent.granted, consent.channel) == ("invites", True, "sms")


def test_a_repeated_delivery_gets_the_same_reply_and_changes_nothing(twilio, runtime):
    replies(twilio.text("hi"))
    first = replies(twilio.text("yes", sid="SM" + "a" * 32))
    again = replies(twilio.text("yes", sid="SM" + "a" * 32))
    assert first == again
    assert count(runtime, Message, Message.direction == "in") == 2
    assert count(runtime, Answer) == 1


def test_an_unsigned_request_is_refused_and_nothing_is_stored(twilio, runtime):
    response = twilio.post("/twilio/sms", {"From": PHONE, "Body": "hi", "MessageSid": "SM1"},
                           signature="forged")
    assert response.status_code == 403
    assert count(runtime, Message) == 0 and count(runtime, Contact) == 0


def test_a_request_missing_a_field_gets_a_400_naming_it(twilio):
    response = twilio.post("/twilio/sms", {"From": PHONE, "Body": "hi"})
    assert response.status_code == 400
    assert b"MessageSid" in response.data


def test_a_body_over_64_kilobytes_gets_a_413(twilio):
    response = twilio.post("/twilio/sms", {"From": PHONE, "Body": "x" * 70_000,
                                           "MessageSid": "SM2"})
    assert response.status_code == 413


def test_a_picture_only_message_gets_a_kind_reply_and_is_kept(twilio, runtime):
    [reply] = replies(twilio.text("", NumMedia="1", MediaUrl0="http://10.0.0.1/x.jpg"))
    assert "only read words" in reply
    assert count(runtime, Message, Message.direction == "in", Message.media_count == 1) == 1


def test_a_short_code_sender_gets_no_reply_but_the_message_is_kept(twilio, runtime):
    assert replies(twilio.text("WIN A PRIZE", sender="80001")) == []
    assert replies(twilio.text("Your code", sender="BREWLINE")) == []
    assert count(runtime, Message, Message.status == "unanswerable") == 2


def test_numbers_in_any_usual_format_are_the_same_person(twilio, runtime):
    replies(twilio.text("hi", sender="+447700900123"))
    replies(twilio.text("yes", sender="07700 900123"))
    assert count(runtime, Contact) == 1
    assert count(runtime, Answer) == 1


def opted_out(runtime) -> bool:
    with runtime.store.transaction() as session:
        return session.scalars(select(Contact)).one().opted_out_at is not None


def test_stop_opts_out_quietly_because_twilio_confirms_it_itself(twilio, runtime):
    replies(twilio.text("hi"))
    assert replies(twilio.text(" stop. ")) == []
    assert opted_out(runtime)
    assert replies(twilio.text("hello?")) == []


def test_start_after_stop_opts_back_in_like_twilio_does(twilio, runtime):
    replies(twilio.text("STOP"))
    assert replies(twilio.text("Start")) == []
    assert not opted_out(runtime)
    assert replies(twilio.text("hi"))[0].startswith("Hello, this is Over a Brew")


def test_a_plain_stop_phrase_is_confirmed_in_words_and_not_kept_as_an_answer(twilio, runtime):
    replies(twilio.text("hi"))
    replies(twilio.text("yes"))
    [confirm] = replies(twilio.text("Stop texting me!!"))
    assert "not get any more texts" in confirm
    assert replies(twilio.text("what?")) == []
    assert count(runtime, Answer) == 1


@pytest.mark.parametrize("text", ["Stop calling me", "Don't ring me again!", "no more calls"])
def test_asking_by_text_to_stop_the_calls_opts_out_of_calls_and_texts(twilio, runtime, text):
    replies(twilio.text("hi"))
    [confirm] = replies(twilio.text(text))
    assert "not get any more texts or calls" in confirm
    assert opted_out(runtime) and count(runtime, Answer) == 0


def test_an_answer_that_mentions_calling_in_a_sentence_is_kept_as_an_answer(twilio, runtime):
    replies(twilio.text("hi"))
    replies(twilio.text("yes"))
    [question] = replies(twilio.text("I wish the council would stop calling me about the bins"))
    assert question.startswith("Question 2 of 5")
    assert not opted_out(runtime)
    with runtime.store.transaction() as session:
        answer = session.scalars(select(Answer).where(Answer.question_id == "value")).one()
    assert answer.text == "I wish the council would stop calling me about the bins"


def test_healthz_reports_database_and_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"database": "ok", "redis": "ok", "status": "ok"}
