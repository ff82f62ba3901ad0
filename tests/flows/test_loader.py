"""Flow files are validated when loaded: every problem named, none silently accepted."""
from __future__ import annotations

import copy

import pytest
import yaml

from flows.loader import FlowError, Registry, build, load_file
from tests.flows.transcript import DATA


def raw():
    return yaml.safe_load((DATA / "every_kind.yaml").read_text())


def problems(data) -> list[str]:
    with pytest.raises(FlowError) as caught:
        build(data)
    return caught.value.problems


def test_a_good_flow_loads_into_frozen_dataclasses():
    flow = build(raw())
    assert (flow.id, flow.version, flow.total_questions) == ("every-kind", 3, 2)
    with pytest.raises(AttributeError):
        flow.version = 4


def test_a_route_to_a_missing_step_is_named():
    data = raw()
    data["steps"][2]["next"] = "nowhere"
    assert "step 'colour' leads to 'nowhere', which does not exist" in problems(data)


def test_a_step_nothing_leads_to_is_named():
    data = raw()
    data["steps"].append({"id": "orphan", "kind": "end", "text": "Lonely."})
    assert "step 'orphan' can never be reached" in problems(data)


def test_missing_texts_are_named():
    data = raw()
    del data["steps"][1]["text"]
    del data["texts"]["help"]
    found = problems(data)
    assert "ready.text needs English text" in found
    assert "missing shared text 'help'" in found


def test_unknown_kinds_duplicate_ids_and_choiceless_choices_are_named():
    data = raw()
    data["steps"][0]["kind"] = "banner"
    data["steps"].append(copy.deepcopy(data["steps"][-1]))
    data["steps"][3]["choices"] = []
    found = problems(data)
    assert "step 'hello' has unknown kind 'banner'" in found
    assert "step id 'bye' is used twice" in found
    assert "choice step 'contact' has no choices" in found


def test_a_question_without_a_next_route_is_named():
    data = raw()
    del data["steps"][2]["next"]
    assert any("'colour' needs 'next'" in p for p in problems(data))


def test_a_choice_on_a_key_that_always_means_skip_on_a_call_is_named():
    data = raw()
    data["steps"][1]["choices"][1]["digits"] = ["2", "7"]
    assert ("step 'ready' gives key 7 to a choice, but on a call it always means skip"
            in problems(data))


def test_a_file_that_is_not_yaml_is_refused_with_the_reason(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: [unclosed\n")
    with pytest.raises(FlowError, match="not valid YAML"):
        load_file(path)


def test_the_registry_keeps_every_version_and_serves_the_newest_by_default():
    older = build(raw() | {"version": 2})
    newer = build(raw())
    registry = Registry([older, newer])
    assert registry.get("every-kind").version == 3
    assert registry.get("every-kind", 2) is older
    with pytest.raises(KeyError):
        registry.get("no-such-flow")
