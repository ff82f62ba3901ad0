"""The Question sets pages without a browser: write, check, try, publish, ask, and results
narrowed to one set and version; organisers only, plain words, no JavaScript needed."""
from __future__ import annotations

import csv
import html
import io
import re

import pytest
import yaml
from sqlalchemy import select

from brewline.delivery.models import Outbox
from brewline.organiser.models import AuditLog
from brewline.people.models import Contact
from brewline.surveys import question_sets
from brewline.surveys.models import Conversation, QuestionSet, QuestionSetVersion
from flows.loader import DATA_DIR
from tests.conftest import PHONE
from tests.events.fixtures import add_contact, tag
from tests.organiser.test_uploads import multipart
from tests.surveys.sets import SHIPPED, new_version, write
from tests.texts.test_sms_webhook import replies

LONG = "What do you think about computers that talk? " * 8


def text_of(response) -> str:
    """The words a person reads on the page (no tags, scripts or attributes)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def form(**fields) -> dict:
    """The edit form as the page sends it: one question unless `order` says otherwise."""
    base = {"title": "AI and us", "order": ["q1"], "q1.kind": "open", "consents": "1",
            "invites.ask": "yes", "action": "save"}
    return base | fields


def start(signed_in, title: str = "AI and us") -> str:
    response = signed_in.post("/question-sets", {"title": title})
    assert response.status_code == 302
    return response.headers["Location"]


def draft_body(runtime, set_id: str = "ai-and-us") -> dict:
    with runtime.store.transaction() as db:
        return question_sets.draft_of(db, set_id).body


def test_only_signed_in_organisers_reach_the_pages_or_can_try_a_draft(web, organiser, runtime):
    write(runtime, "AI and us", "What do you use AI for?")
    for path in ("/question-sets", "/question-sets/ai-and-us", "/question-sets/ai-and-us/edit"):
        assert web.get(path).headers["Location"].startswith("/sign-in")
    tried = web.client.post("/question-sets/ai-and-us/try", data={"number": "07700900555"})
    assert tried.status_code == 302 and tried.headers["Location"].startswith("/sign-in")
    with runtime.store.transaction() as db:
        assert db.scalars(select(Contact)).all() == []


def test_a_new_set_starts_from_good_defaults_and_one_empty_question(signed_in, runtime):
    assert start(signed_in) == "/question-sets/ai-and-us/edit"
    page = text_of(signed_in.get("/question-sets/ai-and-us/edit"))
    assert "Change the draft (version 1)" in page and "Question 1" in page
    assert "Please fix: write the question" in page
    assert "We would love your views: {total} short questions" in page
    assert "1 thing to fix before publishing" in page


def test_a_text_too_long_is_shown_beside_its_question_when_saved_and_blocks_publishing(
        signed_in, runtime):
    start(signed_in)
    signed_in.post("/question-sets/ai-and-us/edit", form(**{"q1.text": LONG}))
    edit = signed_in.get("/question-sets/ai-and-us/edit").get_data(as_text=True)
    beside = edit[edit.index('id="check-q1.text"'):][:600]
    assert "3 SMS parts: make it shorter, to 2 parts at most" in beside
    assert "about £0.15 to send to each person" in beside
    shown = text_of(signed_in.get("/question-sets/ai-and-us"))
    assert "Question 1: 3 SMS parts: make it shorter, to 2 parts at most" in shown
    refused = signed_in.post("/question-sets/ai-and-us/publish", {"keyword": "AI"})
    assert refused.status_code == 400
    assert "Question 1: 3 SMS parts" in text_of(refused)
    signed_in.post("/question-sets/ai-and-us/edit", form(**{"q1.text": "What worries you?"}))
    published = signed_in.post("/question-sets/ai-and-us/publish", {"keyword": "AI"})
    assert published.status_code == 302
    with runtime.store.transaction() as db:
        found = db.get(QuestionSet, "ai-and-us")
        actions = db.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert (found.status, found.keyword) == ("open", "AI")
    assert actions == ["write a question set", "publish a question set"]


def test_questions_are_added_moved_and_removed_with_buttons_that_post_the_form(signed_in,
                                                                              runtime):
    start(signed_in)
    added = signed_in.post("/question-sets/ai-and-us/edit",
                           form(**{"q1.text": "First?", "action": "add"}))
    assert added.headers["Location"].endswith("/edit#question-q2")
    two = form(order=["q1", "q2"], **{"q1.text": "First?", "q2.kind": "yes_no",
                                      "q2.text": "Second?"})
    signed_in.post("/question-sets/ai-and-us/edit", two | {"action": "up:q2"})
    steps = [s["id"] for s in draft_body(runtime)["steps"]]
    assert steps[:3] == ["welcome", "q2", "q1"]
    signed_in.post("/question-sets/ai-and-us/edit",
                   form(order=["q2", "q1"], **{"q1.text": "First?", "q2.text": "Second?",
                                               "q2.kind": "yes_no", "action": "remove:q2"}))
    assert [s["id"] for s in draft_body(runtime)["steps"]][:2] == ["welcome", "q1"]
    assert "q3" not in [s["id"] for s in draft_body(runtime)["steps"]]


def test_a_new_question_never_takes_the_id_of_one_in_an_earlier_version(signed_in, runtime):
    write(runtime, "AI and us", "First?", "Second?", keyword="AI")
    signed_in.post("/question-sets/ai-and-us/draft")
    signed_in.post("/question-sets/ai-and-us/edit",
                   form(**{"q1.text": "First?", "action": "add"}))  # q2 left out: removed
    assert [s["id"] for s in draft_body(runtime)["steps"]][:3] == ["welcome", "q1", "q3"]


def test_the_live_check_answers_by_field_in_the_words_of_flows_check_and_saves_nothing(
        signed_in, runtime):
    start(signed_in)
    before = draft_body(runtime)
    checked = signed_in.post("/question-sets/ai-and-us/check", form(**{
        "q1.text": LONG, "texts.skipped": "That\u2019s fine, we have skipped it."})).get_json()
    assert checked["fields"]["q1.text"] == [
        {"level": "error", "message": "3 SMS parts: make it shorter, to 2 parts at most"}]
    assert checked["fields"]["texts.skipped"][0]["message"].startswith("curly quotes or dashes")
    assert checked["facts"]["q1.text"].startswith("3 SMS parts, ")
    assert (checked["errors"], draft_body(runtime)) == (2, before)


def test_the_new_pages_say_question_set_and_question_never_flow_or_step(signed_in, runtime):
    write(runtime, "AI and us", "What do you use AI for?", keyword="AI")
    write(runtime, "Draft one", "Anything?")
    for path in ("/question-sets", "/question-sets/ai-and-us", "/question-sets/draft-one",
                 "/question-sets/draft-one/edit", "/question-sets/ai-and-us/ask?tag=x",
                 "/answers", "/"):
        words = text_of(signed_in.get(path))
        assert not re.search(r"\b(flows?|steps?)\b", words, re.I), path


def test_a_yaml_file_uploaded_becomes_a_draft_and_a_bad_one_lists_every_problem(signed_in,
                                                                               runtime):
    data = yaml.safe_load((DATA_DIR / f"{SHIPPED}.yaml").read_text(encoding="utf-8"))
    good = yaml.safe_dump(data | {"id": "june", "title": "June"}).encode()
    body, content_type = multipart({"csrf_token": signed_in.token}, "june.yaml", good)
    response = signed_in.client.post("/question-sets/import", data=body,
                                     content_type=content_type)
    assert response.headers["Location"] == "/question-sets/june"
    assert "Imported as a draft (version 1)" in text_of(signed_in.get("/question-sets/june"))
    body, content_type = multipart({"csrf_token": signed_in.token}, "bad.yaml", (
        b"id: bad\nversion: 1\nsteps:\n - {id: a, kind: open, text: Hi, next: b}\n"))
    refused = signed_in.client.post("/question-sets/import", data=body,
                                    content_type=content_type)
    assert refused.status_code == 400
    shown = text_of(refused)
    assert "missing shared text 'help'" in shown
    assert "part 'a' leads to 'b', which does not exist" in shown


def test_a_version_downloads_as_yaml_that_reads_back(signed_in, runtime):
    write(runtime, "AI and us", "What do you use AI for?", keyword="AI")
    response = signed_in.get("/question-sets/ai-and-us/versions/1.yaml")
    assert response.headers["Content-Disposition"] == 'attachment; filename="ai-and-us-v1.yaml"'
    data = yaml.safe_load(response.get_data(as_text=True))
    assert (data["id"], data["keyword"], data["steps"][1]["text"]) == (
        "ai-and-us", "AI", "What do you use AI for?")


def test_a_draft_is_tried_from_a_made_up_number_and_nobody_else_reaches_it(signed_in, runtime,
                                                                           twilio):
    write(runtime, "AI and us", "What do you use AI for?")
    refused = signed_in.post("/question-sets/ai-and-us/try", {"number": "07911 123456"})
    assert refused.status_code == 400 and "made-up number" in text_of(refused)
    tried = signed_in.post("/question-sets/ai-and-us/try", {"number": "07700 900555",
                                                           "mode": "call"})
    assert tried.headers["Location"] == ("/simulator?number=07700+900555&mode=call"
                                         "&trying=ai-and-us")
    assert 'the draft of "AI and us"' in text_of(signed_in.get(tried.headers["Location"]))
    assert "1 short questions" in replies(twilio.text("hi", sender="+447700900555"))[0]
    assert "5 short questions" in replies(twilio.text("hi"))[0]
    with runtime.store.transaction() as db:
        trial = db.scalars(select(Conversation).where(
            Conversation.flow_id == "ai-and-us")).one()
    assert (trial.flow_version, trial.status) == (1, "active")


def test_a_draft_written_as_a_file_with_branches_is_not_changed_by_the_page(signed_in, runtime):
    data = yaml.safe_load((DATA_DIR / f"{SHIPPED}.yaml").read_text(encoding="utf-8"))
    data["steps"][1]["next"] = "together"
    data["steps"][2:5] = []
    with runtime.store.transaction() as db:
        question_sets.import_data(db, data | {"id": "branchy"}, "branchy.yaml", None)
    refused = signed_in.get("/question-sets/branchy/edit")
    assert refused.status_code == 409 and "import it again" in text_of(refused)
    saved = signed_in.post("/question-sets/branchy/edit", form())
    assert saved.status_code == 409


def test_asking_people_shows_the_exact_text_and_how_many_then_sends(signed_in, runtime):
    write(runtime, "AI and us", "What do you use AI for?", keyword="AI")
    tag(runtime, add_contact(runtime, PHONE), "north")
    add_contact(runtime, "+447700900102", invites=False)
    preview = text_of(signed_in.get("/question-sets/ai-and-us/ask?who=tag&tag=north"))
    assert "We would love your views: 1 short questions" in preview
    assert "1 person (1 by text, 0 by phone call)" in preview and "Ask 1 person now" in preview
    sent = signed_in.post("/question-sets/ai-and-us/ask", {"who": "tag", "tag": "north"})
    assert sent.headers["Location"] == "/question-sets/ai-and-us"
    assert "1 person asked: 1 by text" in text_of(signed_in.get("/question-sets/ai-and-us"))
    with runtime.store.transaction() as db:
        assert db.scalars(select(Outbox.purpose)).all() == ["question_set"]
        assert "ask people to answer a question set" in db.scalars(select(AuditLog.action)).all()


@pytest.fixture
def two_versions(runtime, twilio) -> str:
    """One person answered version 1 of a set, another version 2."""
    set_id = write(runtime, "AI and us", "First?", keyword="AI")
    for body in ("AI", "yes", "one"):
        replies(twilio.text(body))
    new_version(runtime, set_id, "First again?")
    for body in ("AI", "yes", "two"):
        replies(twilio.text(body, sender="+447700900124"))
    return set_id


def test_the_overview_can_show_one_set_at_one_version(signed_in, two_versions):
    whole = signed_in.get(f"/?flow={two_versions}").get_data(as_text=True)
    assert whole.count('<h2 id="flow-') == 1 and 'data-measure="started">2<' in whole
    one = signed_in.get(f"/?flow={two_versions}&version=2").get_data(as_text=True)
    assert 'data-measure="started">1<' in one and "AI and us (version 2)" in one


def test_answers_and_their_download_can_be_narrowed_to_a_set_and_version(signed_in,
                                                                         two_versions):
    page = text_of(signed_in.get(f"/answers?flow={two_versions}&version=1"))
    assert " one " in page and " two " not in page
    response = signed_in.post("/answers/export.csv", {"flow": two_versions, "version": "1"})
    assert "answers-ai-and-us-v1-" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {(r["flow_version"], r["answer"]) for r in rows if r["question_id"] == "q1"} == {
        ("1", "one")}


def test_a_version_once_published_is_never_changed_by_the_page(signed_in, runtime):
    write(runtime, "AI and us", "First?", keyword="AI")
    flashed = signed_in.get("/question-sets/ai-and-us/edit")
    assert flashed.headers["Location"] == "/question-sets/ai-and-us"
    signed_in.post("/question-sets/ai-and-us/draft")
    signed_in.post("/question-sets/ai-and-us/edit", form(**{"q1.text": "Changed?"}))
    with runtime.store.transaction() as db:
        bodies = {v.version: v.body["steps"][1]["text"] for v in db.scalars(
            select(QuestionSetVersion))  if v.set_id == "ai-and-us"}
    assert bodies == {1: "First?", 2: "Changed?"}


def test_the_question_filter_names_questions_by_number_and_set(signed_in, two_versions):
    every = signed_in.get("/answers").get_data(as_text=True)
    assert '<option value="q1">AI and us: Question 1</option>' in every
    assert '<option value="value">Over a Brew - what matters to you: Question 1</option>' in every
    narrowed = signed_in.get(f"/answers?flow={two_versions}").get_data(as_text=True)
    assert '<option value="q1">Question 1</option>' in narrowed and 'value="value"' not in narrowed
