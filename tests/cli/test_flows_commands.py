"""`brewline flows import|publish|close|list|export` and `brewline export answers --set`."""
from __future__ import annotations

import csv
import io

import pytest
import yaml
from sqlalchemy import select

from brewline.cli import build
from brewline.surveys.models import QuestionSet
from flows.loader import DATA_DIR
from tests.surveys.sets import SHIPPED, write
from tests.texts.test_sms_webhook import replies


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(build(), list(args))


def shipped_as(tmp_path, set_id: str, **changes) -> str:
    data = yaml.safe_load((DATA_DIR / f"{SHIPPED}.yaml").read_text(encoding="utf-8"))
    path = tmp_path / f"{set_id}.yaml"
    path.write_text(yaml.safe_dump(data | {"id": set_id, **changes}), encoding="utf-8")
    return str(path)


def test_import_makes_a_draft_and_prints_its_id(run, runtime, tmp_path):
    result = run("flows", "import", shipped_as(tmp_path, "after-june", title="After June"))
    assert (result.exit_code, result.output) == (0, "after-june\n")
    with runtime.store.transaction() as db:
        found = db.get(QuestionSet, "after-june")
    assert (found.status, found.title) == ("draft", "After June")


def test_import_exits_1_with_every_problem_in_plain_words(run, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: bad\nversion: 1\nsteps:\n - {id: a, kind: open, text: \"It\u2019s "
                    "you\", next: b}\n", encoding="utf-8")
    result = run("flows", "import", str(path))
    assert result.exit_code == 1
    assert f"{path} was not imported. Please fix:" in result.output
    assert "  - missing shared text 'help'" in result.output
    assert "  - step 'a' leads to 'b', which does not exist" in result.output
    assert "Traceback" not in result.output
    assert run("flows", "import", str(tmp_path / "missing.yaml")).output.startswith(
        "Error: cannot read")


def test_publish_close_and_list_say_what_happened_in_one_line(run, runtime, tmp_path):
    run("flows", "import", shipped_as(tmp_path, "after-june", title="After June"))
    assert run("flows", "publish", "after-june").output == (
        "Error: 'after-june' was not published: give it a keyword people can text to start "
        "it, such as AI\n")
    published = run("flows", "publish", "after-june", "--keyword", "june", "--default")
    assert published.output == (
        "after-june version 1 is open: text JUNE to start it (the default set)\n")
    listed = run("flows", "list").output.splitlines()
    assert listed[0] == "after-june\topen (default)\tJUNE\tpublished v1\tAfter June"
    assert listed[1].startswith(f"{SHIPPED}\topen\t-\tpublished v1")
    assert run("flows", "close", "after-june").output == (
        "Error: 'after-june' was not closed: it is the default set: make another open set "
        "the default first\n")
    run("flows", "publish", SHIPPED, "--keyword", "brew", "--default")
    assert run("flows", "close", "after-june").output == "after-june is closed\n"
    assert run("flows", "publish", "nothing").exit_code == 2


def test_export_prints_yaml_that_import_reads_back_as_the_next_draft(run, runtime, tmp_path):
    write(runtime, "AI and us", "What do you use AI for?", keyword="AI")
    exported = run("flows", "export", "ai-and-us")
    assert exported.output.startswith("id: ai-and-us\nversion: 1\ntitle: AI and us\nkeyword: AI\n")
    path = tmp_path / "ai.yaml"
    path.write_text(exported.output, encoding="utf-8")
    assert run("flows", "import", str(path)).output == "ai-and-us\n"
    assert run("flows", "list").output.splitlines()[0].endswith(
        "AI\tpublished v1, draft v2\tAI and us")
    assert run("flows", "export", "ai-and-us", "--version", "7").output == (
        "Error: 'ai-and-us' has no version 7\n")


def test_answers_export_can_be_narrowed_to_one_set_and_version(run, runtime, twilio):
    write(runtime, "AI and us", "What do you use AI for?", keyword="AI")
    for body in ("hi", "yes", "The tea", "AI", "yes", "Letters"):
        replies(twilio.text(body))
    rows = list(csv.DictReader(io.StringIO(
        run("export", "answers", "--set", "ai-and-us", "--version", "1").output)))
    assert {(r["flow"], r["flow_version"], r["question_id"]) for r in rows} == {
        ("ai-and-us", "1", "welcome"), ("ai-and-us", "1", "q1")}
    everything = list(csv.DictReader(io.StringIO(run("export", "answers").output)))
    assert {r["flow"] for r in everything} == {SHIPPED, "ai-and-us"}
    assert run("export", "contacts", "--set", "ai-and-us").exit_code == 2


def test_the_shipped_file_imports_unchanged_as_a_new_set(run, runtime, tmp_path):
    assert run("flows", "import", shipped_as(tmp_path, "copy")).exit_code == 0
    with runtime.store.transaction() as db:
        assert db.scalars(select(QuestionSet.id).order_by(QuestionSet.id)).all() == [
            "copy", SHIPPED]
