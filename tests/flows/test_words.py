"""The catalogues of participant words: one lookup for every channel, English as the
fallback line by line, the organisation's name from settings."""
from __future__ import annotations

from pathlib import Path

import pytest

from brewline.platform.runtime import Runtime
from flows import words
from flows.words import catalogues, language_of, placeholders, template


@pytest.fixture(autouse=True)
def org_restored():
    before = words.org()
    yield
    words.use_org(before["org_name"], before["org_description"], before["org_phone"])


def test_a_line_is_found_by_section_and_key_with_its_values_filled_in():
    said = words.words("voucher_call.offer", "en", value="£10 Tesco gift card")
    assert said == "As a thank-you for your time, we have a £10 Tesco gift card for you."


def test_a_language_without_the_line_falls_back_to_english_for_that_line_only(tmp_path: Path):
    (tmp_path / "en.yaml").write_text(
        "language: en\nname: English\nenglish_name: English\nchecked_by_fluent_speaker: yes\n"
        "lines:\n  a:\n    one: One.\n    two: Two.\n")
    (tmp_path / "pl.yaml").write_text(
        "language: pl\nname: Polski\nenglish_name: Polish\nchecked_by_fluent_speaker: no\n"
        "lines:\n  a:\n    one: Jeden.\n")
    found = catalogues(tmp_path)
    assert found["pl"].lines == {"a.one": "Jeden."}
    assert [found["pl"].checked, found["en"].checked] == [False, True]
    assert list(found) == ["en", "pl"]


def test_an_unknown_language_is_spoken_to_in_english():
    assert template("replies.holding", "xx") == template("replies.holding", "en")
    assert [language_of(code) for code in ("EN", "en-GB", None, "", "klingon")] == ["en"] * 5


def test_an_unknown_key_is_a_loud_mistake_not_a_silent_blank():
    with pytest.raises(KeyError):
        words.words("replies.no_such_line")


def test_the_organisation_named_in_settings_is_who_every_line_speaks_for(settings):
    Runtime(settings.with_(org_name="Tyneside Tea Talks", org_description="chats over tea"))
    assert words.words("replies.opted_in").startswith("Welcome back to Tyneside Tea Talks.")
    assert "Tyneside Tea Talks, chats over tea." in words.words(
        "invites.invite", "en", title="Buses", when="Friday", where="the library", details="")


def test_no_line_spells_out_the_organisations_name_instead_of_using_the_setting():
    for language, catalogue in catalogues().items():
        assert [k for k, t in catalogue.lines.items() if "Over a Brew" in t] == [], language


def test_every_english_line_names_only_values_the_code_knows():
    known = {"answered", "code", "day", "details", "key", "keyword", "left", "listed", "n",
             "options", "org_description", "org_name", "org_phone", "other", "pin", "place",
             "relative", "title", "total", "value", "when", "where", "words",
             # the "you said, we did" text and the yearly report (brewline/themes/)
             "people", "sessions", "theme", "themes", "vouchers", "ways", "what", "year"}
    used = set().union(*(placeholders(t) for t in catalogues()["en"].lines.values()))
    assert used <= known and "org_name" in used
