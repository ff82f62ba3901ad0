"""POST /twilio/message-status: delivery reports, signed, in any order, any number of times."""
from __future__ import annotations

import pytest

from brewline.delivery.models import Outbox
from brewline.people.models import Contact
from tests.conftest import ACCOUNT_SID


@pytest.fixture
def sent_row(runtime) -> int:
    with runtime.store.transaction() as session:
        contact = Contact(phone="+447700900555")
        session.add(contact)
        session.flush()
        row = Outbox(contact_id=contact.id, body="Hello", purpose="test", status="sent",
                     sid="SM" + "1" * 32)
        session.add(row)
        session.flush()
        return row.id


def report(twilio, status: str | None, sid: str = "SM" + "1" * 32, query: str = "", **extra):
    form = {"MessageSid": sid, "AccountSid": ACCOUNT_SID, "To": "+447700900555", **extra}
    if status is not None:
        form["MessageStatus"] = status
    return twilio.post("/twilio/message-status" + query, form)


def stored(runtime, row_id: int) -> Outbox:
    with runtime.store.transaction() as session:
        return session.get(Outbox, row_id)


def test_a_delivery_report_is_kept_on_the_row(twilio, runtime, sent_row):
    assert report(twilio, "delivered").status_code == 200

    assert stored(runtime, sent_row).delivery == "delivered"


def test_a_late_sent_never_downgrades_delivered(twilio, runtime, sent_row):
    for status in ("delivered", "sent", "queued", "delivered"):
        assert report(twilio, status).status_code == 200

    assert stored(runtime, sent_row).delivery == "delivered"


def test_statuses_arriving_in_order_move_forward(twilio, runtime, sent_row):
    report(twilio, "queued")
    report(twilio, "sent")

    assert stored(runtime, sent_row).delivery == "sent"


def test_an_unknown_sid_is_acknowledged_and_nothing_is_stored(twilio, runtime, sent_row):
    response = report(twilio, "delivered", sid="SM" + "9" * 32)

    assert response.status_code == 200 and b"unknown" in response.data
    assert stored(runtime, sent_row).delivery is None


def test_a_missing_status_is_refused_with_the_reason(twilio, sent_row):
    response = report(twilio, None)

    assert response.status_code == 400 and b"MessageStatus" in response.data


def test_a_made_up_status_is_refused_with_the_reason(twilio, sent_row):
    response = report(twilio, "teleported")

    assert response.status_code == 400 and b"teleported" in response.data


def test_an_unsigned_report_is_refused(twilio, runtime, sent_row):
    response = twilio.post("/twilio/message-status",
                           {"MessageSid": "SM" + "1" * 32, "MessageStatus": "delivered"},
                           signature="forged")

    assert response.status_code == 403
    assert stored(runtime, sent_row).delivery is None


def test_an_undeliverable_number_is_marked_so_it_is_not_texted_again(twilio, runtime, sent_row):
    report(twilio, "undelivered", ErrorCode="30006")

    row = stored(runtime, sent_row)
    assert row.delivery == "undelivered" and "30006" in row.error
    with runtime.store.transaction() as session:
        assert session.get(Contact, row.contact_id).cannot_text is True


def test_a_report_for_a_send_whose_reply_was_lost_settles_the_row(twilio, runtime, sent_row):
    with runtime.store.transaction() as session:
        row = session.get(Outbox, sent_row)
        row.status, row.sid = "sending", None

    report(twilio, "sent", sid="SM" + "2" * 32, query=f"?outbox={sent_row}")

    row = stored(runtime, sent_row)
    assert (row.status, row.sid, row.delivery) == ("sent", "SM" + "2" * 32, "sent")
