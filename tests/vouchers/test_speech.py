"""Reading a code out: letters spelled, digits grouped, pauses between, spoken slowly."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from brewline.vouchers.speech import code_parts, code_ssml, digit_groups, spoken_characters


def test_letters_and_digits_are_spelled_in_small_groups_with_pauses():
    assert code_parts("ABCD-1234") == [
        ("chars", "ABC"), ("break", "400ms"), ("chars", "D"), ("break", "800ms"),
        ("chars", "12"), ("break", "400ms"), ("chars", "34")]


def test_digits_come_in_threes_and_never_leave_one_alone():
    assert digit_groups("1234567") == ["123", "45", "67"]
    assert digit_groups("123456") == ["123", "456"]
    assert digit_groups("12") == ["12"]


def test_the_ssml_is_well_formed_and_slow():
    root = ET.fromstring(code_ssml("X9 & 7"))
    assert root.tag == "prosody" and root.get("rate") == "slow"
    assert [e.text for e in root.iter("say-as")] == ["X", "9", "7"]
    assert all(e.get("interpret-as") == "characters" for e in root.iter("say-as"))


@given(st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-", min_size=1, max_size=30))
def test_every_letter_and_digit_of_any_code_is_read_in_order(code):
    assert spoken_characters(code_parts(code)) == code.replace("-", "")
