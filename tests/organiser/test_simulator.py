"""The phone simulator: a made-up participant, through the real signed webhook."""
from __future__ import annotations

from sqlalchemy import func, select

from brewline.delivery import outbox
from brewline.delivery.models import Message
from brewline.delivery.sending import deliver
from brewline.people.contacts import find_or_create
from brewline.people.models import Contact
from brewline.web.app import create_app
from tests.conftest import ACCOUNT_SID

NUMBER = "07700 900555"
E164 = "+447700900555"


def count(runtime, model) -> int:
    with runtime.store.transaction() as db:
        return db.scalar(select(func.count()).select_from(model))


def test_a_text_goes_through_the_signed_webhook_and_the_reply_shows(signed_in, runtime):
    response = signed_in.post("/simulator/text", {"number": NUMBER, "body": "hi"})
    assert response.status_code == 302
    page = signed_in.get(f"/simulator?number={NUMBER}").get_data(as_text=True)
    assert "Hello, this is Over a Brew" in page
    with runtime.store.transaction() as db:
        [kept] = db.scalars(select(Message).where(Message.direction == "in")).all()
        assert kept.sid.startswith("SM") and kept.body == "hi"
        assert db.get(Contact, kept.contact_id).phone == E164


def test_with_javascript_a_text_returns_the_thread_as_json(signed_in):
    response = signed_in.post("/simulator/text", {"number": NUMBER, "body": "hi"},
                              headers={"Accept": "application/json"})
    bubbles = response.json["bubbles"]
    assert [b["who"] for b in bubbles] == ["you", "brewline"]
    assert bubbles[1]["body"].startswith("Hello, this is Over a Brew")


def test_later_texts_show_with_whether_they_were_sent(signed_in, runtime):
    with runtime.store.transaction() as db:
        contact = find_or_create(db, E164)
        row = outbox.add(runtime, db, contact.id, "See you on Tuesday", "note")
    before = signed_in.get(f"/simulator/thread?number={NUMBER}").json["bubbles"]
    assert before[0]["body"] == "See you on Tuesday" and "waiting to send" in before[0]["note"]
    runtime.settings = runtime.settings.with_(twilio_account_sid=None, twilio_auth_token=None)
    assert deliver(runtime, row.id) == "sent"
    after = signed_in.get(f"/simulator/thread?number={NUMBER}").json["bubbles"]
    assert "local mode" in after[0]["note"]


def test_on_a_live_install_only_made_up_numbers_can_be_used(signed_in, runtime):
    response = signed_in.post("/simulator/text", {"number": "07911 123456", "body": "hi"})
    assert response.status_code == 400
    assert "made-up number from 07700 900000" in response.get_data(as_text=True)
    assert count(runtime, Message) == 0


def test_a_number_that_is_not_a_number_gets_a_clear_message(signed_in, runtime):
    response = signed_in.post("/simulator/text", {"number": "tea", "body": "hi"})
    assert response.status_code == 400 and "not a phone number" in response.get_data(as_text=True)
    assert count(runtime, Message) == 0


def test_an_empty_message_is_not_sent(signed_in, runtime):
    response = signed_in.post("/simulator/text", {"number": NUMBER, "body": "  "})
    assert response.status_code == 400 and "Type a message" in response.get_data(as_text=True)


def test_a_live_install_needs_a_signed_in_organiser(client):
    assert client.get("/simulator").status_code == 302
    assert client.get("/simulator/thread?number=07700900555",
                      headers={"Accept": "application/json"}).status_code == 401


def test_in_local_mode_the_simulator_needs_no_account(runtime):
    runtime.settings = runtime.settings.with_(twilio_account_sid=None, twilio_auth_token=None)
    client = create_app(runtime=runtime).test_client()
    page = client.get("/simulator?number=07911+123456")
    assert page.status_code == 200 and "Texting as" in page.get_data(as_text=True)


def test_a_later_text_shows_once_with_how_it_got_on_in_plain_words(signed_in, sender, fake,
                                                                   twilio):
    with sender.store.transaction() as db:
        contact = find_or_create(db, E164)
        row = outbox.add(sender, db, contact.id, "See you on Tuesday", "note")
    assert deliver(sender, row.id) == "sent"
    assert twilio.post("/twilio/message-status", {
        "MessageSid": fake.messages[0]["sid"], "MessageStatus": "undelivered",
        "ErrorCode": "30006", "AccountSid": ACCOUNT_SID}).status_code == 200

    bubbles = signed_in.get(f"/simulator/thread?number={NUMBER}").json["bubbles"]
    [later] = [b for b in bubbles if b["body"] == "See you on Tuesday"]
    assert later["note"].startswith("later text (note): not delivered: This number cannot "
                                    "receive texts.")


def test_a_delivered_later_text_says_so(signed_in, sender, fake, twilio):
    with sender.store.transaction() as db:
        row = outbox.add(sender, db, find_or_create(db, E164).id, "Hello again", "note")
    deliver(sender, row.id)
    twilio.post("/twilio/message-status", {"MessageSid": fake.messages[0]["sid"],
                                           "MessageStatus": "delivered",
                                           "AccountSid": ACCOUNT_SID})
    [bubble] = signed_in.get(f"/simulator/thread?number={NUMBER}").json["bubbles"]
    assert bubble["note"] == "later text (note): delivered"
