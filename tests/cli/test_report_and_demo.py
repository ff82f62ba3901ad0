"""`brewline demo` fills a local install with a made-up year; `brewline report` tells it."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from brewline.cli import build
from brewline.people.models import Contact
from brewline.platform.runtime import Runtime
from brewline.web.app import create_app


@pytest.fixture
def local_cli(runtime, settings):
    """The CLI of a local install (no Twilio credentials) on the test's clean database."""
    local = Runtime(settings.with_(twilio_account_sid=None, twilio_auth_token=None))
    runner = create_app(runtime=local).test_cli_runner()
    yield lambda *args: runner.invoke(build(), list(args), catch_exceptions=False)
    local.close()


def test_demo_fills_a_local_install_with_drama_numbers_only_once(local_cli, runtime):
    first = local_cli("demo", "--year", "2025")
    assert first.exit_code == 0, first.output
    assert first.output.strip() == ("Demo data for 2025: 120 people, 112 answers, 12 sessions, "
                                    "40 vouchers.")
    with runtime.store.transaction() as db:
        phones = db.scalars(select(Contact.phone)).all()
    assert len(phones) == 120 and all(p.startswith("+447700900") for p in phones)
    again = local_cli("demo", "--year", "2025")
    assert again.exit_code == 2 and "add --force" in again.output
    assert local_cli("demo", "--year", "2025", "--force").exit_code == 0
    with runtime.store.transaction() as db:
        assert db.scalar(select(func.count(Contact.id))) == 240


def test_demo_refuses_an_install_with_twilio_credentials(app, runtime):
    runner = app.test_cli_runner()
    result = runner.invoke(build(), ["demo"], catch_exceptions=False)
    assert result.exit_code == 2 and "only into a local install" in result.output
    with runtime.store.transaction() as db:
        assert db.scalar(select(func.count(Contact.id))) == 0


def test_report_tells_the_demo_year_as_text_web_page_and_pdf(local_cli, tmp_path):
    local_cli("demo", "--year", "2025")
    text = local_cli("report", "--year", "2025", "--format", "txt").output
    assert text.startswith("Over a Brew: our year 2025. ")
    assert "We held 12 sessions. We gave 40 vouchers, worth £400 in all." in text
    page = local_cli("report", "--year", "2025", "--format", "html").output
    assert page.startswith("<!doctype html>") and "+447700900" not in page and "DEMO-" not in page
    out = tmp_path / "report.pdf"
    assert local_cli("report", "--year", "2025", "--format", "pdf", "-o", str(out)).exit_code == 0
    pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "We held 12 sessions." in pdf and "Buses" in pdf


def test_report_refuses_a_year_that_is_not_one_in_one_line(local_cli):
    result = local_cli("report", "--year", "20256")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "--year" in result.output


def test_broadcast_can_send_the_text_made_from_what_was_done(local_cli):
    assert "nothing is written down" in local_cli(
        "broadcast", "--flow", "over-a-brew-2024-05", "--we-did").output
    local_cli("demo", "--year", "2025")
    shown = local_cli("broadcast", "--flow", "over-a-brew-2024-05", "--we-did", "--dry-run")
    assert shown.exit_code == 0, shown.output
    assert "who answered over-a-brew-2024-05 and agreed to hear more" in shown.output
    assert "You told us about buses. We did this: asked the bus company" in shown.output
    both = local_cli("broadcast", "--flow", "over-a-brew-2024-05", "--we-did", "--text", "Hi")
    assert both.exit_code == 2 and "either --text or --we-did" in both.output
