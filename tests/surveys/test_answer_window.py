"""ANSWER_WINDOW through the webhook: held texts, one joined answer, the next question queued."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from brewline.delivery.models import Outbox
from brewline.platform.database import utcnow
from brewline.platform.runtime import Runtime
from brewline.surveys import answer_window
from brewline.surveys.models import Answer, Conversation
from brewline.web.app import create_app
from tests.conftest import Twilio
from tests.texts.test_sms_webhook import replies

WINDOW = 2


@pytest.fixture
def windowed(runtime):
    timed = Runtime(runtime.settings.with_(answer_window=WINDOW))
    yield timed
    timed.close()


@pytest.fixture
def texter(windowed) -> Twilio:
    app = create_app(runtime=windowed)
    app.config["TESTING"] = True
    return Twilio(app.test_client())


def conversation_id(runtime) -> int:
    with runtime.store.transaction() as session:
        return session.scalars(select(Conversation.id)).one()


def answers(runtime) -> list[tuple[str, str]]:
    with runtime.store.transaction() as session:
        return [(a.question_id, a.text) for a in session.scalars(
            select(Answer).order_by(Answer.id))]


def queued_texts(runtime) -> list[Outbox]:
    with runtime.store.transaction() as session:
        return list(session.scalars(select(Outbox).order_by(Outbox.id)))


def later(seconds: float = WINDOW + 5):
    return utcnow() + timedelta(seconds=seconds)


def start_open_question(texter):
    replies(texter.text("hello"))
    replies(texter.text("yes"))


def test_texts_in_the_window_become_one_answer_and_the_next_question_is_queued(texter, windowed):
    start_open_question(texter)
    first = replies(texter.text("Being honest"))
    second = replies(texter.text("about what they can do"))

    assert len(first) == 1 and "Take your time" in first[0] and second == []
    assert answer_window.close(windowed, conversation_id(windowed), now=later()) == "closed"

    assert answers(windowed)[-1] == ("value", "Being honest\nabout what they can do")
    [next_question] = queued_texts(windowed)
    assert "Question 2" in next_question.body and next_question.direct_reply


def test_a_check_that_comes_too_early_leaves_the_texts_held(texter, windowed):
    start_open_question(texter)
    replies(texter.text("Still thinking"))

    assert answer_window.close(windowed, conversation_id(windowed), now=utcnow()) == "still writing"
    assert answers(windowed)[-1][0] == "welcome" and queued_texts(windowed) == []


def test_the_window_watch_closes_only_windows_that_have_passed(texter, windowed):
    start_open_question(texter)
    replies(texter.text("Some words"))

    assert answer_window.close_due(windowed, now=utcnow()) == 0
    assert answers(windowed)[-1][0] == "welcome"
    assert answer_window.close_due(windowed, now=later()) == 1
    assert answers(windowed)[-1] == ("value", "Some words")


def test_a_held_text_costs_the_webhook_nothing_in_redis(texter, windowed):
    start_open_question(texter)
    windowed.redis.flushdb()

    replies(texter.text("Words that are held"))

    assert windowed.redis.dbsize() == 0
    assert answer_window.close_due(windowed, now=later()) == 1


def test_a_second_watch_finds_the_window_already_closed(texter, windowed):
    start_open_question(texter)
    replies(texter.text("Only once"))

    closed = [answer_window.close_due(windowed, now=later()) for _ in range(2)]

    assert closed == [1, 0]
    assert len(queued_texts(windowed)) == 1


def test_a_keyword_during_the_window_acts_at_once_and_keeps_the_words(texter, windowed):
    start_open_question(texter)
    replies(texter.text("Part of it"))

    paused = replies(texter.text("PAUSE"))

    assert any("Take your time" in r or "saved" in r for r in paused)
    assert answers(windowed)[-1] == ("value", "Part of it")
    assert answer_window.close(windowed, conversation_id(windowed), now=later()) == "nothing held"
