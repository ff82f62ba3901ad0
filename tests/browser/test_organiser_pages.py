"""Organiser pages in a real browser: sign in, read and hear answers, tag, export, zoom."""
from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from brewline.organiser.models import AnswerTag
from brewline.people.models import Contact
from tests.browser.conftest import no_serious_axe_violations, sign_in
from tests.organiser.spoken import SID, spoken_answer, wav_bytes


def test_an_organiser_signs_in_with_the_keyboard_and_sees_the_overview(page, organiser, answer_id):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/"))
    no_serious_axe_violations(page)
    sign_in(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
    expect(page.locator("td[data-measure=started]").first).to_have_text("1")
    expect(page.locator("svg.chart desc")).to_contain_text("Question 1: 1 reached, 1 answered")
    no_serious_axe_violations(page)


def test_a_wrong_password_gets_one_plain_message(page, organiser):
    sign_in(page, password="wrong password")
    expect(page.get_by_role("alert")).to_contain_text("did not match")
    no_serious_axe_violations(page)


def test_the_first_tab_reaches_a_visible_skip_link(page, organiser):
    sign_in(page)
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Skip to main content")
    outline = focused.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none"


def test_an_organiser_reads_answers_as_text_and_tags_one(page, live, organiser, answer_id):
    sign_in(page)
    page.get_by_role("link", name="Answers").click()
    expect(page.locator(f"#answer-{answer_id} .said")).to_contain_text("<script>window.__xss")
    assert page.evaluate("window.__xss") is None
    page.locator(f"#theme-{answer_id}").fill("Food and drink")
    page.locator(f"#theme-{answer_id}").press("Enter")
    expect(page.locator(".tag")).to_contain_text("food and drink")
    page.get_by_label("Theme", exact=True).select_option("food and drink")
    page.get_by_role("button", name="Show answers").click()
    expect(page.get_by_role("status")).to_have_text("1 answer shown.")
    no_serious_axe_violations(page)
    with live.runtime.store.transaction() as db:
        assert db.scalars(select(AnswerTag.theme)).all() == ["food and drink"]


def test_a_spoken_answer_plays_in_the_page_with_its_transcript(page, live, organiser, fake_twilio):
    fake_twilio.add_recording(SID, wav_bytes(1.0), "audio/wav")
    spoken_answer(live.runtime)
    sign_in(page)
    page.goto("/answers")
    expect(page.locator(".transcript")).to_contain_text("I like the <b>biscuits</b>")
    audio = page.locator("audio")
    audio.evaluate("a => a.play()")
    page.wait_for_function("document.querySelector('audio').currentTime > 0")
    duration = audio.evaluate("a => a.duration")
    assert 0.9 < duration < 1.1
    assert any(r["path"].endswith(f"/Recordings/{SID}.mp3") for r in fake_twilio.requests)
    no_serious_axe_violations(page)


def test_the_answers_export_downloads_a_csv(page, organiser, answer_id):
    sign_in(page)
    page.goto("/answers")
    page.get_by_text("Download all answers").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("participant,flow") and "tea & biscuits" in text


def test_pages_fit_the_window_at_200_percent_zoom(page, organiser, answer_id):
    sign_in(page)
    page.set_viewport_size({"width": 640, "height": 450})  # 1280 x 900 at 200% zoom
    for path in ("/", "/needs-a-look", "/answers", "/contacts", "/invites", "/vouchers",
                 "/simulator", "/simulator?mode=call"):
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 200% zoom"


def test_the_contacts_page_shows_consent_and_opt_out(page, organiser, twilio):
    for body in ("hi", "yes", "a", "b", "c", "d", "e", "yes", "STOP"):
        twilio.text(body)
    sign_in(page)
    page.get_by_role("link", name="Contacts").click()
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("yes, wants invites")
    expect(row).to_contain_text("opted out")
    no_serious_axe_violations(page)


def test_an_organiser_erases_a_person_with_the_keyboard(page, live, organiser, answer_id):
    sign_in(page)
    page.goto("/contacts")
    link = page.get_by_role("link", name=re.compile(r"^Erase p_"))
    link.focus()
    link.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase this person?")
    no_serious_axe_violations(page)
    button = page.get_by_role("button", name="Erase this person")
    button.focus()
    expect(button).to_be_focused()
    button.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("The person was erased")
    expect(page.locator("tbody")).to_contain_text("Nobody yet.")
    with live.runtime.store.transaction() as db:
        assert db.scalars(select(Contact.phone).where(Contact.phone.is_not(None))).all() == []
