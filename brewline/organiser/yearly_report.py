"""The yearly report page: preview the public report for a year, download it as PDF,
a web page or a short text. The same report as `brewline report`."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Response, render_template, request

from brewline.organiser.guard import organiser_blueprint, page_error, runtime
from brewline.themes import report as yearly
from brewline.themes import report_html, report_pdf, report_text

bp = organiser_blueprint("yearly_report")
# format -> (render, content type, file ending)
DOWNLOADS = {
    "pdf": (report_pdf.render, "application/pdf", "pdf"),
    "html": (report_html.document, "text/html; charset=utf-8", "html"),
    "txt": (report_text.render, "text/plain; charset=utf-8", "txt"),
}


def _year() -> int | None:
    raw = request.args.get("year", "")
    if not raw:
        return datetime.now(timezone.utc).year
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None


def _build(year: int) -> yearly.Report:
    rt = runtime()
    with rt.store.transaction() as db:
        return yearly.build(db, rt.settings.org_name, year, datetime.now(timezone.utc))


@bp.get("/report")
def report_page():
    year = _year()
    if year is None:
        return page_error(400, "Not a year", "Give a year such as 2026.")
    built = _build(year)
    return render_template("yearly_report.html", year=year, body=report_html.body(built),
                           short=report_text.render(built), org=built.org)


@bp.get("/report/download")
def download():
    year, fmt = _year(), request.args.get("format", "pdf")
    if year is None or fmt not in DOWNLOADS:
        return page_error(400, "Cannot make that download",
                          "Choose a year such as 2026 and PDF, web page or text.")
    render, content_type, ending = DOWNLOADS[fmt]
    made = render(_build(year))
    return Response(made, content_type=content_type, headers={
        "Content-Disposition": f'attachment; filename="report-{year}.{ending}"',
        "Cache-Control": "private, no-store"})
