"""After a database outage the messages export shows exactly what each person received:
the holding reply Twilio carried back, then each real reply once, as the text we sent."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from brewline.cli import build
from brewline.delivery import sending, spool
from brewline.delivery.models import Outbox
from brewline.texts.wording import own_reply
from tests.conftest import PHONE
from tests.delivery.test_spool import broken  # noqa: F401 (fixture)
from tests.texts.test_sms_webhook import replies

HOLDING = own_reply("holding")


@pytest.fixture
def export(app):
    runner = app.test_cli_runner()

    def rows() -> list[dict]:
        result = runner.invoke(build(), ["export", "messages", "--format", "json",
                                         "--include-phone"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return [row for row in json.loads(result.output) if row["phone"] == PHONE]
    return rows


def send_everything_queued(sender) -> list[str]:
    """What the worker does once the database is back: send the queued replies."""
    with sender.store.transaction() as session:
        ids = list(session.scalars(select(Outbox.id).order_by(Outbox.id)))
    return sending.deliver_many(sender, ids)


def conversation(rows: list[dict]) -> list[tuple[str, str, str]]:
    return [(row["direction"], row["status"], row["body"][:24]) for row in rows]


def test_a_text_answered_with_the_holding_reply_shows_that_reply_then_question_1_once(
        broken, twilio, sender, fake, export):  # noqa: F811
    assert replies(twilio.text("hi"))[0].startswith("Hello, this is Over a Brew")
    assert replies(broken.text("yes")) == [HOLDING]
    assert spool.drain(sender) == 1
    assert send_everything_queued(sender) == ["sent"]

    assert [m["Body"][:14] for m in fake.messages] == ["Question 1 of "]
    assert conversation(export()) == [
        ("in", "received", "hi"),
        ("out", "replied", "Hello, this is Over a Br"),
        ("in", "received", "yes"),
        ("out", "replied", HOLDING[:24]),
        ("out", "sent", fake.messages[0]["Body"][:24])]


def test_draining_the_same_text_twice_records_and_sends_its_replies_once(
        broken, twilio, sender, fake, export):  # noqa: F811
    replies(broken.text("hi", sid="SM" + "7" * 32))
    replies(broken.text("hi", sid="SM" + "7" * 32))  # Twilio delivered it again
    assert spool.drain(sender) == 2
    send_everything_queued(sender)

    assert len(fake.messages) == 1
    assert conversation(export()) == [
        ("in", "received", "hi"), ("out", "replied", HOLDING[:24]),
        ("out", "sent", "Hello, this is Over a Br")]


def test_a_redelivery_of_a_spooled_text_gets_the_holding_reply_again_not_question_1(
        broken, twilio, sender, fake):  # noqa: F811
    replies(twilio.text("hi"))
    replies(broken.text("yes", sid="SM" + "8" * 32))
    spool.drain(sender)
    # Twilio's second try of the same text: what it carried back the first time, and the
    # question that is already on its way as a text is not said a second time.
    assert replies(twilio.text("yes", sid="SM" + "8" * 32)) == [HOLDING]
