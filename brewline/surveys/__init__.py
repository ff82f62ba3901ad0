"""Surveys: the question sets, each person's progress through one, and what they answered.

Runs the pure engine (flows/) against the database: load a person's state, advance it by
what they did, keep the answers and consent it returns, save the new state. Also the
answer window (several texts joined into one open answer), the one gentle nudge for a
survey left quiet, the "you said, we did" update to people who answered, and the checks
that question texts are plain, short and cheap to send.
"""
from __future__ import annotations

from brewline.delivery import claiming
from brewline.surveys import broadcast, reminders


def register() -> None:
    """Tell the sender when a nudge or an update no longer makes sense."""
    claiming.STILL_WANTED["survey_reminder"] = reminders.survey_reminder_wanted
    claiming.STILL_WANTED["broadcast"] = broadcast.still_wanted
