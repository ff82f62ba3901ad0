"""The phone simulator in a real browser: the whole survey by text, with and without JS."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from brewline.people.models import Consent
from brewline.surveys.models import Answer
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


# Records what the page asks the browser to say, instead of saying it out loud.
RECORD_SPEECH = """
window.__spoken = [];
window.speechSynthesis.speak = u => window.__spoken.push([u.text, u.rate]);
"""


def heard(page, words: str, times: int = 1) -> None:
    """Wait until Brewline has said these words `times` times on the call."""
    expect(page.locator("#heard .bubble.brewline", has_text=words)).to_have_count(times)


def test_the_whole_survey_by_call_in_the_simulator(page, live, organiser):
    page.add_init_script(RECORD_SPEECH)
    sign_in(page)
    page.goto("/simulator?mode=call&number=07700+900888")
    page.get_by_label("Speaking speed").select_option(label="Slow")
    no_serious_axe_violations(page)
    page.get_by_role("button", name="Ring Brewline").click()
    heard(page, "Shall we start?")
    page.get_by_role("button", name="1", exact=True).click()
    heard(page, "Question 1 of 5")
    for times, words in enumerate(ANSWERS, start=1):
        page.get_by_label("What you say in your recorded answer").fill(words)
        page.get_by_role("button", name="Finish recording").click()
        heard(page, "Press 1 to keep your answer", times)
        page.get_by_role("button", name="1", exact=True).click()
    heard(page, "next Over a Brew")
    page.get_by_label("What you say (as the phone would hear it)").fill("yes please")
    page.get_by_role("button", name="Say it", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("The call has ended.")
    spoken = page.evaluate("window.__spoken")
    assert spoken[0][0].startswith("Hello, this is Over a Brew")
    assert round(spoken[0][1], 2) == 0.7  # float32 inside the browser
    no_serious_axe_violations(page)
    with live.runtime.store.transaction() as db:
        transcripts = [a.transcript for a in db.scalars(select(Answer).order_by(Answer.id))
                       if a.recording_sid]
        consent = db.scalars(select(Consent)).one()
    assert transcripts == ANSWERS
    assert (consent.granted, consent.channel) == (True, "voice")


def test_a_number_that_is_not_a_number_is_explained_beside_the_form(page, organiser):
    sign_in(page)
    page.goto("/simulator")
    page.get_by_label("Your made-up number").fill("tea")
    page.get_by_label("Message").fill("hi")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_have_text("That is not a phone number. Try one like 07700 900555.")


# How far each bubble's words start from the inside edge of the bubble, in CSS pixels.
INDENTS = """() => [...document.querySelectorAll('#thread .bubble')].map(li => {
  const style = getComputedStyle(li);
  const inner = li.getBoundingClientRect().left + parseFloat(style.paddingLeft)
                + parseFloat(style.borderLeftWidth);
  const words = document.createRange();
  words.selectNodeContents(li.querySelector('.body'));
  return Math.round(words.getClientRects()[0].left - inner);
})"""


def test_text_bubbles_start_with_the_words_not_a_space(page, live, organiser):
    sign_in(page)
    page.goto("/simulator?number=07700900777")
    send(page, "hi", "Hello, this is Over a Brew")
    assert page.evaluate(INDENTS) == [0, 0]  # drawn by the page's script
    page.reload()
    assert page.evaluate(INDENTS) == [0, 0]  # drawn by the server
    assert page.locator(".bubble .body").first.evaluate("b => b.textContent") == "hi"
