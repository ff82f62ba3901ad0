"""The database unreachable while texts arrive: a holding reply, the text spooled, then handled in order."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from brewline.delivery import spool
from brewline.delivery.models import Message, Outbox
from brewline.platform.runtime import Runtime
from brewline.texts.wording import own_reply
from brewline.web.app import create_app
from tests.conftest import PHONE, Twilio
from tests.texts.test_sms_webhook import replies

NOWHERE = "postgresql://postgres@127.0.0.1:1/nowhere"  # refused at once: nothing listens there


@pytest.fixture
def broken(settings):
    """The same service, but its database cannot be reached."""
    runtime = Runtime(settings.with_(database_url=NOWHERE))
    yield Twilio(create_app(runtime=runtime).test_client())
    runtime.close()


def inbound_bodies(runtime) -> list[str]:
    with runtime.store.transaction() as session:
        return list(session.scalars(select(Message.body).where(Message.direction == "in")
                                    .order_by(Message.created_at, Message.id)))


def test_a_text_while_the_database_is_down_gets_a_holding_reply_and_is_spooled(broken, runtime):
    assert replies(broken.text("hi")) == [own_reply("holding")]
    assert runtime.redis.llen(spool.KEY) == 1
    assert inbound_bodies(runtime) == []


def test_spooled_texts_are_handled_in_order_once_the_database_is_back(broken, runtime):
    for body in ("hi", "yes", "Being listened to"):
        replies(broken.text(body))
    assert spool.drain(runtime) == 3
    assert inbound_bodies(runtime) == ["hi", "yes", "Being listened to"]
    with runtime.store.transaction() as session:
        answered = session.scalars(select(Outbox).order_by(Outbox.id)).all()
    assert [r.purpose for r in answered] == ["reply"] * 3 and all(r.direct_reply for r in answered)
    assert answered[0].body.startswith("Hello, this is Over a Brew")
    assert answered[2].body.startswith("Question 2 of 5")


def test_a_text_arriving_while_others_wait_in_the_spool_queues_behind_them(broken, twilio, runtime):
    replies(broken.text("hi"))
    assert replies(twilio.text("yes")) == [own_reply("holding")]
    spool.drain(runtime)
    assert inbound_bodies(runtime) == ["hi", "yes"]
    assert replies(twilio.text("Tea"))[0].startswith("Question 2 of 5")


def test_draining_twice_sends_each_reply_once(broken, runtime):
    replies(broken.text("hi", sid="SM" + "1" * 32))
    replies(broken.text("hi", sid="SM" + "1" * 32))  # Twilio delivered it again
    spool.drain(runtime)
    with runtime.store.transaction() as session:
        assert len(session.scalars(select(Outbox)).all()) == 1


def test_draining_while_the_database_is_still_down_keeps_everything(broken, settings, runtime):
    replies(broken.text("hi"))
    still_down = Runtime(settings.with_(database_url=NOWHERE))
    assert spool.drain(still_down) == 0
    still_down.close()
    assert runtime.redis.llen(spool.KEY) == 1


def test_with_redis_down_too_the_text_is_kept_in_a_file_and_drained(settings, runtime):
    both_down = Runtime(settings.with_(database_url=NOWHERE, redis_url="redis://127.0.0.1:1/0"))
    twilio = Twilio(create_app(runtime=both_down).test_client())
    assert replies(twilio.text("hi", sender=PHONE)) == [own_reply("holding")]
    both_down.close()
    assert len(list((settings.instance_dir / "spool").glob("*.json"))) == 1
    assert spool.drain(runtime) == 1
    assert inbound_bodies(runtime) == ["hi"]
