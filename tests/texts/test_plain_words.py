"""Keywords as people really write them, through POST /twilio/sms: politeness, greetings."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from brewline.people.models import Contact
from brewline.surveys.models import Answer
from tests.texts.test_sms_webhook import replies


def answers(runtime) -> list[tuple[str, str | None]]:
    with runtime.store.transaction() as session:
        return [(a.question_id, a.text)
                for a in session.scalars(select(Answer).order_by(Answer.id))]


def opted_out(runtime) -> bool:
    with runtime.store.transaction() as session:
        return session.scalars(select(Contact)).one().opted_out_at is not None


@pytest.mark.parametrize("text", [
    "please stop texting me", "Can you stop texting me?", "Stop texting me, thanks!",
    "Please could you stop sending me messages, thank you", "STOP PLEASE",
])
def test_a_polite_stop_opts_out_and_is_never_kept_as_an_answer(twilio, runtime, text):
    replies(twilio.text("hi"))
    replies(twilio.text("yes"))
    [confirm] = replies(twilio.text(text))
    assert confirm.startswith("You will not get any more texts or calls from Over a Brew")
    assert opted_out(runtime)
    assert answers(runtime) == [("welcome", "yes")]


@pytest.mark.parametrize("text", ["Stop wasting money on consultants, please",
                                  "Please stop cutting the buses"])
def test_an_answer_that_only_mentions_stopping_stays_an_answer(twilio, runtime, text):
    replies(twilio.text("hi"))
    replies(twilio.text("yes"))
    [question] = replies(twilio.text(text))
    assert question.startswith("Question 2 of 5")
    assert not opted_out(runtime) and answers(runtime)[-1] == ("value", text)


@pytest.mark.parametrize("greeting", ["Hi, I'm back", "hello again!", "back now", "Hiya!"])
def test_a_greeting_after_pause_welcomes_them_back_to_the_same_question(twilio, runtime,
                                                                       greeting):
    for body in ("hi", "yes", "The tea and the chat"):
        replies(twilio.text(body))
    [paused] = replies(twilio.text("PAUSE"))
    assert paused.startswith("Take your time")
    hello, question = replies(twilio.text(greeting))
    assert hello.startswith("Welcome back. You have answered 1 of 5 questions.")
    assert question.startswith("Question 2 of 5: We want to write a few simple promises")
    assert answers(runtime) == [("welcome", "yes"), ("value", "The tea and the chat")]
    [question_3] = replies(twilio.text("Be kind"))
    assert question_3.startswith("Question 3 of 5")
    assert answers(runtime)[-1] == ("promises", "Be kind")
