"""Texts people receive are checked for encoding, length, jargon and sentence length."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from flows.loader import DATA_DIR, Registry
from flows.readability import (
    GSM7_BASIC,
    check_flow,
    check_text,
    encoding,
    errors_in,
    finding_lines,
    text_lines,
)


def test_plain_text_is_gsm7_and_one_segment_up_to_160_characters():
    assert encoding("a" * 160) == encoding("a" * 160)
    assert (encoding("a" * 160).name, encoding("a" * 160).segments) == ("GSM-7", 1)
    assert encoding("a" * 161).segments == 2
    assert encoding("a" * 306).segments == 2 and encoding("a" * 307).segments == 3


def test_extended_characters_count_twice():
    assert encoding("€" * 80).units == 160 and encoding("€" * 81).segments == 2


def test_one_emoji_turns_the_whole_text_into_ucs2():
    text = "Thanks 👍"
    assert encoding(text).name == "UCS-2"
    assert encoding("a" * 70).segments == 1 and encoding("👍" + "a" * 69).segments == 2


def levels(text: str) -> dict[str, str]:
    return {f.message.split(":")[0]: f.level for f in check_text(text, "x")}


def test_curly_quotes_and_emoji_are_errors_with_the_fix_named():
    findings = check_text("It\u2019s lovely \U0001F375", "x")
    assert [f.level for f in findings] == ["error", "error"]
    assert "\"'\" for '\u2019'" in findings[0].message
    assert "emoji" in findings[1].message


def test_jargon_and_long_sentences_are_warnings():
    found = levels("Co-production and stakeholder engagement matter. " + "word " * 25 + ".")
    assert found["jargon"] == "warning" and found["long sentence (26 words)"] == "warning"


def test_more_than_two_segments_is_an_error():
    assert levels("a" * 400)["3 SMS parts"] == "error"
    assert check_text("a" * 400, "x")[0].message == (
        "3 SMS parts: make it shorter, to 2 parts at most")


def test_a_dry_run_shows_how_a_text_travels_then_its_findings_or_that_it_reads_well():
    findings = check_text("Thanks \u201cyou\u201d, the stakeholders", "x")
    assert text_lines("Hello") == [
        "Text (GSM-7, 1 SMS segment(s), 5 characters):", "", "Hello", ""]
    assert finding_lines([]) == ["readability: ok"]
    assert finding_lines(findings) == [f"{f.level}: {f.message}" for f in findings]
    assert [f.message[:11] for f in errors_in(findings)] == ["curly quote"]


def test_every_shipped_flow_passes_with_no_errors():
    for flow in Registry.from_dir(DATA_DIR):
        errors = [f for f in check_flow(flow) if f.level == "error"]
        assert errors == [], flow.id


@given(st.text(alphabet=sorted(GSM7_BASIC), max_size=500))
def test_gsm7_segment_counts_follow_the_153_character_rule(text):
    enc = encoding(text)
    assert enc.name == "GSM-7"
    assert enc.segments == (1 if len(text) <= 160 else -(-len(text) // 153))
