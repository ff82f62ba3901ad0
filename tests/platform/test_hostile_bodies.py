"""Broken and hostile bodies on every webhook: a clear 4xx or a kind reply, never a 500."""
from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote_from_bytes, urlencode

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from brewline.delivery.models import Message
from tests.conftest import ACCOUNT_SID, AUTH_TOKEN, PHONE, PUBLIC_URL

SIGNER = RequestValidator(AUTH_TOKEN)
# Everything any Twilio webhook sends us, so each route can be posted with each one missing.
TWILIO_FIELDS = {
    "AccountSid": ACCOUNT_SID, "From": PHONE, "To": "+447700900000", "Body": "hello",
    "MessageSid": "SM" + "6" * 32, "NumMedia": "0", "SmsStatus": "received",
    "CallSid": "CA" + "6" * 32, "CallStatus": "in-progress", "Direction": "inbound",
    "Digits": "1", "SpeechResult": "yes", "MessageStatus": "delivered", "ErrorCode": "",
    "RecordingSid": "RE" + "6" * 32, "RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/"
    + ACCOUNT_SID + "/Recordings/RE" + "6" * 32, "RecordingStatus": "completed",
    "RecordingDuration": "7", "TranscriptionText": "yes", "TranscriptionStatus": "completed",
    "AnsweredBy": "human", "CallDuration": "30",
}


def signed_post(client, path: str, form: dict):
    return client.post(path, data=urlencode(form), headers={
        "X-Twilio-Signature": SIGNER.compute_signature(PUBLIC_URL + path, form),
        "Content-Type": "application/x-www-form-urlencoded"})


def twilio_routes(app) -> list[str]:
    return sorted({r.rule for r in app.url_map.iter_rules()
                   if r.rule.startswith("/twilio/") and "POST" in r.methods and "<" not in r.rule})


def stored_bodies(runtime) -> list[str]:
    with runtime.store.transaction() as session:
        return list(session.scalars(select(Message.body).where(Message.direction == "in")
                                    .order_by(Message.id)))


def test_every_twilio_webhook_with_each_field_missing_answers_without_a_500(app, client):
    routes = twilio_routes(app)
    assert "/twilio/sms" in routes
    for path in routes:
        for missing in TWILIO_FIELDS:
            form = {k: v for k, v in TWILIO_FIELDS.items() if k != missing}
            response = signed_post(client, path, form)
            assert response.status_code < 500, (path, missing, response.data)


def test_every_twilio_webhook_with_an_empty_form_gets_a_4xx_or_a_reply(app, client):
    for path in twilio_routes(app):
        assert signed_post(client, path, {}).status_code < 500, path


STRANGE = {
    "NUL": "before\x00after",
    "CR/LF": "line one\r\nline two\rthree\n",
    "right-to-left override": "\u202eSTOP\u202c please not",
    "zero-width characters": "te\u200ba\u200d and \ufeffchat",
    "emoji and combining marks": "tea 🫖👍🏽 e\u0301",
    "lone surrogate-ish replacement": "\ufffd\ufffd",
    "1600 characters": "x" * 1600,
    "only spaces": "   ",
}


@pytest.mark.parametrize("kind", STRANGE)
def test_strange_characters_are_kept_and_answered(twilio, runtime, kind):
    response = twilio.text(STRANGE[kind])
    assert response.status_code == 200
    ET.fromstring(response.data)  # the reply is well-formed XML
    [kept] = stored_bodies(runtime)
    assert kept == STRANGE[kind].replace("\x00", "\ufffd")


def test_bytes_that_are_not_utf8_are_refused_or_kept_but_never_a_500(client, runtime):
    raw = b"From=" + quote_from_bytes(PHONE.encode()).encode() + b"&Body=%FF%FE%C0%AF&MessageSid=SM" + b"7" * 32
    form = {"From": PHONE, "Body": "\ufffd\ufffd\ufffd\ufffd", "MessageSid": "SM" + "7" * 32}
    response = client.post("/twilio/sms", data=raw, headers={
        "X-Twilio-Signature": SIGNER.compute_signature(PUBLIC_URL + "/twilio/sms", form),
        "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code in (200, 400, 403)


def test_a_body_over_64_kilobytes_is_refused_with_413(twilio, runtime):
    assert twilio.text("x" * (64 * 1024 + 1)).status_code == 413
    assert stored_bodies(runtime) == []


def test_a_thousand_form_fields_are_refused_or_handled_without_a_500(twilio):
    extra = {f"Field{n}": "x" for n in range(1000)}
    assert twilio.text("hello", **extra).status_code in (200, 413)


class Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_media_url_pointing_at_a_private_address_is_never_fetched(twilio, runtime):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/secret.jpg"
        response = twilio.text("", NumMedia="1", MediaUrl0=url, MediaContentType0="image/jpeg")
        assert response.status_code == 200
    finally:
        server.shutdown()
        server.server_close()
    assert Recorder.hits == []
    assert stored_bodies(runtime) == [""]


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(max_size=300), sender=st.one_of(st.text(max_size=20), st.just(PHONE)))
def test_any_text_from_anyone_is_kept_exactly_or_refused_clearly(twilio, runtime, body, sender):
    response = twilio.text(body, sender=sender)
    assert response.status_code in (200, 400), response.data
    if response.status_code == 200:
        ET.fromstring(response.data)
        assert stored_bodies(runtime)[-1] == body.replace("\x00", "\ufffd")
