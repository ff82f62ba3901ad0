"""The edges of the text webhook: local signing, failures inside, logs, health."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from brewline.delivery.models import Message
from brewline.people.models import Consent
from brewline.platform.runtime import Runtime
from brewline.texts import inbound
from brewline.web.app import create_app
from tests.conftest import PHONE, Twilio
from tests.texts.test_sms_webhook import replies


def test_without_twilio_credentials_a_local_token_is_made_and_still_required(settings, runtime):
    local = settings.with_(twilio_account_sid=None, twilio_auth_token=None)
    local_runtime = Runtime(local)
    app = create_app(runtime=local_runtime)
    token = local.webhook_token  # what `brewline chat` signs with
    assert (settings.instance_dir / "local_auth_token").read_text().strip() == token
    assert len(token) == 32
    signed = Twilio(app.test_client(), token=token).text("hi").status_code
    guessed = Twilio(app.test_client(), token="guessed").text("hi").status_code
    local_runtime.close()  # else PostgreSQL's connection is left open for the garbage collector
    assert (signed, guessed) == (200, 403)


def test_a_failure_inside_keeps_the_message_and_says_sorry(twilio, runtime, monkeypatch):
    def broken(ctx):
        raise RuntimeError("boom")

    monkeypatch.setitem(inbound.INTENTS, "voucher", broken)
    [sorry] = replies(twilio.text("VOUCHER"))
    assert "kept your message" in sorry
    with runtime.store.transaction() as session:
        kept = session.scalars(select(Message).where(Message.direction == "in")).one()
    assert (kept.body, kept.status) == ("VOUCHER", "error")


def test_what_a_failed_handler_wrote_is_undone_but_the_words_are_kept(twilio, runtime,
                                                                      monkeypatch):
    def half_done(ctx):
        ctx.session.add(Consent(contact_id=ctx.contact.id, topic="invites", granted=True,
                                channel="sms"))
        ctx.session.flush()
        raise RuntimeError("boom after a write")

    monkeypatch.setitem(inbound.INTENTS, "voucher", half_done)
    replies(twilio.text("VOUCHER"))
    with runtime.store.transaction() as session:
        assert session.scalars(select(Consent)).all() == []
        kept = session.scalars(select(Message).order_by(Message.id)).all()
        statuses = [(m.direction, m.status) for m in kept]
    assert statuses == [("in", "error"), ("out", "replied")]


def test_a_redelivered_text_that_failed_gets_the_same_sorry_and_is_kept_once(twilio, runtime,
                                                                             monkeypatch):
    monkeypatch.setitem(inbound.INTENTS, "voucher", lambda ctx: 1 / 0)
    first = replies(twilio.text("VOUCHER", sid="SM" + "e" * 32))
    again = replies(twilio.text("VOUCHER", sid="SM" + "e" * 32))
    with runtime.store.transaction() as session:
        kept = session.scalars(select(Message).where(Message.direction == "in")).all()
    assert again == first and len(kept) == 1


def test_phone_numbers_never_appear_in_the_logs(twilio, caplog):
    caplog.set_level(logging.DEBUG)
    replies(twilio.text("hi"))
    replies(twilio.text("stop texting me"))
    assert caplog.records, "expected the opt-out to be logged"
    assert PHONE not in caplog.text and "900123" not in caplog.text.replace("*******123", "")


def test_healthz_says_which_part_is_unreachable(settings):
    broken = Runtime(settings.with_(redis_url="redis://127.0.0.1:1/0"))
    response = create_app(runtime=broken).test_client().get("/healthz")
    broken.close()  # else PostgreSQL's connection is left open for the garbage collector
    assert response.status_code == 503
    assert response.json == {"database": "ok", "redis": "unreachable", "status": "degraded"}


@pytest.mark.parametrize("method", ["get", "put"])
def test_the_webhook_only_takes_posts(client, method):
    assert getattr(client, method)("/twilio/sms").status_code == 405
