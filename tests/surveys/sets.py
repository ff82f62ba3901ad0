"""Question sets for tests, written as organisers write them (the page's own functions)."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from brewline.surveys import question_sets
from flows import sheet
from flows.sheet import Question, en

SHIPPED = "over-a-brew-2024-05"
WRITTEN_AT = datetime(2026, 6, 1, 10, 0, tzinfo=timezone.utc)


def questions(*words: str) -> tuple[Question, ...]:
    """Open questions q1, q2, ... with these words."""
    return tuple(Question(f"q{n}", "open", en(w)) for n, w in enumerate(words, 1))


def write(runtime, title: str, *asked: str, keyword: str | None = None,
          default: bool = False) -> str:
    """A new set with these open questions; published (open) when given a keyword."""
    with runtime.store.transaction() as db:
        found = question_sets.create(db, title, WRITTEN_AT)
        set_id = found.id
        draft = question_sets.draft_of(db, set_id)
        written = replace(sheet.new(title), questions=questions(*asked))
        question_sets.save_draft(db, draft, sheet.to_data(written, set_id, 1), WRITTEN_AT)
    if keyword:
        publish(runtime, set_id, keyword, default)
    return set_id


def publish(runtime, set_id: str, keyword: str | None = None, default: bool = False) -> int:
    with runtime.store.transaction() as db:
        return question_sets.publish(runtime, db, set_id, keyword, default, WRITTEN_AT).version


def new_version(runtime, set_id: str, *asked: str) -> int:
    """Edit the set (a new draft from its newest version) so it asks these, and publish it."""
    with runtime.store.transaction() as db:
        draft = question_sets.edit(db, set_id, WRITTEN_AT)
        written = replace(sheet.from_data(draft.body), questions=questions(*asked))
        question_sets.save_draft(db, draft, sheet.to_data(written, set_id, draft.version),
                                 WRITTEN_AT)
    return publish(runtime, set_id)


def close(runtime, set_id: str) -> None:
    with runtime.store.transaction() as db:
        question_sets.close(runtime, db, set_id, WRITTEN_AT)
