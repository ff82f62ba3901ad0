"""The phone simulator in a real browser: the whole survey by text, with and without JS."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from service.store import Answer, Consent
from tests.browser.conftest import no_serious_axe_violations, sign_in

ANSWERS = ["The tea and the chat", "skip", "Listen, then act <b>quickly</b>",
           "I found a lunch club", "Ask us first"]


def send(page, body: str, expected: str) -> None:
    """Type a text, press Send, and wait for Brewline's reply to appear."""
    page.get_by_label("Message").fill(body)
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".bubble.brewline").last).to_contain_text(expected)


def test_the_whole_survey_by_text_in_the_simulator(page, live, organiser):
    sign_in(page)
    page.get_by_role("link", name="Phone simulator", exact=True).click()
    page.get_by_label("Your made-up number").fill("07700 900777")
    no_serious_axe_violations(page)
    send(page, "hi", "Hello, this is Over a Brew")
    send(page, "yes", "Question 1 of 5")
    expected = ["Question 2 of 5", "Question 3 of 5", "Question 4 of 5", "Question 5 of 5",
                "Would you like a text when the next Over a Brew"]
    for body, reply in zip(ANSWERS, expected):
        send(page, body, reply)
    send(page, "yes please", "Thank you so much")
    expect(page.locator(".bubble.you").nth(4)).to_have_text(
        "You: Listen, then act <b>quickly</b>")
    no_serious_axe_violations(page)
    with live.runtime.store.transaction() as db:
        said = {a.question_id: a.text for a in db.scalars(select(Answer)) if not a.skipped}
        consent = db.scalars(select(Consent)).one()
    assert said["use_here"] == "Listen, then act <b>quickly</b>" and len(said) == 6
    assert (consent.topic, consent.granted) == ("invites", True)


def test_the_simulator_also_works_without_javascript(browser, live, organiser):
    context = browser.new_context(base_url=live.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto("/simulator")
        page.get_by_label("Message").fill("hello")
        page.get_by_role("button", name="Send").click()
        expect(page.locator(".bubble.brewline")).to_contain_text("Hello, this is Over a Brew")
    finally:
        context.close()


def test_call_mode_says_clearly_that_calls_are_not_available_yet(page, organiser):
    sign_in(page)
    page.goto("/simulator")
    page.get_by_role("link", name="Phone call").click()
    expect(page.get_by_role("status")).to_contain_text("Calls are not available yet")
    no_serious_axe_violations(page)
