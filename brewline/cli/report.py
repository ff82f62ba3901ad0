"""`brewline report --year 2026 --format html|pdf|txt`: the yearly public report."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from brewline.cli.common import now, runtime
from brewline.themes import report_html, report_pdf, report_text
from brewline.themes import report as yearly

# How each format is written: (render, binary).
FORMATS = {
    "html": (report_html.document, False),
    "pdf": (report_pdf.render, True),
    "txt": (report_text.render, False),
}


@click.command("report")
@click.option("--year", type=click.IntRange(2000, 2100), required=True,
              help="The calendar year, such as 2026.")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="html")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file (default: standard output).")
@with_appcontext
def report(year: int, fmt: str, output: str | None) -> None:
    """The year's public report: who took part, themes, what we did (no names or numbers)."""
    rt = runtime()
    with rt.store.transaction() as session:
        figures = yearly.build(session, rt.settings.org_name, year, now())
    render, binary = FORMATS[fmt]
    made = render(figures)
    if output:
        with open(output, "wb" if binary else "w") as handle:
            handle.write(made)
        click.echo(f"Wrote the {year} report to {output}")
    elif binary:
        sys.stdout.buffer.write(made)
    else:
        click.echo(made)
