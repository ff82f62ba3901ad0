"""Suggested themes: answers grouped by meaning on this machine, then renamed, merged,
split and accepted (accepted groups become the answers' themes)."""
from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import select

from brewline.themes import embedding, suggest
from brewline.themes.models import AnswerTag, SuggestedGroup

BUSES = ["the bus never comes on time", "buses are always late", "more buses in the evening",
         "the bus is too expensive", "no bus on a sunday", "bus timetable is wrong"]
PARK = ["the park is dirty", "fix the swings in the park", "more benches in the park",
        "the playground in the park is broken", "park needs toilets", "cut the grass in the park"]


def test_answers_about_the_same_thing_are_suggested_as_one_group(said, runtime):
    said.many(BUSES + PARK)
    with runtime.store.transaction() as db:
        groups = suggest.suggest(db)
    assert sorted(g.size for g in groups) == [6, 6]
    words = {w for g in groups for w in g.words}
    assert {"bus", "park"} <= words | {w.rstrip("es") for w in words}
    for group in groups:
        assert len(group.examples) == suggest.SHOWN
        assert all(("bus" in t) == ("bus" in group.examples[0]) for t in group.examples)


def test_accepting_a_group_gives_each_of_its_answers_the_theme_and_suggests_them_no_more(
        said, runtime, organiser):
    ids = said.many(BUSES + PARK)
    with runtime.store.transaction() as db:
        groups = suggest.suggest(db)
        buses = next(g for g in groups if "bus" in g.examples[0])
        added = suggest.accept(db, buses.id, "  Buses ", organiser.user_id)
    assert added == 6
    with runtime.store.transaction() as db:
        tagged = db.execute(select(AnswerTag.answer_id, AnswerTag.theme)).all()
        assert sorted(tagged) == [(i, "buses") for i in ids[:6]]
        assert [s.answer_id for s in suggest.open_answers(db)] == ids[6:]
        assert [g.id for g in suggest.shown(db)] != [buses.id]


def test_merging_moves_every_answer_and_renaming_keeps_the_new_name(said, runtime):
    said.many(BUSES + PARK)
    with runtime.store.transaction() as db:
        first, second = suggest.suggest(db)
        suggest.merge(db, first.id, second.id)
        suggest.rename(db, second.id, "  out   and about ")
    with runtime.store.transaction() as db:
        [merged] = suggest.shown(db)
    assert (merged.id, merged.name, merged.size) == (second.id, "out and about", 12)


def test_splitting_a_mixed_group_gives_two_groups_of_the_two_meanings(said, runtime):
    said.many(BUSES + PARK)
    with runtime.store.transaction() as db:
        first, second = suggest.suggest(db)
        suggest.merge(db, first.id, second.id)
        suggest.split(db, second.id)
        halves = suggest.shown(db)
    assert sorted(h.size for h in halves) == [6, 6]
    assert {("bus" in h.examples[0]) for h in halves} == {True, False}


def test_a_group_that_is_gone_or_a_blank_name_gets_a_plain_reason(said, runtime):
    said.many(BUSES)
    with runtime.store.transaction() as db:
        group = suggest.suggest(db)[0]
        with pytest.raises(suggest.Problem, match="Give the theme a name"):
            suggest.rename(db, group.id, "   ")
        with pytest.raises(suggest.Problem, match="Suggest themes again"):
            suggest.accept(db, group.id + 1000, "x", None)


def test_suggesting_again_replaces_the_groups_not_yet_accepted(said, runtime):
    said.many(BUSES + PARK)
    with runtime.store.transaction() as db:
        suggest.suggest(db)
        suggest.suggest(db)
        assert len(db.scalars(select(SuggestedGroup)).all()) == 2


def test_an_erased_persons_answers_leave_the_suggested_groups(said, runtime):
    from brewline.people.models import Contact
    from brewline.privacy import erasure
    from brewline.surveys.models import Answer

    said.many(BUSES + PARK)
    with runtime.store.transaction() as db:
        suggest.suggest(db)
        person = db.get(Contact, db.scalars(select(Answer.contact_id).where(
            Answer.text == BUSES[0])).one())
        erasure.erase(db, person)
    with runtime.store.transaction() as db:
        assert sorted(g.size for g in suggest.shown(db)) == [5, 6]
        assert all(BUSES[0] not in g.examples for g in suggest.shown(db))


def test_without_the_model_suggesting_says_how_to_turn_it_on(said, runtime):
    said.many(BUSES)

    def missing() -> embedding.Model:
        raise embedding.Unavailable(embedding.HOW_TO_TURN_ON)

    with runtime.store.transaction() as db:
        with pytest.raises(embedding.Unavailable, match=r"pip install -e '\.\[themes\]'"):
            suggest.suggest(db, load=missing)


def test_when_the_model_package_cannot_be_imported_loading_says_how_to_turn_it_on():
    # A separate Python in which `import wordllama` fails, as on an install without the extra.
    code = ("import sys; sys.modules['wordllama'] = None\n"
            "from brewline.themes import embedding\n"
            "try:\n    embedding.load()\nexcept embedding.Unavailable as exc:\n    print(exc)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == embedding.HOW_TO_TURN_ON


def test_two_thousand_answers_are_grouped_well_under_a_minute():
    import time

    texts = [f"{t} ({i})" for i in range(167) for t in BUSES + PARK][:2000]
    model = embedding.load()
    from brewline.themes import grouping

    started = time.perf_counter()
    labels = grouping.group(model.embed(texts))
    assert time.perf_counter() - started < 60
    assert len(labels) == 2000 and len(set(labels.tolist())) >= 2


def test_without_the_themes_part_every_other_module_imports_and_loading_says_so():
    # A separate Python in which the extra's packages cannot be imported at all.
    code = """
import importlib, pkgutil, sys
for name in ("wordllama", "sklearn", "numpy", "scipy", "threadpoolctl"):
    sys.modules[name] = None
import brewline, flows, workers
skipped = {"brewline.themes.grouping"}  # the one module that is the extra's own
for package in (brewline, flows, workers):
    for found in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if found.name not in skipped and not found.name.endswith("__main__"):
            importlib.import_module(found.name)
from brewline.themes import embedding
try:
    embedding.load()
except embedding.Unavailable:
    print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "ok"
