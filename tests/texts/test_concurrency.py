"""Texts from one person arriving at once are handled one at a time, none lost."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from brewline.delivery.models import Message
from brewline.surveys.models import Answer
from brewline.texts.inbound import InboundText, receive_text
from tests.conftest import PHONE


def text(runtime, body: str, sid: str, sender: str = PHONE) -> list[str]:
    return receive_text(runtime, InboundText(sender=sender, body=body, message_sid=sid))


def test_answers_sent_at_the_same_moment_each_answer_a_different_question(runtime):
    text(runtime, "hi", "SMa")
    text(runtime, "yes", "SMb")
    with ThreadPoolExecutor(5) as pool:
        list(pool.map(lambda n: text(runtime, f"answer {n}", f"SMc{n}"), range(5)))
    with runtime.store.transaction() as session:
        questions = session.scalars(select(Answer.question_id).where(
            Answer.question_id != "welcome")).all()
    assert sorted(questions) == sorted(["value", "promises", "use_here", "use_in_life", "together"])


def test_the_same_message_delivered_five_times_at_once_is_kept_once(runtime):
    text(runtime, "hi", "SMa")
    with ThreadPoolExecutor(5) as pool:
        results = list(pool.map(lambda _: text(runtime, "yes", "SMdup"), range(5)))
    assert all(r == results[0] for r in results) and results[0]
    with runtime.store.transaction() as session:
        assert len(session.scalars(select(Message).where(Message.sid == "SMdup")).all()) == 1
        assert len(session.scalars(select(Answer)).all()) == 1


def test_many_new_people_at_once_each_get_their_own_welcome(runtime):
    senders = [f"+4477009{n:05d}" for n in range(20)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda s: text(runtime, "hello", f"SM{s}", sender=s), senders))
    assert all(r[0].startswith("Hello, this is Over a Brew") for r in results)
