"""`brewline export messages`: voucher codes and PINs in stored texts are masked unless asked."""
from __future__ import annotations

import csv
import io

from brewline.cli.export import export
from brewline.vouchers.rules import mask_code
from tests.texts.test_sms_webhook import replies
from tests.vouchers.test_by_text import finish_survey, load_pool
from tests.vouchers.test_commands import run  # noqa: F401 (fixture)


def claimed_by_text(twilio, pools) -> None:
    load_pool(pools, count=1)
    finish_survey(twilio)
    twilio.text("My old code ABC is T000000, thanks")
    assert "Code: T000000" in replies(twilio.text("voucher"))[0]


def bodies(output: str) -> list[str]:
    return [row["body"] for row in csv.DictReader(io.StringIO(output))]


def test_exported_messages_hide_voucher_codes_and_pins(run, twilio, pools):
    claimed_by_text(twilio, pools)
    output = run("messages", command=export).output
    assert "T000000" not in output and "4321" not in output
    code, pin = mask_code("T000000"), mask_code("4321")
    assert code == "*****00"
    assert any(f"Code: {code}" in body and f"PIN: {pin}" in body for body in bodies(output))
    assert f"My old code ABC is {code}, thanks" in bodies(output)


def test_include_codes_shows_them_in_messages(run, twilio, pools):
    claimed_by_text(twilio, pools)
    output = run("messages", "--include-codes", command=export).output
    assert any("Code: T000000" in body and "PIN: 4321" in body for body in bodies(output))


def test_messages_of_people_without_a_voucher_are_exported_as_they_were(run, twilio, pools):
    load_pool(pools, count=1)
    twilio.text("T000000 is a funny word")
    assert "T000000 is a funny word" in bodies(run("messages", command=export).output)
