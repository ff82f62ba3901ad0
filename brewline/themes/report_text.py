"""The yearly report as a short text: a few SMS parts, for a broadcast or a notice board."""
from __future__ import annotations

from brewline.themes.report import Report

TOP = 3
LONGEST_WHAT = 100  # an action's words are cut at a word past this, to stay a few SMS parts
# Public words, for the people who took part (tests/test_participant_words.py measures them).
WORDS = {
    "title": "{org}: our year {year}.",
    "people": "{people} people took part.",
    "ways": "They joined in {ways}.",
    "sessions": "We held {sessions} sessions.",
    "vouchers": "We gave {vouchers} vouchers, worth {value} in all.",
    "themes": "Most of what you said was about {themes}.",
    "did": "You told us about {theme}. We did this: {what}.",
    "next": "We have {n} more sessions planned.",
    "thanks": "Thank you for taking part.",
}


def ways(report: Report) -> str:
    """'by text (85), by phone call (40), in the room (30)', leaving out the ways nobody used."""
    return ", ".join(f"{label} ({count})" for label, count in report.ways if count.n)


def lines(report: Report) -> list[str]:
    """Each sentence of the short report, in order."""
    found = [WORDS["title"].format(org=report.org, year=report.year),
             WORDS["people"].format(people=report.people)]
    if ways(report):
        found.append(WORDS["ways"].format(ways=ways(report)))
    found += [WORDS["sessions"].format(sessions=report.sessions),
              WORDS["vouchers"].format(vouchers=report.vouchers, value=report.voucher_value)]
    if report.themes:
        names = ", ".join(t.name for t in report.themes[:TOP])
        found.append(WORDS["themes"].format(themes=names))
    acted = next((t for t in report.themes if t.actions), None)
    if acted:
        what = _short(acted.actions[0].what.rstrip(" ."))
        found.append(WORDS["did"].format(theme=acted.name, what=what[:1].lower() + what[1:]))
    if report.next_sessions:
        found.append(WORDS["next"].format(n=report.next_sessions))
    return found + [WORDS["thanks"]]


def render(report: Report) -> str:
    return " ".join(lines(report))


def _short(what: str) -> str:
    return what if len(what) <= LONGEST_WHAT else what[:LONGEST_WHAT].rsplit(" ", 1)[0] + "..."
