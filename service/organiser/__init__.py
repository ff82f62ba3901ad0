"""The organiser web pages: sign-in, overview, answers, contacts and the phone simulator."""
from __future__ import annotations

# (endpoint, label) for the navigation bar; other pages add a line here.
NAV: list[tuple[str, str]] = [
    ("overview.overview", "Overview"),
    ("problems.needs_a_look", "Needs a look"),
    ("answers.answers", "Answers"),
    ("contacts.contacts", "Contacts"),
    ("invites.invites", "Invites"),
    ("vouchers.vouchers_page", "Vouchers"),
    ("simulator.simulator", "Phone simulator"),
]


def blueprints() -> list:
    """Every organiser blueprint, for service.app to register."""
    from service.organiser import (
        answers, auth, contacts_page, invites_page, overview, problems_page, simulator,
        vouchers_page,
    )
    from service.organiser import erase_page  # noqa: F401  (adds its pages to contacts)

    return [auth.bp, overview.bp, problems_page.bp, answers.bp, contacts_page.bp,
            invites_page.bp, vouchers_page.bp, simulator.bp]
