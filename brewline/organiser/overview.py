"""GET /: the overview of every flow, with a drop-off chart per flow."""
from __future__ import annotations

from typing import Callable

from flask import render_template

from brewline.organiser import charts, stats
from brewline.organiser.guard import organiser_blueprint, runtime

bp = organiser_blueprint("overview")
# Extra panels (upcoming events, voucher stock): (template, function(session) -> context).
PANELS: list[tuple[str, Callable]] = []
# The same, shown above the flows: things an organiser should look at first.
NOTICES: list[tuple[str, Callable]] = []


@bp.get("/")
def overview():
    rt = runtime()
    with rt.store.transaction() as db:
        flows = stats.flow_stats(db, rt.flows)
        panels = [(template, build(db)) for template, build in PANELS]
        notices = [(template, build(db)) for template, build in NOTICES]
    charted = [(f, charts.drop_off(f.questions)) for f in flows]
    return render_template("overview.html", flows=charted, measures=stats.MEASURES,
                           panels=panels, notices=notices)
