"""The web process killed mid-burst, and the database unreachable while texts arrive."""
from __future__ import annotations

import http.client
import threading
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from brewline.delivery.models import Message
from brewline.texts.wording import own_reply
from tests.conftest import AUTH_TOKEN, PUBLIC_URL
from tests.fault.conftest import free_port, wait_until

pytestmark = pytest.mark.fault
SIGNER = RequestValidator(AUTH_TOKEN)


def post_text(port: int, sender: str, body: str, sid: str) -> tuple[int, bytes]:
    form = {"From": sender, "To": "+447700900000", "Body": body, "MessageSid": sid, "NumMedia": "0"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request("POST", "/twilio/sms", urlencode(form), {
            "X-Twilio-Signature": SIGNER.compute_signature(PUBLIC_URL + "/twilio/sms", form),
            "Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def listening(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status in (200, 503)
    except OSError:
        return False
    finally:
        connection.close()


def stored_sids(runtime) -> set[str]:
    with runtime.store.transaction() as session:
        return set(session.scalars(select(Message.sid).where(Message.direction == "in")))


def test_every_text_that_got_a_2xx_is_in_the_database_after_the_web_process_is_killed(
        runtime, processes):
    port = free_port()
    web = processes.web(port)
    wait_until(lambda: listening(port), 20, "gunicorn listening")
    answered, lock = [], threading.Lock()

    def burst(client: int) -> None:
        for n in range(200):
            sid = f"SM{client:02d}{n:030d}"
            try:
                status, _ = post_text(port, f"+4477009{client:02d}{n:03d}", "hello there", sid)
            except (OSError, http.client.HTTPException):
                return  # the server died under us
            if 200 <= status < 300:
                with lock:
                    answered.append(sid)

    threads = [threading.Thread(target=burst, args=(c,)) for c in range(8)]
    for thread in threads:
        thread.start()
    wait_until(lambda: len(answered) >= 40, 30, "the burst getting going", step=0.05)
    processes.kill(web)
    for thread in threads:
        thread.join(timeout=30)
    assert len(answered) >= 40
    assert set(answered) <= stored_sids(runtime)


def twiml_texts(body: bytes) -> list[str]:
    return [m.text for m in ET.fromstring(body).findall("Message")]


def test_texts_while_the_database_is_unreachable_get_a_holding_reply_and_are_handled_in_order(
        runtime, processes, database_proxy, fake_twilio):
    proxy, proxied_url = database_proxy
    port = free_port()
    processes.web(port, DATABASE_URL=proxied_url)
    processes.worker(DATABASE_URL=proxied_url)
    wait_until(lambda: listening(port), 20, "gunicorn listening")
    phone = "+447700900321"
    status, body = post_text(port, phone, "hi", "SM" + "1" * 32)
    assert status == 200 and twiml_texts(body)[0].startswith("Hello, this is Over a Brew")
    proxy.cut()
    for n, words in enumerate(["yes", "Tea, chat and being heard", "More buses"], start=2):
        status, body = post_text(port, phone, words, "SM" + str(n) * 32)
        assert (status, twiml_texts(body)) == (200, [own_reply("holding")])
    proxy.start()
    wait_until(lambda: len(fake_twilio.messages) >= 3, 40, "the held replies being sent")
    with runtime.store.transaction() as session:
        bodies = list(session.scalars(select(Message.body).where(Message.direction == "in")
                                      .order_by(Message.id)))
    assert bodies == ["hi", "yes", "Tea, chat and being heard", "More buses"]
    sent = [m["Body"] for m in fake_twilio.messages]
    assert sent[0].startswith("Question 1 of 5") and sent[2].startswith("Question 3 of 5")
