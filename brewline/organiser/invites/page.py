"""The Invites page: plan an event, preview its invite (what it says, what it costs, what
must change and what is worth checking), and the list of events. Each event's own page is
event_page.py. Uses the same functions as `brewline events` and `brewline invites`."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import g, redirect, render_template, request, url_for

from brewline.events import editing
from brewline.events import events as planning
from brewline.events.models import Event
from brewline.organiser import audit
from brewline.organiser.dates import zone
from brewline.organiser.guard import organiser_blueprint, runtime
from brewline.organiser.invites import event_page
from brewline.organiser.invites.event_page import BLOCKS
from brewline.organiser.invites.preview import preview_of
from brewline.people import tags

bp = organiser_blueprint("invites")
for rule, view, methods in event_page.ROUTES:
    bp.add_url_rule(rule, view_func=view, methods=methods)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _tag() -> str | None:
    raw = (request.values.get("tag") or "").strip()
    return tags.clean(raw) if raw else None


def draft() -> Event:
    """An event from the form, not saved: enough to preview its invite."""
    return editing.draft(editing.read(request.form, zone(), _now()))


def _list(form, preview=None, error=None, refused=None, status=200):
    with runtime().store.transaction() as db:
        rows = planning.summary(db)
    return render_template("invites.html", rows=rows, form=form, fields=editing.FIELDS,
                           preview=preview, error=error, refused=refused,
                           blocks_for=BLOCKS), status


@bp.get("/invites")
def invites():
    return _list({})


def _preview():
    """The preview of the form's event, or why there is none yet."""
    try:
        with runtime().store.transaction() as db:
            return preview_of(runtime(), db, draft(), _tag(), _now()), None
    except ValueError as exc:
        return None, str(exc)


@bp.post("/invites/preview")
def preview():
    """The live preview (a fragment for the page's script, or the whole page without JS)."""
    shown, error = _preview()
    if request.headers.get("X-Fragment"):
        purpose = "change" if request.form.get("preview_for") == "change" else "create"
        return render_template("invite_preview.html", preview=shown, error=error,
                               blocks=BLOCKS[purpose])
    return _list(request.form, shown, error)


@bp.post("/invites/events")
def create_event():
    """Create the event, unless its invite could never go as it is (the page says why)."""
    try:
        values, tag = editing.read(request.form, zone(), _now()), _tag()
        with runtime().store.transaction() as db:
            created = editing.create(runtime(), db, values)
            audit.record(db, g.user_id, "create event", event_id=created.id)
    except ValueError as exc:
        shown, error = _preview()
        return _list(request.form, shown, error, refused=str(exc), status=400)
    return redirect(url_for("invites.event", event_id=created.id, tag=tag or None,
                            created=1))


def upcoming(db) -> dict:
    """For the overview: events still to come, with how many said yes, maybe and no."""
    now = _now()
    return {"events": [r for r in planning.summary(db) if planning.is_open(r["event"], now)]}
