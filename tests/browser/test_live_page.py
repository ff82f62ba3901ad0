"""The live page in a real browser: who is in and who asked to speak, updating by itself;
letting someone speak goes to Twilio (the fake); it works without JavaScript; axe is happy."""
from __future__ import annotations

from brewline.live.models import LiveSession
from tests.browser.conftest import no_serious_axe_violations, sign_in
from tests.browser.live_fixtures import CONFERENCE, add_caller, live_session

PEOPLE = [("+447700900301", "Margaret Robson", True), ("+447700900302", None, False)]


def test_the_live_page_shows_who_is_in_and_hands_in_order(page, live, organiser):
    event_id, _ = live_session(live.runtime, PEOPLE)
    sign_in(page)
    page.goto(f"/events/{event_id}/live")
    assert page.locator("#hands .caller-name").all_inner_texts() == ["Margaret"]
    assert page.locator("#in-room .caller-name").all_inner_texts() == ["Margaret", "Caller 2"]
    assert "0770090030" not in page.content()
    no_serious_axe_violations(page)


def test_letting_someone_speak_asks_twilio_and_says_so(page, live, organiser, fake_twilio):
    event_id, [margaret, _] = live_session(live.runtime, PEOPLE)
    sign_in(page)
    page.goto(f"/events/{event_id}/live")
    page.get_by_role("button", name="Let Margaret speak").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Margaret can speak now."
    assert fake_twilio.conference_updates == [
        {"conference": CONFERENCE, "participant": "CA" + "0" * 31 + "1", "Muted": "false"}]
    assert page.locator("#no-hands").is_visible()
    no_serious_axe_violations(page)


def test_a_new_hand_appears_without_reloading(page, live, organiser):
    event_id, _ = live_session(live.runtime, PEOPLE[1:])
    sign_in(page)
    page.goto(f"/events/{event_id}/live")
    assert page.locator("#no-hands").is_visible()
    with live.runtime.store.transaction() as db:
        session = db.query(LiveSession).filter_by(event_id=event_id).one()
        add_caller(db, session, "+447700900303", "Dennis Hall", True, 2)
    page.locator("#hands .caller-name").wait_for(timeout=9_000)
    assert page.locator("#hands .caller-name").all_inner_texts() == ["Dennis"]


def test_without_javascript_the_page_and_its_buttons_still_work(browser, live, organiser,
                                                               fake_twilio):
    event_id, _ = live_session(live.runtime, PEOPLE)
    context = browser.new_context(base_url=live.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto(f"/events/{event_id}/live")
        page.get_by_role("button", name="Lower Margaret's hand").click()
        page.wait_for_load_state()
        assert page.get_by_role("status").inner_text() == "Margaret's hand is lowered."
        assert page.get_by_role("link", name="Refresh now").is_visible()
        assert fake_twilio.conference_updates == []
    finally:
        context.close()


def test_a_twilio_failure_is_told_in_plain_words(page, live, organiser, fake_twilio):
    event_id, _ = live_session(live.runtime, PEOPLE)
    fake_twilio.fail_next(status=503, code=20503, message="Service Unavailable")
    sign_in(page)
    page.goto(f"/events/{event_id}/live")
    page.get_by_role("button", name="End the session for everyone").click()
    page.wait_for_load_state()
    assert "Callers are still in the room" in page.get_by_role("alert").first.inner_text()
    no_serious_axe_violations(page)
