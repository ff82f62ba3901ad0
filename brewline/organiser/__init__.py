"""Organiser pages: what organisers see and do in a browser, signed in.

Sign-in (with a growing lockout), the overview (who got how far, and what needs a look),
the answers (read, filter, tag, listen, export, suggested themes), what was done about
each theme ("we did"), the yearly report, question sets (write one, checked as
you type, try it, publish it, ask people to answer it), contacts (import a spreadsheet, erase a
person), invites (plan an event, preview the text, send or schedule), vouchers (load
codes, the ledger), the Needs a look page (what went wrong, tried again safely), the live page of an
event joined by phone, and a phone simulator that texts or rings the real webhooks. Every form is CSRF-protected,
every page works at 360 px and at 200% zoom, and no page shows a phone number in full.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from brewline.organiser import (
    auth,
    dates,
    guard,
    languages,
    overview,
    vouchers,
    we_did,
    yearly_report,
)
from brewline.organiser.answers import page as answers
from brewline.organiser.answers import themes as answer_themes
from brewline.organiser.contacts import page as contacts
from brewline.organiser.invites import page as invites
from brewline.organiser.live import page as live
from brewline.organiser.needs_a_look import page as needs_a_look
from brewline.organiser.question_sets import asking as question_set_asking
from brewline.organiser.question_sets import editor as question_set_editor
from brewline.organiser.question_sets import page as question_sets
from brewline.organiser.simulator import page as simulator
from brewline.platform import hooks
from brewline.platform.database import DATABASE_DOWN

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def register(app: Flask) -> None:
    """Every organiser page, and what each adds to the overview."""
    for page in (auth, overview, needs_a_look, answers, contacts, invites, vouchers, simulator,
                 question_sets, question_set_editor, question_set_asking, live, answer_themes,
                 we_did, yearly_report):
        app.register_blueprint(page.bp)
    dates.register(app)
    for error in DATABASE_DOWN:
        app.register_error_handler(error, guard.database_down)
    languages.register(app)
    hooks.add(overview.NOTICES, ("overview_problems.html", needs_a_look.counts))
    hooks.add(overview.PANELS, ("overview_events.html", invites.upcoming))
    hooks.add(overview.PANELS, ("overview_vouchers.html", vouchers.stock))
