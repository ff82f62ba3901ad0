"""Spoken texts are checked for plain words, but not for SMS length (they are never texted)."""
from flows.readability import check_text

LONG = "Please speak your answer after the tone. " * 12


def test_a_long_spoken_text_is_not_held_to_the_sms_segment_limit():
    assert [f for f in check_text(LONG, "welcome.voice", spoken=True) if f.level == "error"] == []


def test_the_same_text_sent_as_an_sms_is_an_error():
    errors = [f for f in check_text(LONG, "welcome.text") if f.level == "error"]
    assert errors and "SMS parts" in errors[0].message


def test_jargon_in_a_spoken_text_is_still_flagged():
    findings = check_text("Thank you for your engagement.", "x.voice", spoken=True)
    assert any("jargon" in f.message for f in findings)
