"""Surveys: the question sets, each person's progress through one, and what they answered.

Question sets live in the database, versioned (`question_sets.py`: drafts, publishing,
closing, the default, YAML in and out, the shipped sets written on `db upgrade`); each
process keeps the published versions in memory (`catalogue.py`). Runs the pure engine
(flows/) against the database: load a person's state in their set, advance it by what
they did, keep the answers and consent it returns, save the new state. Also asking
people to answer a set (`asking.py`), trying a draft (`trials.py`), the answer window
(several texts joined into one open answer), the one gentle nudge for a survey left
quiet, the "you said, we did" update to people who answered, and the checks that
question texts are plain, short and cheap to send.
"""
from __future__ import annotations

from brewline.delivery import claiming
from brewline.platform import runtime
from brewline.surveys import asking, broadcast, reminders
from brewline.surveys.catalogue import Catalogue


def register() -> None:
    """Question sets come from the database; tell the sender when a nudge or an update no
    longer makes sense."""
    runtime.use_flow_source(lambda process: Catalogue(process.store))
    claiming.STILL_WANTED["survey_reminder"] = reminders.survey_reminder_wanted
    claiming.STILL_WANTED["broadcast"] = broadcast.still_wanted
    for purpose in asking.PURPOSES:
        claiming.STILL_WANTED[purpose] = asking.still_wanted
