"""Question sets in the database: the shipped set on db upgrade, versions that never change,
keywords, publishing and closing, YAML in and out, and each process's catalogue."""
from __future__ import annotations

import shutil
from dataclasses import replace

import pytest
import yaml
from flask.cli import ScriptInfo
from sqlalchemy import delete, select

from brewline.cli import build
from brewline.platform.runtime import Runtime
from brewline.surveys import question_sets
from brewline.surveys.catalogue import REFRESH_SECONDS, Catalogue
from brewline.surveys.models import QuestionSet, QuestionSetVersion
from brewline.surveys.question_sets import SetProblem
from flows import loader, sheet
from flows.loader import DATA_DIR
from tests.surveys.sets import SHIPPED, WRITTEN_AT, close, new_version, publish, write


def sets(runtime) -> dict[str, QuestionSet]:
    with runtime.store.transaction() as db:
        return {s.id: s for s in db.scalars(select(QuestionSet))}


def test_db_upgrade_writes_the_shipped_set_published_open_and_the_default_once(app, runtime):
    with runtime.store.transaction() as db:
        db.execute(delete(QuestionSet))
    runner = app.test_cli_runner()
    first = runner.invoke(build(), ["db", "upgrade"], obj=ScriptInfo(create_app=lambda: app))
    again = runner.invoke(build(), ["db", "upgrade"], obj=ScriptInfo(create_app=lambda: app))
    assert first.output == f"database is up to date; question sets added: {SHIPPED}\n"
    assert again.output == "database is up to date\n"
    shipped = sets(runtime)[SHIPPED]
    assert (shipped.status, shipped.is_default, shipped.keyword) == ("open", True, None)
    with runtime.store.transaction() as db:
        [version] = db.scalars(select(QuestionSetVersion)).all()
    assert (version.version, version.status) == (1, "published")
    assert loader.build(version.body) == loader.load_file(DATA_DIR / f"{SHIPPED}.yaml")


def test_active_flow_only_seeds_the_default(runtime, tmp_path):
    for name, title in (("first", "First"), ("second", "Second")):
        data = yaml.safe_load((DATA_DIR / f"{SHIPPED}.yaml").read_text(encoding="utf-8"))
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(data | {
            "id": name, "title": title, "keyword": name[:3].upper()}), encoding="utf-8")
    with runtime.store.transaction() as db:
        db.execute(delete(QuestionSet))
    seeding = Runtime(runtime.settings.with_(flows_dir=tmp_path, active_flow="second"))
    later = Runtime(seeding.settings.with_(active_flow="first"))
    try:
        assert question_sets.seed(seeding, WRITTEN_AT) == ["first", "second"]
        found = sets(runtime)
        assert [s for s in found if found[s].is_default] == ["second"]
        assert (found["first"].keyword, found["second"].keyword) == ("FIR", "SEC")
        assert question_sets.seed(later, WRITTEN_AT) == []
    finally:
        seeding.close()
        later.close()
    assert sets(runtime)["second"].is_default


def test_a_published_version_never_changes_and_editing_makes_the_next_version(runtime):
    set_id = write(runtime, "AI and us", "What do you use AI for?", keyword="AI")
    with runtime.store.transaction() as db:
        published = question_sets.newest_published(db, set_id)
        with pytest.raises(SetProblem, match="never changes"):
            question_sets.save_draft(db, published, published.body, WRITTEN_AT)
        draft = question_sets.edit(db, set_id, WRITTEN_AT)
        assert (draft.version, draft.status) == (2, "draft")
        assert question_sets.edit(db, set_id, WRITTEN_AT).id == draft.id  # one draft at a time
    assert new_version(runtime, set_id, "What worries you?") == 2
    with runtime.store.transaction() as db:
        bodies = {v.version: v.body for v in question_sets.versions(db, set_id)}
    assert bodies[1]["steps"][1]["text"] == "What do you use AI for?"
    assert bodies[2]["steps"][1]["text"] == "What worries you?"


@pytest.mark.parametrize("word, why", [
    ("STOP", "already means something"), ("yes", "already means something"),
    ("hello", "already means something"), ("maybe", "already means something"),
    ("A", "cannot be a keyword"), ("two words", "cannot be a keyword"),
    ("7UP", "cannot be a keyword")])
def test_a_keyword_is_one_word_people_would_not_text_for_anything_else(runtime, word, why):
    set_id = write(runtime, "AI and us", "What do you use AI for?")
    with pytest.raises(SetProblem, match=why):
        publish(runtime, set_id, word)


def test_publishing_needs_a_keyword_that_no_open_set_has(runtime):
    first = write(runtime, "AI and us", "What do you use AI for?")
    with pytest.raises(SetProblem, match="give it a keyword"):
        publish(runtime, first)
    publish(runtime, first, "ai")
    second = write(runtime, "AI again", "And now?")
    with pytest.raises(SetProblem, match="AI is already the keyword of 'AI and us'"):
        publish(runtime, second, "AI")
    close(runtime, first)
    publish(runtime, second, "AI")  # a closed set gives its keyword up
    found = sets(runtime)
    assert (found[first].keyword, found[second].keyword) == (None, "AI")


def test_publishing_is_refused_while_a_text_would_take_three_sms_parts(runtime):
    set_id = write(runtime, "Long", "word " * 80)
    with pytest.raises(SetProblem, match="q1.text \\[en\\]: 3 SMS parts: make it shorter"):
        publish(runtime, set_id, "LONG")
    assert sets(runtime)[set_id].status == "draft"


def test_the_default_set_cannot_be_closed_while_another_is_open(runtime):
    write(runtime, "AI and us", "What do you use AI for?", keyword="AI")
    with pytest.raises(SetProblem, match="make another open set the default first"):
        close(runtime, SHIPPED)
    with runtime.store.transaction() as db:
        question_sets.make_default(runtime, db, "ai-and-us", WRITTEN_AT)
    close(runtime, SHIPPED)
    found = sets(runtime)
    assert (found[SHIPPED].status, found["ai-and-us"].is_default) == ("closed", True)


def test_a_set_goes_out_as_yaml_and_comes_back_in_as_a_draft_of_the_same_set(runtime):
    set_id = write(runtime, "AI and us", "What do you use AI for?", keyword="AI")
    with runtime.store.transaction() as db:
        text = question_sets.to_yaml(question_sets.newest_published(db, set_id).body, "AI")
    assert text.startswith("id: ai-and-us\nversion: 1\ntitle: AI and us\nkeyword: AI\n")
    with runtime.store.transaction() as db:
        draft = question_sets.import_data(db, question_sets.from_yaml(text, "ai.yaml"),
                                          "ai.yaml", WRITTEN_AT)
        assert (draft.set_id, draft.version, draft.status) == (set_id, 2, "draft")
        again = loader.build(draft.body)
    assert again.steps == loader.build(yaml.safe_load(text)).steps


def test_a_file_with_problems_is_refused_with_every_one_of_them(runtime):
    data = yaml.safe_load((DATA_DIR / f"{SHIPPED}.yaml").read_text(encoding="utf-8"))
    data["id"] = "broken"
    data["steps"][1]["next"] = "nowhere"
    data["steps"][2]["text"] = "It\u2019s " + "long " * 80
    with runtime.store.transaction() as db, pytest.raises(loader.FlowError) as raised:
        question_sets.import_data(db, data, "broken.yaml", WRITTEN_AT)
    assert "step 'value' leads to 'nowhere', which does not exist" in raised.value.problems
    with runtime.store.transaction() as db:
        data["steps"][1]["next"] = "promises"
        with pytest.raises(loader.FlowError) as raised:
            question_sets.import_data(db, data, "broken.yaml", WRITTEN_AT)
    assert [p.split(": ")[0] for p in raised.value.problems] == ["promises.text [en]"] * 2
    assert "broken" not in sets(runtime)


def test_a_draft_from_the_page_is_never_a_file_only_draft(runtime):
    set_id = write(runtime, "AI and us", "")  # unfinished: a question with no words yet
    with runtime.store.transaction() as db:
        body = question_sets.draft_of(db, set_id).body
    assert sheet.from_data(body).questions[0].text.translations == {"en": ""}


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_each_process_reads_a_published_version_once_and_sees_changes_within_seconds(runtime):
    clock = Clock()
    other = Catalogue(runtime.store, clock)  # another process's catalogue
    assert other.default_id() == SHIPPED and other.by_keyword("AI") is None
    assert other.get(SHIPPED) is other.get(SHIPPED, 1)  # read once, kept
    write(runtime, "AI and us", "What do you use AI for?", keyword="AI")
    assert runtime.flows.by_keyword("ai").id == "ai-and-us"  # this process: at once
    assert other.by_keyword("AI") is None
    clock.now += REFRESH_SECONDS + 0.1
    assert other.by_keyword("AI").id == "ai-and-us" and other.get("ai-and-us").version == 1


def test_a_draft_is_read_afresh_every_time(runtime):
    set_id = write(runtime, "AI and us", "What do you use AI for?")
    first = runtime.flows.get(set_id, 1)
    with runtime.store.transaction() as db:
        draft = question_sets.draft_of(db, set_id)
        written = replace(sheet.from_data(draft.body), title="AI and you")
        question_sets.save_draft(db, draft, sheet.to_data(written, set_id, 1), WRITTEN_AT)
    assert (first.title, runtime.flows.get(set_id, 1).title) == ("AI and us", "AI and you")
    assert set_id not in runtime.flows.ids()  # never published: nobody can start it


def test_the_flows_from_files_still_load_unchanged(tmp_path):
    shutil.copy(DATA_DIR / f"{SHIPPED}.yaml", tmp_path / "copy.yaml")
    assert loader.Registry.from_dir(tmp_path).get(SHIPPED).total_questions == 5
