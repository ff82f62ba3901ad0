"""A question set as organisers write it: sheet -> flow data -> sheet, and what it says."""
from __future__ import annotations

from dataclasses import replace

import pytest
import yaml

from flows import loader, sheet, words
from flows.engine import advance, new_state
from flows.loader import DATA_DIR
from flows.model import Ask, Finished, Reply, SaveAnswer, Say, Start, Text
from flows.readability import check_flow, translations
from flows.sheet import Question, Sheet, en
from tests.flows.transcript import NOW

SHIPPED = DATA_DIR / "over-a-brew-2024-05.yaml"


def three() -> Sheet:
    return replace(sheet.new("AI and us"), questions=(
        Question("q1", "open", en("What do you use AI for?"), why=en("So we know where it is.")),
        Question("q2", "yes_no", en("Do you trust it?")),
        Question("q3", "choice", en("Where did you hear of us?"),
                 options=("Radio", "A friend", "The library"))))


def flow_of(written: Sheet, flow_id: str = "ai-and-us", version: int = 1):
    return loader.build(sheet.to_data(written, flow_id, version))


def play(flow, *events, language: str = "en"):
    state, said = new_state(flow, language), []
    for event in events:
        result = advance(flow, state, event, NOW)
        state, said = result.state, said + list(result.outputs)
    return state, said


def test_a_new_set_starts_from_good_defaults_that_say_how_many_questions_there_are():
    flow = flow_of(replace(three(), questions=three().questions[:1]))
    _, said = play(flow, Start())
    assert said[0].text.startswith("Hello, this is Over a Brew. We would love your views: "
                                   "1 short questions")
    assert [e for e in check_flow(flow) if e.level == "error"] == []


@pytest.fixture
def tea_talks():
    """The organisation is Tyneside Tea Talks in settings, for one test."""
    before = words.org()
    words.use_org("Tyneside Tea Talks", "chats over tea")
    yield
    words.use_org(before["org_name"], before["org_description"], before["org_phone"])


def test_a_new_sets_welcome_in_polish_and_arabic_is_the_catalogues_and_names_the_organisation(
        tea_talks):
    flow = flow_of(replace(three(), questions=three().questions[:1]))
    for language in ("pl", "ar"):
        _, said = play(flow, Start(), language=language)
        assert said[0].text == words.words("new_set.welcome", language, total=1)
        assert said[0].voice_text == words.words("new_set.welcome_voice", language, total=1)
        assert "Tyneside Tea Talks" in said[0].text and "Tyneside Tea Talks" in said[0].voice_text
    assert said[0].text.startswith("مرحبًا، معك Tyneside Tea Talks.")


def test_no_default_line_of_a_new_set_says_over_a_brew_when_the_organisation_is_another(
        tea_talks):
    written = replace(sheet.new("Buses"), consents=tuple(sheet.CONSENTS))
    lines = [*written.texts.values()] + [text for part in written.parts.values()
                                         for text in (part.text, part.voice, part.no_match) if text]
    said = [line for text in lines for line in text.translations.values()]
    assert len(said) == 3 * 26  # every line in English, Polish and Arabic
    assert [line for line in said if "Over a Brew" in line] == []
    assert sum("Tyneside Tea Talks" in line for line in said) == 3 * 6


def test_a_new_set_made_into_a_flow_misses_no_polish_or_arabic_line_of_its_own(tea_talks):
    asked = Question("q1", "open", Text({"en": "What about buses?", "pl": "A autobusy?",
                                              "ar": "ماذا عن الحافلات؟"}))
    written = replace(sheet.new("Buses"), questions=(asked,), consents=tuple(sheet.CONSENTS))
    flow = flow_of(written)
    assert [(t.where, t.missing) for t in translations(flow, ("en", "pl", "ar")) if t.missing] == []
    assert [f for f in check_flow(flow) if f.level == "error"] == []
    assert sheet.from_data(sheet.to_data(written, "buses", 1)) == written


def test_a_new_set_understands_yes_and_no_in_the_words_of_its_translations():
    flow = flow_of(replace(three(), questions=three().questions[:1]))
    _, said = play(flow, Start(), Reply("tak"), language="pl")
    assert [o for o in said if isinstance(o, Ask)][-1].step_id == "q1"
    _, said = play(flow, Start(), Reply("لا"), language="ar")
    assert [o for o in said if isinstance(o, Say)][-1].text == words.words("new_set.not_now", "ar")
    assert said[-1] == Finished(completed=False)


def test_the_shipped_file_reads_back_into_a_sheet_that_makes_exactly_it_again():
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    written = sheet.from_data(data)
    assert written is not None
    assert [q.id for q in written.questions] == ["value", "promises", "use_here",
                                                 "use_in_life", "together"]
    assert written.consents == ("invites",)
    assert loader.build(sheet.to_data(written, data["id"], data["version"])) == \
        loader.load_file(SHIPPED)


def test_a_file_with_a_branch_the_page_cannot_show_is_left_to_files():
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    data["steps"][1]["next"] = "together"  # question 1 jumps to question 5
    assert sheet.from_data(data) is None


def test_every_kind_of_question_and_the_why_line_read_back_from_their_flow_data():
    written = three()
    assert sheet.from_data(sheet.to_data(written, "ai-and-us", 1)) == written


def test_yes_or_no_and_options_say_how_to_answer_by_text_and_by_call():
    flow = flow_of(three())
    _, said = play(flow, Start(), Reply("yes"), Reply("Letters"))
    yes_no = [o for o in said if isinstance(o, Ask)][-1]
    assert yes_no.text == "Question 2 of 3: Do you trust it? Reply YES or NO."
    assert yes_no.voice_text == "Do you trust it? Say yes or press 1. Say no or press 2."
    _, said = play(flow, Start(), Reply("yes"), Reply("Letters"), Reply("no"))
    options = [o for o in said if isinstance(o, Ask)][-1]
    assert options.text == ("Question 3 of 3: Where did you hear of us?\n1 Radio\n2 A friend\n"
                            "3 The library\nReply with the number.")
    assert options.voice_text.endswith("For Radio, press 1. For A friend, press 2. "
                                       "For The library, press 3.")


def test_an_option_is_chosen_by_its_number_or_its_words_and_kept_as_the_option():
    flow = flow_of(three())
    start = (Start(), Reply("yes"), Reply("Letters"), Reply("no"))
    chosen = (("2", "A friend"), ("a friend!", "A friend"), ("The Library", "The library"))
    for said, value in chosen:
        _, outputs = play(flow, *start, Reply(said))
        saved = [o for o in outputs if isinstance(o, SaveAnswer)][-1]
        assert (saved.step_id, saved.value) == ("q3", value)
    _, outputs = play(flow, *start, Reply("bus"))
    assert outputs[-1] == Say("Sorry, I did not catch that. Please reply with a number from 1 "
                              "to 3.", "Sorry, I did not catch that. Please press a number from "
                              "1 to 3, or say your answer.")


def test_options_after_the_fifth_are_said_on_a_call_not_pressed():
    nine = tuple(f"Place {n}" for n in range(1, 10))
    written = replace(three(), questions=(Question("q1", "choice", en("Where?"), options=nine),))
    step = flow_of(written).step("q1")
    assert [c.digits for c in step.choices] == [(str(n),) for n in range(1, 6)] + [()] * 4
    assert step.voice.render().endswith("For Place 6, say Place 6. For Place 7, say Place 7. "
                                         "For Place 8, say Place 8. For Place 9, say Place 9.")
    _, outputs = play(flow_of(written), Start(), Reply("yes"), Reply("8"))
    assert [o.value for o in outputs if isinstance(o, SaveAnswer)][-1] == "Place 8"


def test_why_we_ask_follows_the_question_by_text_and_comes_first_on_a_call():
    written = replace(three(), questions=(replace(three().questions[0], voice=en("What for?")),))
    _, said = play(flow_of(written), Start(), Reply("yes"))
    ask = [o for o in said if isinstance(o, Ask)][-1]
    assert ask.text == "Question 1 of 1: What do you use AI for?\nSo we know where it is."
    assert ask.voice_text == "So we know where it is. What for?"


def test_questions_are_added_moved_and_removed_and_no_id_is_ever_used_twice():
    written = sheet.add_question(three(), taken={"q7"})
    assert [q.id for q in written.questions] == ["q1", "q2", "q3", "q8"]
    moved = sheet.move_question(written, "q8", -1)
    assert [q.id for q in moved.questions] == ["q1", "q2", "q8", "q3"]
    assert sheet.move_question(moved, "q1", -1) == moved  # already first
    assert [q.id for q in sheet.remove_question(moved, "q2").questions] == ["q1", "q8", "q3"]


def test_what_is_missing_or_cannot_work_is_named_by_its_field():
    written = replace(three(), title=" ", questions=(
        Question("q1", "open", en("")),
        Question("q2", "choice", en("Which?"), options=("Yes",)),
        Question("q3", "choice", en("Which?"), options=("Bus", "bus", "Next")),
        Question("q4", "choice", en("Which?"), options=tuple(str(n) for n in range(10)))))
    found = {(f.where, f.message) for f in sheet.problems(written)}
    assert ("title", "give the question set a title") in found
    assert ("q1.text", "write the question") in found
    assert ("q2.options", "give at least 2 options, one on each line") in found
    assert ("q3.options", "'Bus' is there twice") in found
    assert ("q3.options", "'Next' already means something when texted (like SKIP or STOP): "
                          "use other words") in found
    assert ("q4.options", "10 options: keep to 9 at most") in found
    empty = {(f.where, f.message) for f in sheet.problems(replace(written, questions=()))}
    assert ("questions", "add at least one question") in empty


def test_texts_written_so_far_can_be_checked_while_others_are_still_empty():
    written = replace(three(), questions=(Question("q1", "open", en("")),
                                          Question("q2", "open", en("a " * 200))))
    filled, blanks = sheet.checkable(written)
    found = check_flow(loader.build(sheet.to_data(filled, "x", 1)))
    assert blanks == {"q1.text"}
    assert any(f.where == "q2.text [en]" and f.message.startswith("3 SMS parts") for f in found)
