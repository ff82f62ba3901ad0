"""Forged, replayed and tampered webhooks: refused (403) or harmless, never stored, never a 500."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from brewline.delivery.models import Message
from brewline.people.models import Contact
from tests.conftest import ACCOUNT_SID, AUTH_TOKEN, PHONE, PUBLIC_URL

FORM = {"From": PHONE, "To": "+447700900000", "Body": "hello", "MessageSid": "SM" + "5" * 32,
        "AccountSid": ACCOUNT_SID, "NumMedia": "0"}
RIGHT = RequestValidator(AUTH_TOKEN)


def count(runtime, model) -> int:
    with runtime.store.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


def sign(url: str, form: dict, token: str = AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, form)


def post(client, form: dict, signature: str, path: str = "/twilio/sms", **headers):
    return client.post(path, data=urlencode(form), headers={
        "X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded",
        **headers})


FORGERIES = {
    "http instead of https": lambda: sign("http://brewline.example.org/twilio/sms", FORM),
    "another host": lambda: sign("https://evil.example.org/twilio/sms", FORM),
    "another port": lambda: sign("https://brewline.example.org:8443/twilio/sms", FORM),
    "another path": lambda: sign(PUBLIC_URL + "/twilio/voice", FORM),
    "a query added": lambda: sign(PUBLIC_URL + "/twilio/sms?x=1", FORM),
    "the wrong token": lambda: sign(PUBLIC_URL + "/twilio/sms", FORM, "not-the-token"),
    "the body changed after signing": lambda: sign(PUBLIC_URL + "/twilio/sms",
                                                   {**FORM, "Body": "something else"}),
    "a field added after signing": lambda: sign(PUBLIC_URL + "/twilio/sms",
                                                {k: v for k, v in FORM.items() if k != "To"}),
    "a field removed after signing": lambda: sign(PUBLIC_URL + "/twilio/sms",
                                                  {**FORM, "Extra": "1"}),
    "an empty signature": lambda: "",
    "garbage": lambda: "!!!not base64!!!" * 10,
}


@pytest.mark.parametrize("how", FORGERIES)
def test_a_forged_signature_is_refused_and_nothing_is_stored(client, runtime, how):
    response = post(client, FORM, FORGERIES[how]())
    assert response.status_code == 403
    assert count(runtime, Message) == 0 and count(runtime, Contact) == 0


def test_a_correct_signature_for_the_same_form_is_accepted(client, runtime):
    assert post(client, FORM, sign(PUBLIC_URL + "/twilio/sms", FORM)).status_code == 200
    assert count(runtime, Message) == 2  # the text and our reply


def test_json_instead_of_a_form_is_refused_without_a_500(client, runtime):
    response = client.post("/twilio/sms", json=FORM, headers={
        "X-Twilio-Signature": sign(PUBLIC_URL + "/twilio/sms", FORM)})
    assert response.status_code == 403
    signed_empty = sign(PUBLIC_URL + "/twilio/sms", {})
    response = client.post("/twilio/sms", json=FORM, headers={"X-Twilio-Signature": signed_empty})
    assert response.status_code == 400
    assert count(runtime, Message) == 0


def test_a_replayed_request_changes_nothing_and_gets_the_same_reply(client, runtime):
    signature = sign(PUBLIC_URL + "/twilio/sms", FORM)
    first = post(client, FORM, signature)
    for _ in range(5):
        assert post(client, FORM, signature).data == first.data
    assert count(runtime, Message) == 2


def test_a_message_id_reused_by_another_number_never_gets_the_first_persons_reply(client, runtime):
    post(client, FORM, sign(PUBLIC_URL + "/twilio/sms", FORM))
    other = {**FORM, "From": "+447700900999", "Body": "what did they say?"}
    response = post(client, other, sign(PUBLIC_URL + "/twilio/sms", other))
    assert response.status_code == 200
    assert b"<Message>" not in response.data
    with runtime.store.transaction() as session:
        assert session.scalars(select(Message.body).where(Message.direction == "in")).all() == ["hello"]


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(sorted(FORM)), value=st.text(max_size=30))
def test_any_change_to_any_field_after_signing_is_refused(client, runtime, field, value):
    signature = sign(PUBLIC_URL + "/twilio/sms", FORM)
    tampered = {**FORM, field: value}
    response = post(client, tampered, signature)
    assert response.status_code == (200 if tampered == FORM else 403)
