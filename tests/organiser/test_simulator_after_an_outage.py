"""The simulator's thread after a database outage shows what the phone got: the holding
reply, then question 1 once (not once as a reply and again as a text)."""
from __future__ import annotations

from brewline.delivery import spool
from brewline.texts.wording import own_reply
from tests.delivery.test_spool import broken  # noqa: F401 (fixture)
from tests.texts.test_messages_after_an_outage import send_everything_queued
from tests.texts.test_sms_webhook import replies


def test_the_thread_shows_the_holding_reply_then_question_1_once(
        broken, twilio, signed_in, sender, fake):  # noqa: F811
    replies(twilio.text("hi"))
    assert replies(broken.text("yes")) == [own_reply("holding")]
    spool.drain(sender)
    send_everything_queued(sender)

    bubbles = signed_in.get("/simulator/thread?number=07700900123").json["bubbles"]
    said = [(b["who"], b["body"][:15]) for b in bubbles]
    assert said == [("you", "hi"), ("brewline", "Hello, this is "), ("you", "yes"),
                    ("brewline", own_reply("holding")[:15]), ("brewline", "Question 1 of 5")]
