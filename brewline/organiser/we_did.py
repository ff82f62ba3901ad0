"""The "We did" page: what was done about each theme, and the "you said, we did" text
sent through the existing broadcast to people who answered and agreed to hear from us."""
from __future__ import annotations

from datetime import date

from flask import flash, g, redirect, render_template, request, url_for

from brewline.organiser import audit
from brewline.organiser.answers import query
from brewline.organiser.guard import organiser_blueprint, runtime
from brewline.surveys import broadcast
from brewline.themes import actions

bp = organiser_blueprint("we_did")


def _page(plan: broadcast.Plan | None = None, error: str | None = None, text: str = "",
          status: int = 200, flow: str = ""):
    rt = runtime()
    with rt.store.transaction() as db:
        done = actions.by_theme(db)
        themes = query.all_themes(db)
    text = text or actions.you_said_we_did(rt.settings.org_name, done)
    return render_template("we_did.html", done=done, themes=themes, plan=plan, error=error,
                           text=text, flows=[(f, rt.flows.get(f).title) for f in rt.flows.ids()],
                           chosen_flow=flow, today=date.today()), status


@bp.get("/we-did")
def we_did_page():
    return _page()


def _entry(form) -> actions.Entry:
    try:
        done_on = date.fromisoformat(form.get("done_on", ""))
    except ValueError:
        raise actions.Problem("Give the date it was done, such as 2026-03-14.") from None
    return actions.Entry(form.get("theme", ""), form.get("what", ""), done_on,
                         form.get("done_by", ""), form.get("changed", ""))


@bp.post("/we-did")
def add_action():
    try:
        entry = _entry(request.form)
        with runtime().store.transaction() as db:
            actions.record(db, entry, g.user_id)
    except actions.Problem as exc:
        return _page(error=str(exc), status=400)
    flash(f"Saved what was done about {' '.join(entry.theme.split()).lower()}.")
    return redirect(url_for("we_did.we_did_page"))


@bp.post("/we-did/broadcast")
def send_update():
    """Check first (who would get it, the text's checks); send only when asked to."""
    rt, flow, text = runtime(), request.form.get("flow", ""), request.form.get("text", "")
    sending = request.form.get("send") == "yes"
    try:
        with rt.store.transaction() as db:
            plan = broadcast.plan(rt, db, flow, text)
            sent = broadcast.send(rt, db, plan) if sending else 0
            if sending:
                audit.record(db, g.user_id, "you said we did", flow=flow, sent=sent)
    except broadcast.BroadcastProblem as exc:
        return _page(error=str(exc), text=text, flow=flow, status=400)
    if not sending:
        return _page(plan=plan, text=text, flow=flow)
    flash(f"The update is on its way to {sent} people.")
    return redirect(url_for("we_did.we_did_page"))
