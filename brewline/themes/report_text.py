"""The yearly report as a short text: a few SMS parts, for a broadcast or a notice board.

Its words are the catalogue's `yearly_report` lines (flows/data/words/en.yaml)."""
from __future__ import annotations

from brewline.themes.report import Report
from flows.words import words

TOP = 3
LONGEST_WHAT = 100  # an action's words are cut at a word past this, to stay a few SMS parts


def ways(report: Report) -> str:
    """'by text (85), by phone call (40), in the room (30)', leaving out the ways nobody used."""
    return ", ".join(f"{label} ({count})" for label, count in report.ways if count.n)


def lines(report: Report) -> list[str]:
    """Each sentence of the short report, in order."""
    found = [_say("title", org_name=report.org, year=report.year),
             _say("people", people=report.people)]
    if ways(report):
        found.append(_say("ways", ways=ways(report)))
    found += [_say("sessions", sessions=report.sessions),
              _say("vouchers", vouchers=report.vouchers, value=report.voucher_value)]
    if report.themes:
        names = ", ".join(t.name for t in report.themes[:TOP])
        found.append(_say("themes", themes=names))
    acted = next((t for t in report.themes if t.actions), None)
    if acted:
        what = _short(acted.actions[0].what.rstrip(" ."))
        found.append(_say("did", theme=acted.name, what=what[:1].lower() + what[1:]))
    if report.next_sessions:
        found.append(_say("next", n=report.next_sessions))
    return found + [_say("thanks")]


def render(report: Report) -> str:
    return " ".join(lines(report))


def _short(what: str) -> str:
    return what if len(what) <= LONGEST_WHAT else what[:LONGEST_WHAT].rsplit(" ", 1)[0] + "..."


def _say(line: str, **values) -> str:
    return words(f"yearly_report.{line}", **values)
