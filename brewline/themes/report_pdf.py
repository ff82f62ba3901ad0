"""The yearly report as a PDF, made with fpdf2: a title, language and author in the
document's properties, each heading a bookmark, real text in the order of the web page,
and tagged: every heading and paragraph is a structure element (H1-H3, P), so screen
readers read it as the web page reads.

fpdf2 tags images itself but has no public call to tag text, so `_tagged` uses the same
two calls its image tagging uses (fpdf2 2.8); a block is never split across pages.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

from brewline.themes.report import Report

if TYPE_CHECKING:
    from fpdf import FPDF

BODY, LINE = 12, 6.5
HEADINGS = {1: 20, 2: 16, 3: 13}
# The PDF's built-in font covers Latin-1; these common characters are written as their
# plain look-alikes, anything else as "?", so a report always comes out.
PLAIN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                       "\u2013": "-", "\u2014": "-", "\u2026": "..."})


def render(report: Report) -> bytes:
    pdf = _document(report)
    _heading(pdf, 1, f"{report.org}: what you said and what we did in {report.year}")
    for level, text in blocks(report):
        if level:
            _heading(pdf, level, text)
        else:
            _para(pdf, text)
    return bytes(pdf.output())


def blocks(report: Report) -> list[tuple[int, str]]:
    """(heading level, text), level 0 for a paragraph; the same content as the web page."""
    out = [(2, "Who took part"), (0, f"{report.people} people took part in {report.year}.")]
    out += [(0, f"- {count} {label}") for label, count in report.ways]
    out += [(2, "Sessions and vouchers"), (0, f"We held {report.sessions} sessions."),
            (0, f"We gave {report.vouchers} vouchers to thank people for their time, worth "
                f"{report.voucher_value} in all."),
            (2, "What you told us, and what we did")]
    for theme in report.themes:
        out += [(3, theme.name.capitalize()),
                (0, f"{theme.answers} answers from {theme.people} people.")]
        out += [(0, f'"{quote}"') for quote in theme.quotes]
        out += [(0, f"We did: {a.what} ({a.done_by}, {a.done_on:%B %Y})"
                    + (f". What changed: {a.changed}" if a.changed else "")) for a in theme.actions]
    if report.other_answers:
        out.append((0, f"{report.other_answers} more answers were about things fewer than 5 "
                       "people raised. We do not list them, so that nobody can be picked out."))
    out += [(0, "We only quote people who said we could, and never with their name."),
            (2, "What happens next"), (0, _next(report))]
    return out


def _next(report: Report) -> str:
    if report.next_sessions:
        return (f"We have {report.next_sessions} more sessions planned. The next one is in "
                f"{report.next_date:%B %Y}.")
    return "We will plan the next sessions soon and send an invite to everyone who asked."


def _document(report: Report) -> FPDF:
    # Imported when a PDF is made: fpdf2 brings Pillow, fontTools and numpy, about 35 MB
    # in every web and job process that would otherwise never make a PDF.
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(_plain(f"{report.org}: what you said and what we did in {report.year}"))
    pdf.set_author(_plain(report.org))
    pdf.set_lang("en-GB")
    pdf.set_creator("Brewline")
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    return pdf


def _heading(pdf: FPDF, level: int, text: str) -> None:
    pdf.set_font("Helvetica", "B", HEADINGS[level])
    _room(pdf, _plain(text), HEADINGS[level] * 0.5, extra=30)
    pdf.start_section(_plain(text), level=level - 1)
    with _tagged(pdf, f"/H{level}"):
        pdf.multi_cell(0, HEADINGS[level] * 0.5, _plain(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _para(pdf: FPDF, text: str) -> None:
    pdf.set_font("Helvetica", "", BODY)
    _room(pdf, _plain(text), LINE)
    with _tagged(pdf, "/P"):
        pdf.multi_cell(0, LINE, _plain(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def _room(pdf: FPDF, text: str, height: float, extra: float = 0) -> None:
    """A new page first when the block (and, for a heading, a little after it) won't fit."""
    lines = len(pdf.multi_cell(0, height, text, dry_run=True, output="LINES"))
    if pdf.get_y() + lines * height + extra > pdf.page_break_trigger:
        pdf.add_page()


@contextmanager
def _tagged(pdf: FPDF, kind: str):
    mcid = pdf.struct_builder.next_mcid_for_page(pdf.page)
    pdf._add_marked_content(struct_type=kind, mcid=mcid)
    pdf._out(f"{kind} <</MCID {mcid}>> BDC")
    yield
    pdf._out("EMC")


def _plain(text: str) -> str:
    return text.translate(PLAIN).encode("latin-1", "replace").decode("latin-1")
