"""What organisers see of languages: each text's translations beside it (right to left for
Arabic), what is still in English only, whether a fluent speaker checked each language,
each person's and each answer's language, and the language in the exports."""
from __future__ import annotations

import csv
import html
import io
import re

import pytest

from flows.words import template
from tests.organiser.test_invites_page import import_file, preview
from tests.organiser.test_question_sets_page import draft_body, form, start, text_of
from tests.texts.test_sms_webhook import replies


def words_of(response) -> str:
    """The page's words, with a name in its own script kept inside its brackets."""
    return re.sub(r"\( (.*?) \)", r"(\1)", text_of(response))


@pytest.fixture
def settings(settings):
    """Every shipped language switched on, as LANGUAGES left empty does."""
    return settings.with_(languages=())


def test_each_text_shows_its_translations_beside_it_arabic_right_to_left(signed_in):
    start(signed_in)
    page = signed_in.get("/question-sets/ai-and-us/edit").get_data(as_text=True)
    arabic = re.search(r'<textarea id="f-thanks.text@ar" name="thanks.text@ar"[^>]*>', page)
    assert arabic and 'lang="ar"' in arabic.group(0) and 'dir="rtl"' in arabic.group(0)
    polish = re.search(r'<textarea id="f-thanks.text@pl"[^>]*>', page)
    assert polish and 'dir="ltr"' in polish.group(0)
    # A new set's own lines start translated, from the catalogues; its empty question not.
    assert template("new_set.thanks", "ar") in html.unescape(page)
    words = words_of(signed_in.get("/question-sets/ai-and-us/edit"))
    assert "Polish (Polski): not written yet, the English is sent" in words
    assert "No Arabic words yet" not in words
    signed_in.post("/question-sets/ai-and-us/edit", form(**{"q1.text": "Buses?"}))
    words = words_of(signed_in.get("/question-sets/ai-and-us/edit"))
    assert "No Arabic words yet: people who chose Arabic get the English." in words


def test_a_translation_written_on_the_page_is_kept_and_one_emptied_goes_back_to_english(
        signed_in, runtime):
    start(signed_in)
    signed_in.post("/question-sets/ai-and-us/edit", form(**{
        "q1.text": "What would make the buses better?",
        "q1.text@pl": "Co poprawiłoby autobusy?", "q1.text@ar": "ما الذي يحسن الحافلات؟"}))
    [question] = [s for s in draft_body(runtime)["steps"] if s["id"] == "q1"]
    assert question["text"] == {"en": "What would make the buses better?",
                                "pl": "Co poprawiłoby autobusy?", "ar": "ما الذي يحسن الحافلات؟"}
    page = text_of(signed_in.get("/question-sets/ai-and-us/edit"))
    beside = page[page.index("What would make the buses better?"):][:400]
    assert "No Polish words yet" not in beside and "No Arabic words yet" not in beside
    signed_in.post("/question-sets/ai-and-us/edit", form(**{
        "q1.text": "What would make the buses better?", "q1.text@pl": "  ",
        "q1.text@ar": "ما الذي يحسن الحافلات؟"}))
    [question] = [s for s in draft_body(runtime)["steps"] if s["id"] == "q1"]
    assert question["text"] == {"en": "What would make the buses better?",
                                "ar": "ما الذي يحسن الحافلات؟"}


def test_the_live_check_reports_a_missing_translation_by_field(signed_in):
    start(signed_in)
    checked = signed_in.post("/question-sets/ai-and-us/check", form(**{
        "q1.text": "Buses?", "q1.text@pl": "Autobusy?"})).get_json()
    messages = [f["message"] for f in checked["fields"]["q1.text"]]
    assert "No Arabic words yet: people who chose Arabic get the English." in messages
    assert not any("Polish" in m for m in messages)


def test_organisers_see_each_language_and_that_no_fluent_speaker_has_checked_it(signed_in):
    page = words_of(signed_in.get("/question-sets"))
    assert "Languages people can take part in" in page
    for row in ("English Yes Yes", "Arabic (العربية) Yes Not yet: the words may read oddly",
                "Polish (Polski) Yes Not yet: the words may read oddly"):
        assert row in page


def test_each_person_and_each_answer_shows_its_language_and_arabic_reads_right_to_left(
        twilio, signed_in):
    replies(twilio.text("hi"))
    replies(twilio.text("العربية"))
    replies(twilio.text("yes"))
    replies(twilio.text("أحب الشاي والحديث"))
    answers = signed_in.get("/answers").get_data(as_text=True)
    said = re.search(r'<p class="said"[^>]*>أحب الشاي والحديث</p>', answers)
    assert said and 'dir="auto"' in said.group(0) and 'lang="ar"' in said.group(0)
    assert "Arabic" in text_of(signed_in.get("/answers"))
    contacts = text_of(signed_in.get("/contacts"))
    assert "Language Arabic" in contacts


def test_the_answers_export_says_which_language_each_answer_was_given_in(twilio, signed_in):
    replies(twilio.text("hi"))
    replies(twilio.text("yes"))
    replies(twilio.text("The tea"))
    replies(twilio.text("polski"))
    replies(twilio.text("Herbata i rozmowa"))
    exported = signed_in.post("/answers/export.csv", {}).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [(r["answer"], r["answer_language"]) for r in rows] == [
        ("yes", "en"), ("The tea", "en"), ("Herbata i rozmowa", "pl")]


def test_the_invite_preview_shows_the_text_each_language_will_get_and_its_cost(signed_in):
    import_file(signed_in, ("phone,name,language,invites\n07700 900101,Ann,en,yes\n"
                            "07700 900102,Ola,Polish,yes\n07700 900103,Hala,ar,yes\n").encode())
    page = preview(signed_in)
    assert "In Polish, for 1 person" in page and "In Arabic, for 1 person" in page
    arabic = page[page.index("In Arabic, for 1 person"):]
    assert '<blockquote class="sms-preview" lang="ar" dir="rtl">Over a Brew يدعوك:' in arabic
    polish = page[page.index("In Polish, for 1 person"):]
    assert "Over a Brew zaprasza: Over a Brew: buses" in html.unescape(polish)
    english = page[page.index('data-fact="segments">') + 21:].split(" ")[0]
    parts = [int(re.search(rf'data-fact="segments-{c}">(\d+)', page).group(1)) for c in ("ar", "pl")]
    cost = re.search(r'data-fact="cost">&pound;(\d+\.\d\d)', page).group(1)
    assert float(cost) == pytest.approx((int(english) + sum(parts)) * 0.05)
