"""The issue's walk-through in a real browser: with the demo data, an organiser accepts two
suggested themes, links an action, previews the year's report and downloads its PDF, whose
text has the counts and quotes only from people who said yes."""
from __future__ import annotations

import io
import random
import re
from datetime import datetime, timezone
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from brewline.cli import demo
from brewline.people import audience
from brewline.surveys.models import Answer
from brewline.themes import report, report_html
from brewline.themes.models import AnswerTag
from tests.browser.conftest import no_serious_axe_violations, sign_in

YEAR = 2025  # a year already over on any day the test runs, so every count is settled


def accept_first_group(page, name: str) -> None:
    card = page.locator("section.card").first
    card.get_by_label("Theme name").fill(name)
    card.get_by_role("button", name="Accept as a theme").click()
    expect(page.get_by_role("status").first).to_contain_text("Theme accepted")


def said_no_to_quotes(live) -> list[str]:
    """Answers (of 4 words or more) from people whose last word on quotes was no."""
    consent = audience.latest_consent("quotes")
    with live.runtime.store.transaction() as db:
        return [t for t in db.scalars(
            select(Answer.text).join(consent, consent.c.contact_id == Answer.contact_id)
            .where(consent.c.granted.is_(False), Answer.text.is_not(None))) if len(t.split()) > 3]


def test_an_organiser_accepts_two_themes_links_an_action_and_downloads_the_report(
        page, live, organiser):
    with live.runtime.store.transaction() as db:
        demo.fill(db, live.runtime.flows, YEAR, random.Random(YEAR))
    sign_in(page)
    page.get_by_role("link", name="Answers", exact=True).click()
    page.get_by_role("link", name="Suggested themes").click()
    page.get_by_role("button", name="Suggest themes").click()
    expect(page.locator("section.card").first).to_be_visible()
    no_serious_axe_violations(page)
    accept_first_group(page, "First theme")
    accept_first_group(page, "Second theme")

    page.get_by_role("link", name="We did").click()
    page.get_by_label("Theme", exact=True).select_option("first theme")
    page.get_by_label("What was done", exact=True).fill("Met the council about it")
    page.get_by_label("When").fill(f"{YEAR}-09-01")
    page.get_by_label("Who did it").fill("The community team")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Saved what was done about first theme")
    no_serious_axe_violations(page)

    page.get_by_role("link", name="Yearly report").click()
    page.get_by_label("Year", exact=True).fill(str(YEAR))
    page.get_by_role("button", name="Show").click()
    preview = page.get_by_label("Preview of the report")
    expect(preview).to_contain_text("Met the council about it")
    no_serious_axe_violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download the {YEAR} report as a PDF").click()
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    with live.runtime.store.transaction() as db:
        made = report.build(db, "Over a Brew", YEAR, datetime(YEAR + 1, 1, 2, tzinfo=timezone.utc))
        accepted = set(db.scalars(select(AnswerTag.theme)))
    assert {"first theme", "second theme"} <= accepted
    assert f"{made.people} people took part in {YEAR}." in text and "We held 12 sessions." in text
    assert f"We gave {made.vouchers} vouchers" in text
    for theme in made.themes:
        assert f"{theme.answers} answers from {theme.people} people." in text
    assert "Met the council about it" in text
    quoted = re.findall(r'"([^"]+)"', text)
    assert quoted and not any(q in said_no_to_quotes(live) for q in quoted)
    assert not any(t in text for t in said_no_to_quotes(live))
    assert "+447700900" not in text and "DEMO-" not in text


def test_the_report_as_a_web_page_of_its_own_passes_axe(page, live):
    with live.runtime.store.transaction() as db:
        demo.fill(db, live.runtime.flows, YEAR, random.Random(YEAR))
        made = report.build(db, "Over a Brew", YEAR, datetime(YEAR + 1, 1, 2, tzinfo=timezone.utc))
    page.set_content(report_html.document(made))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"what we did in {YEAR}")
    no_serious_axe_violations(page)
