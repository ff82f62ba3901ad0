"""What was done about a theme, and the "you said, we did" text made from it."""
from __future__ import annotations

from datetime import date

import pytest

from brewline.themes import actions
from brewline.themes.models import AnswerTag, ThemeAction
from flows.readability import MAX_SEGMENTS, check_text, encoding


def done(theme: str, what: str, day: int) -> ThemeAction:
    return ThemeAction(theme=theme, what=what, done_on=date(2026, 6, day), done_by="Team")


def test_the_text_says_the_newest_action_of_each_theme_newest_theme_first():
    text = actions.you_said_we_did("Tynemouth Voices", {
        "buses": [done("buses", "Got a later 42 bus.", 9), done("buses", "Asked", 1)],
        "parks": [done("parks", "Fixed the swings", 3)]})
    assert text == ("Hello from Tynemouth Voices. Thank you for your views. You told us about "
                    "buses. We did this: got a later 42 bus. You told us about parks. We did "
                    "this: fixed the swings. See our report for the year for more.")
    assert check_text(text, "broadcast") == []


def test_the_text_leaves_out_themes_that_would_not_fit_a_broadcast():
    long = "Walked every street in the ward with the roads team and wrote down each hole"
    text = actions.you_said_we_did("Over a Brew", {
        f"theme {n}": [done(f"theme {n}", long, n)] for n in range(1, 6)})
    assert encoding(text).segments <= MAX_SEGMENTS
    assert 1 <= text.count("You told us about") < 3


def test_an_action_needs_a_theme_answers_have_and_words_for_what_and_who(said, runtime):
    [answer] = said.many(["the buses are late"])
    entry = actions.Entry("  Buses ", "Got a later bus", date(2026, 6, 3), "Team", "")
    with runtime.store.transaction() as db:
        with pytest.raises(actions.Problem, match="Choose a theme"):
            actions.record(db, entry, None)
        db.add(AnswerTag(answer_id=answer, theme="buses"))
        db.flush()
        with pytest.raises(actions.Problem, match="what was done and who"):
            actions.record(db, actions.Entry("buses", "  ", date(2026, 6, 3), "Team"), None)
        kept = actions.record(db, entry, None)
        assert (kept.theme, kept.what, kept.changed) == ("buses", "Got a later bus", None)
        assert list(actions.by_theme(db, since=date(2026, 7, 1))) == []
