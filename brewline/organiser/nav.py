"""The navigation bar every organiser page shows."""
from __future__ import annotations

# (endpoint, label) for the navigation bar, in order.
NAV: list[tuple[str, str]] = [
    ("overview.overview", "Overview"),
    ("problems.needs_a_look", "Needs a look"),
    ("answers.answers", "Answers"),
    ("we_did.we_did_page", "We did"),
    ("yearly_report.report_page", "Yearly report"),
    ("question_sets.question_sets_page", "Question sets"),
    ("contacts.contacts", "Contacts"),
    ("invites.invites", "Invites"),
    ("vouchers.vouchers_page", "Vouchers"),
    ("simulator.simulator", "Phone simulator"),
]
