"""`brewline export`: a header even when there is nothing to export, and how each text got on."""
from __future__ import annotations

import csv
import io
import json

import pytest

from brewline import exports
from brewline.cli import build
from brewline.delivery.sending import deliver
from brewline.events.models import Event, Rsvp
from brewline.platform.database import utcnow
from brewline.vouchers.models import VoucherClaim, VoucherPool
from tests.conftest import ACCOUNT_SID
from tests.delivery.outbox_rows import a_contact, a_text


@pytest.fixture
def export(app):
    runner = app.test_cli_runner()

    def run(*args: str) -> str:
        result = runner.invoke(build(), ["export", *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output
    return run


@pytest.mark.parametrize("table", sorted(exports.TABLES))
def test_an_empty_table_still_exports_its_csv_header(export, table):
    assert export(table, "--format", "csv").splitlines() == [",".join(exports.columns(table))]
    assert json.loads(export(table, "--format", "json")) == []


def test_the_header_names_phone_and_codes_only_when_asked(export):
    assert export("vouchers", "--include-phone", "--include-codes").splitlines()[0] == (
        "participant,phone,pool,value,earned_by,status,channel,requested,issued,declined,code,pin")


def one_of_everything(runtime, twilio) -> None:
    for body in ("hi", "yes", "tea"):
        twilio.text(body)
    person = a_contact(runtime)
    with runtime.store.transaction() as session:
        event = Event(title="T", starts_at=utcnow(), where="W")
        pool = VoucherPool(name="p", value="£5")
        session.add_all([event, pool])
        session.flush()
        session.add_all([Rsvp(event_id=event.id, contact_id=person, answer="yes"),
                         VoucherClaim(pool_id=pool.id, contact_id=person, earned_by="flow:x",
                                      status="waiting")])


@pytest.mark.parametrize("table", sorted(exports.TABLES))
def test_the_declared_header_is_what_every_row_carries(export, runtime, twilio, table):
    one_of_everything(runtime, twilio)
    rows = json.loads(export(table, "--format", "json", "--include-phone"))
    assert rows and all(list(row) == exports.columns(table, include_phone=True) for row in rows)


def status_report(twilio, sid: str, status: str, code: str | None = None):
    form = {"MessageSid": sid, "MessageStatus": status, "AccountSid": ACCOUNT_SID}
    response = twilio.post("/twilio/message-status", form | ({"ErrorCode": code} if code else {}))
    assert response.status_code == 200


def exported_out(export) -> list[dict]:
    rows = csv.DictReader(io.StringIO(export("messages", "--format", "csv")))
    return [row for row in rows if row["direction"] == "out"]


def test_a_delivered_text_exports_as_delivered_even_after_a_late_sent(export, sender, fake,
                                                                     twilio):
    deliver(sender, a_text(sender, a_contact(sender), "You are invited"))
    sid = fake.messages[0]["sid"]
    assert [row["delivery"] for row in exported_out(export)] == [
        "sent, not yet confirmed as delivered"]

    status_report(twilio, sid, "delivered")
    status_report(twilio, sid, "sent")

    [row] = exported_out(export)
    assert (row["status"], row["delivery"], row["delivery_problem"]) == ("sent", "delivered", "")
    assert row["delivery_reported"].startswith(str(utcnow().year))


def test_a_text_that_never_arrived_exports_why_in_plain_words(export, sender, fake, twilio):
    deliver(sender, a_text(sender, a_contact(sender), "You are invited"))

    status_report(twilio, fake.messages[0]["sid"], "undelivered", code="30006")

    [row] = exported_out(export)
    assert row["delivery"] == "not delivered"
    assert row["delivery_problem"].startswith("This number cannot receive texts.")
    assert "30006" not in row["delivery_problem"]
