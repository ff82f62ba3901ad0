"""The Vouchers page: load codes like `brewline vouchers load`, ledger, waiting list, low stock."""
from __future__ import annotations

from sqlalchemy import select

from brewline.organiser.models import AuditLog
from brewline.vouchers.models import VoucherCode
from tests.organiser.test_uploads import multipart

CODES = b"code,pin,expires\nTESCO-AAAA-1111,1234,2099-12-31\nTESCO-BBBB-2222,,\nTESCO-AAAA-1111,,\n,,\n"


def load(web, data: bytes = CODES, **fields):
    form = {"csrf_token": web.token, "pool": "tesco-10", "value": "£10 Tesco gift card",
            "flow": "over-a-brew-2024-05", "low_stock": "5"} | fields
    body, content_type = multipart(form, "codes.csv", data)
    return web.client.post("/vouchers/load", data=body, content_type=content_type)


def test_codes_load_like_the_command_and_duplicates_are_named_by_line(signed_in, runtime):
    response = load(signed_in)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "loaded 2 codes" in page and "line 4: refused a duplicate code" in page
    with runtime.store.transaction() as db:
        assert len(db.scalars(select(VoucherCode)).all()) == 2
        assert db.scalars(select(AuditLog.action)).all() == ["load voucher codes"]


def test_low_stock_is_warned_in_plain_words_and_on_the_overview(signed_in):
    load(signed_in)
    page = signed_in.get("/vouchers").get_data(as_text=True)
    assert "Running low" in page and "tesco-10: only 2 codes left" in page
    assert "running low" in signed_in.get("/").get_data(as_text=True)


def test_a_new_pool_without_a_value_is_refused_with_the_reason(signed_in, runtime):
    response = load(signed_in, value="")
    assert response.status_code == 400
    assert "say what it is worth" in response.get_data(as_text=True)
    with runtime.store.transaction() as db:
        assert db.scalars(select(VoucherCode)).all() == []


def test_codes_are_never_shown_whole_in_the_ledger(signed_in, twilio):
    load(signed_in)
    for body in ("hi", "yes", "a", "b", "c", "d", "e", "no", "VOUCHER"):
        twilio.text(body)
    page = signed_in.get("/vouchers").get_data(as_text=True)
    assert "issued" in page and "TESCO-AAAA-1111" not in page
