"""GET /: the overview of every question set (or one, at one version), with a drop-off
chart for each."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import render_template, request

from brewline.organiser import charts, stats
from brewline.organiser.guard import organiser_blueprint, runtime
from brewline.surveys import question_sets

bp = organiser_blueprint("overview")
# Extra panels (upcoming events, voucher stock): (template, function(session) -> context).
PANELS: list[tuple[str, Callable]] = []
# The same, shown above the flows: things an organiser should look at first.
NOTICES: list[tuple[str, Callable]] = []


@bp.get("/")
def overview():
    rt = runtime()
    with rt.store.transaction() as db:
        chosen = narrowing(rt.flows, db)
        flows = stats.flow_stats(db, rt.flows, chosen.flow, chosen.version)
        panels = [(template, build(db)) for template, build in PANELS]
        notices = [(template, build(db)) for template, build in NOTICES]
    charted = [(f, charts.drop_off(f.questions)) for f in flows]
    return render_template("overview.html", flows=charted, measures=stats.MEASURES,
                           panels=panels, notices=notices, chosen=chosen)


@dataclass(frozen=True)
class Narrowing:
    """Which question set (and version) a results page shows; blank means every one."""

    flow: str
    version: int | None
    sets: list  # (id, title) of every published set
    versions: list[int]  # the chosen set's published versions


def narrowing(flows, db) -> Narrowing:
    """The question set and version asked for in the query (?flow=&version=)."""
    sets = [(i, flows.info(i).title) for i in flows.ids()]
    flow = request.args.get("flow", "")
    flow = flow if flow in dict(sets) else ""
    versions = sorted(v.version for v in question_sets.versions(db, flow)
                      if v.status == "published") if flow else []
    raw = request.args.get("version", "")
    version = int(raw) if raw.isdigit() and int(raw) in versions else None
    return Narrowing(flow, version, sets, versions)
