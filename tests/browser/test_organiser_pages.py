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
    first = page.locator(".drop-off li").nth(1)
    expect(first.locator(".bar-label")).to_contain_text("What do you like about it?")
    expect(first.locator(".bar-counts")).to_have_text("1 reached, 1 answered, 0 skipped")
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


def test_on_a_phone_an_organiser_finds_a_person_by_the_last_digits_of_their_number(
        browser, live, organiser, answer_id):
    for i, name in enumerate(("Ann Smith", "Bob Jones")):
        with live.runtime.store.transaction() as db:
            db.add(Contact(phone=f"+44770090045{i}", name=name, source="import"))
    context = browser.new_context(base_url=live.url, viewport={"width": 360, "height": 740},
                                  device_scale_factor=2)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto("/contacts")
        search = page.get_by_label("Find a person by name, tag, id or the last digits")
        search.fill("900 451")
        search.press("Enter")
        expect(page.get_by_role("status")).to_have_text("1 person matches \u201c900 451\u201d.")
        card = page.locator("tbody tr")
        expect(card).to_have_count(1)
        expect(card).to_contain_text("Bob Jones")
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
        no_serious_axe_violations(page)
    finally:
        context.close()
