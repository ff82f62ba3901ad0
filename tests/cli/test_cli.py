"""The brewline command: flows check, export, and chat through the real webhook."""
from __future__ import annotations

import csv
import io
import json

import pytest

from brewline.cli import build, chat
from tests.texts.test_sms_webhook import replies


@pytest.fixture
def cli_run(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(build(), list(args), catch_exceptions=False)


def test_flows_check_passes_the_shipped_flows(cli_run):
    result = cli_run("flows", "check")
    assert result.exit_code == 0, result.output
    assert "over-a-brew-2024-05 v1, 5 questions: ok" in result.output


def test_flows_check_fails_a_flow_with_curly_quotes_and_a_dangling_route(cli_run, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: bad\nversion: 1\ntexts: {question_prefix: '', help: h, paused: p, skipped: s,\n"
        "  no_match: n, after_end: a, welcome_back: w}\n"
        "steps:\n - {id: a, kind: open, text: \"It\u2019s you\", next: b}\n"
        " - {id: c, kind: end, text: bye}\n")
    result = cli_run("flows", "check", str(bad))
    assert result.exit_code == 1
    assert "step 'a' leads to 'b', which does not exist" in result.output
    good_quotes = tmp_path / "quotes.yaml"
    good_quotes.write_text(bad.read_text().replace("next: b", "next: c"))
    result = cli_run("flows", "check", str(good_quotes))
    assert result.exit_code == 1 and "curly quotes" in result.output


def test_flows_check_lists_each_texts_parts_per_language_and_every_missing_translation(
        cli_run, tmp_path, monkeypatch):
    monkeypatch.setenv("LANGUAGES", "en,pl,ar")
    shipped = cli_run("flows", "check")
    assert shipped.exit_code == 0
    assert "translations (en, pl, ar): none missing" in shipped.output
    assert "parts: welcome.text: en 2 (GSM-7), pl 3 (UCS-2), ar 3 (UCS-2)" in shipped.output
    assert "parts: welcome.voice: en heard, pl heard, ar heard" in shipped.output
    half = tmp_path / "half.yaml"
    half.write_text(
        "id: half\nversion: 1\ntexts: {question_prefix: 'Q{n}: ', help: Text SKIP.,\n"
        "  paused: Take your time., skipped: Skipped., no_match: Reply YES or NO.,\n"
        "  after_end: Thank you., welcome_back: Welcome back.}\n"
        "steps:\n - id: a\n   kind: open\n   number: 1\n"
        "   text: {en: 'What do you like?', pl: 'Co lubisz?'}\n   next: c\n"
        " - {id: c, kind: end, text: Thank you.}\n", encoding="utf-8")
    result = cli_run("flows", "check", str(half))
    assert result.exit_code == 0, result.output
    assert "missing: a.text [ar]" in result.output and "missing: a.text [pl]" not in result.output
    assert "missing: c.text [pl]" in result.output and "missing: c.text [ar]" in result.output
    assert "parts: a.text: en 1 (GSM-7), pl 1 (GSM-7)" in result.output


def test_flows_check_names_a_language_it_has_no_words_for_in_one_line(cli_run, monkeypatch):
    monkeypatch.setenv("LANGUAGES", "en,klingon")
    result = cli_run("flows", "check")
    assert result.exit_code == 2
    assert result.output.strip() == ("Error: LANGUAGES: there are no words for 'klingon'; we "
                                     "have en, ar, pl")


def answered_survey(twilio):
    for body in ["hi", "yes", "=HYPERLINK(\"http://evil\")", "Tea & cake"]:
        replies(twilio.text(body))


def test_export_answers_as_csv_is_pseudonymous_and_neutralises_formulas(cli_run, twilio):
    answered_survey(twilio)
    result = cli_run("export", "answers", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["question_id"] for r in rows] == ["welcome", "value", "promises"]
    assert rows[1]["answer"].startswith("'=HYPERLINK")
    assert rows[0]["participant"].startswith("p_") and "phone" not in rows[0]
    assert "+447700900123" not in result.output


def test_export_includes_phone_numbers_only_when_asked(cli_run, twilio):
    answered_survey(twilio)
    rows = json.loads(cli_run("export", "contacts", "--format", "json", "--include-phone").output)
    assert [r["phone"] for r in rows] == ["+447700900123"]
    messages = json.loads(cli_run("export", "messages", "--format", "json").output)
    assert {m["direction"] for m in messages} == {"in", "out"}
    assert all("phone" not in m for m in messages)


def test_export_of_an_unknown_table_is_refused_with_the_choices(app):
    result = app.test_cli_runner().invoke(build(), ["export", "secrets"])
    assert result.exit_code == 2 and "answers" in result.output


def test_chat_posts_signed_texts_and_prints_the_replies(served, settings, capsys):
    for body in ["hello", "yes"]:
        chat._send(served, settings, "+447700900555", body)
    out = capsys.readouterr().out
    assert "brewline> Hello, this is Over a Brew" in out
    assert "brewline> Question 1 of 5:" in out


def test_chat_says_how_to_start_brewline_when_it_is_not_running(settings, capsys):
    chat._send("http://127.0.0.1:9", settings, "+447700900555", "hello")
    assert "Is `make run` going?" in capsys.readouterr().err


def test_chat_signing_for_another_address_is_told_how_to_match_the_server(served, settings,
                                                                           capsys):
    elsewhere = settings.with_(public_base_url="http://127.0.0.1:5999")
    chat._send(served, elsewhere, "+447700900555", "hello")
    err = capsys.readouterr().err
    assert "answered 403" in err and "same PUBLIC_BASE_URL or PORT" in err
