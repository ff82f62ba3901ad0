"""The yearly report as a web page: a whole document for `brewline report`, or the body
alone for the organisers' preview. Autoescaped: answers are people's own words."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from brewline.themes.report import Report

_ENV = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   autoescape=select_autoescape(default=True, default_for_string=True))


def body(report: Report) -> Markup:
    """The report's sections, safe to put inside another page."""
    return Markup(_ENV.get_template("report_body.html").render(report=report))


def document(report: Report) -> str:
    """A whole page that stands on its own (no scripts, no outside files)."""
    return _ENV.get_template("report.html").render(report=report, body=body(report))
