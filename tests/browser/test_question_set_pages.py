"""Question sets in a real browser: write one, see a live check, try it, publish it, and
people text its keyword or choose it on a call; its answers show under it."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from brewline.people.models import Contact
from brewline.surveys.models import Answer, QuestionSet
from tests.browser.conftest import no_serious_axe_violations, sign_in
from tests.browser.test_simulator_pages import RECORD_SPEECH, heard, send

THREE_PARTS = ("We would like to know what you think about computers that write, talk and "
               "decide things, and how they are used by the council, by doctors, by shops "
               "and by the people you know, and whether any of that worries you, helps you "
               "or makes no difference at all to your life, and what you would like the "
               "council to do about it next year, if anything, so tell us everything please.")


def question(page, number: int):
    return page.get_by_role("group", name=f"Question {number}", exact=True)


def words_of(page, number: int):
    """The textbox for a question's words."""
    return question(page, number).get_by_label("The question", exact=True)


def write_three_questions(page) -> None:
    """Start a set and write three questions, fixing a live error on the way."""
    page.get_by_role("link", name="Question sets").click()
    no_serious_axe_violations(page)
    page.get_by_label("Title").fill("AI and us")
    page.get_by_role("button", name="Start writing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the draft (version 1)")
    words_of(page, 1).fill("What do you use AI for, if anything?")
    page.get_by_role("button", name="Add a question").click()
    second = question(page, 2)
    words_of(page, 2).fill(THREE_PARTS)
    expect(second.locator(".finding.error")).to_contain_text(
        "3 SMS parts: make it shorter, to 2 parts at most")
    expect(page.locator("#check-summary")).to_contain_text("1 thing to fix")
    no_serious_axe_violations(page)
    words_of(page, 2).fill("What worries you about AI?")
    expect(second.locator(".finding.error")).to_have_count(0)
    expect(second.locator(".fact").first).to_contain_text("1 SMS part")
    page.get_by_role("button", name="Add a question").click()
    third = question(page, 3)
    third.get_by_label("What kind of answer").select_option(label="Yes or no")
    words_of(page, 3).fill("Should the council use AI to answer the phone?")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("status").first).to_contain_text("Draft saved")
    expect(page.locator("#check-summary")).to_contain_text("Nothing to fix")


def test_an_organiser_writes_tries_and_publishes_a_set_that_people_then_answer(page, live,
                                                                               organiser):
    page.add_init_script(RECORD_SPEECH)
    sign_in(page)
    write_three_questions(page)
    page.get_by_role("link", name="Back to AI and us").click()
    no_serious_axe_violations(page)

    page.get_by_role("button", name="Try it by text").click()
    expect(page.locator("#trying")).to_contain_text('You are trying the draft of "AI and us"')
    send(page, "hello", "3 short questions")
    send(page, "yes", "Question 1 of 3: What do you use AI for, if anything?")

    page.goto("/question-sets")
    page.get_by_role("link", name="AI and us").click()
    page.get_by_label("Keyword people text to start it").fill("ai")
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_role("status").first).to_contain_text("Version 1 is published")
    expect(page.locator("[data-fact=keyword]")).to_contain_text("AI")

    page.goto("/simulator?number=07700+900556")
    send(page, "AI", "3 short questions")
    send(page, "yes", "Question 1 of 3: What do you use AI for, if anything?")
    send(page, "Writing letters to the council", "Question 2 of 3: What worries you about AI?")
    send(page, "That nobody checks it", "Question 3 of 3: Should the council use AI")
    send(page, "no", "Would you like a text when the next Over a Brew")

    page.goto("/simulator?mode=call&number=07700+900557")
    page.get_by_role("button", name="Ring Brewline").click()
    heard(page, "For Over a Brew - what matters to you, press 1. ")
    heard(page, "For AI and us, press 2.")
    page.get_by_role("button", name="2", exact=True).click()
    heard(page, "3 short questions, answered out loud")

    page.get_by_role("link", name="Answers").click()
    page.get_by_label("Question set").select_option(label="AI and us")
    page.get_by_role("button", name="Show answers").click()
    expect(page.locator(".said", has_text="Writing letters to the council")).to_have_count(1)
    expect(page.locator(".said", has_text="That nobody checks it")).to_have_count(1)
    no_serious_axe_violations(page)
    with live.runtime.store.transaction() as db:
        kept = db.scalars(select(Answer).where(Answer.text == "That nobody checks it")).one()
        published = db.get(QuestionSet, "ai-and-us")
        tried = db.scalars(select(Answer.id).join(Contact).where(
            Contact.phone == "+447700900555")).all()
    assert (kept.flow_id, kept.flow_version, kept.question_id) == ("ai-and-us", 1, "q2")
    assert (published.status, published.keyword) == ("open", "AI")
    assert tried == []  # answers given while trying the draft went when it was published


def test_the_question_set_pages_work_without_javascript(browser, live, organiser):
    context = browser.new_context(base_url=live.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto("/question-sets")
        page.get_by_label("Title").fill("After the session")
        page.get_by_role("button", name="Start writing").click()
        words_of(page, 1).fill(THREE_PARTS)
        page.get_by_role("button", name="Add a question").click()
        expect(question(page, 1).locator(".finding.error")).to_contain_text("3 SMS parts")
        words_of(page, 2).fill("What should we change?")
        page.get_by_role("button", name="Move question 2 up").click()
        expect(words_of(page, 1)).to_have_value(
            "What should we change?")
        page.get_by_role("button", name="Remove question 2").click()
        expect(page.get_by_role("group", name="Question 2", exact=True)).to_have_count(0)
        expect(page.locator("#check-summary")).to_contain_text("Nothing to fix")
    finally:
        context.close()


def test_the_new_pages_fit_at_360_pixels_and_at_200_percent_zoom(page, organiser):
    sign_in(page)
    page.goto("/question-sets")
    page.get_by_label("Title").fill("AI and us")
    page.get_by_role("button", name="Start writing").click()
    page.wait_for_url("**/question-sets/ai-and-us/edit")  # the draft exists before we look
    paths = ["/question-sets", "/question-sets/ai-and-us", "/question-sets/ai-and-us/edit",
             "/question-sets/over-a-brew-2024-05/ask?who=tag&tag=none"]
    for width, height in ((360, 740), (640, 450)):
        page.set_viewport_size({"width": width, "height": height})
        for path in paths:
            page.goto(path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
            no_serious_axe_violations(page)
