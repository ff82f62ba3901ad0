"""The Invites page: plan an event, preview its invite (cost, encoding, audience), send or
schedule it, and see who is coming. Uses the same functions as `brewline events/invites`."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import g, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from brewline.events import events as planning
from brewline.events import invitations, scheduled
from brewline.events.models import Event
from brewline.organiser import audit
from brewline.organiser.guard import organiser_blueprint, page_error, runtime
from brewline.organiser.invites.preview import preview_of
from brewline.people import tags
from brewline.people.models import Contact
from brewline.people.phones import mask
from brewline.platform.database import lock

bp = organiser_blueprint("invites")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _zone() -> ZoneInfo:
    return ZoneInfo(runtime().settings.tz_default)


def _tag() -> str | None:
    raw = (request.values.get("tag") or "").strip()
    return tags.clean(raw) if raw else None


def _draft() -> Event:
    """An event from the form, not saved: enough to preview its invite."""
    form = request.form
    starts = planning.parse_starts_at(form.get("starts_at", "").replace("T", " "), _zone(), _now())
    if not planning.plain(form.get("title")) or not planning.plain(form.get("where")):
        raise planning.EventProblem("An event needs a title and a place.")
    return Event(title=planning.plain(form["title"]), starts_at=starts,
                 where=planning.plain(form["where"]), details=planning.plain(form.get("details")))


@bp.get("/invites")
def invites():
    with runtime().store.transaction() as db:
        rows = planning.summary(db)
    return render_template("invites.html", rows=rows, zone=_zone(), form={}, preview=None)


@bp.post("/invites/preview")
def preview():
    """The live preview (a fragment for the page's script, or the whole page without JS)."""
    error, shown = None, None
    try:
        with runtime().store.transaction() as db:
            shown = preview_of(runtime(), db, _draft(), _tag(), _now())
    except ValueError as exc:
        error = str(exc)
    if request.headers.get("X-Fragment"):
        return render_template("invite_preview.html", preview=shown, error=error)
    with runtime().store.transaction() as db:
        rows = planning.summary(db)
    return render_template("invites.html", rows=rows, zone=_zone(), form=request.form,
                           preview=shown, error=error)


@bp.post("/invites/events")
def create_event():
    try:
        draft, tag = _draft(), _tag()
        with runtime().store.transaction() as db:
            event = planning.create(db, draft.title, draft.starts_at, draft.where, draft.details)
            event_id = event.id
    except ValueError as exc:
        return page_error(400, "The event was not created", str(exc))
    return redirect(url_for("invites.event", event_id=event_id, tag=tag or None))


def _rsvps(db, event_id: int) -> list[dict]:
    rows = db.execute(planning.latest_rsvps(event_id)).all()
    people = {c.id: c for c in db.scalars(select(Contact).where(
        Contact.id.in_([cid for _e, cid, _a in rows])))}
    return [{"pid": people[cid].pid, "name": people[cid].name, "phone": mask(people[cid].phone),
             "answer": answer} for _e, cid, answer in rows if cid in people]


@bp.get("/invites/<int:event_id>")
def event(event_id: int):
    try:
        tag = _tag()
    except ValueError as exc:
        return page_error(400, "That tag cannot be used", str(exc))
    with runtime().store.transaction() as db:
        found = db.get(Event, event_id)
        if found is None:
            return page_error(404, "No such event", "That event does not exist.")
        shown = preview_of(runtime(), db, found, tag, _now())
        rsvps = _rsvps(db, event_id)
        counts = next((r for r in planning.summary(db) if r["event"].id == event_id), {})
    return render_template("invite_event.html", event=found, preview=shown, rsvps=rsvps,
                           tag=tag or "", zone=_zone(), counts=counts,
                           is_open=planning.is_open(found, _now()))


@bp.post("/invites/<int:event_id>/send")
def send(event_id: int):
    try:
        tag = _tag()
        with runtime().store.transaction() as db:
            found = lock(db, Event, event_id)
            if found is None:
                return page_error(404, "No such event", "That event does not exist.")
            sent = invitations.send(runtime(), db, invitations.plan(runtime(), db, found, tag),
                                    _now())
            audit.record(db, g.user_id, "send invites", event_id=event_id, tag=tag, sent=sent)
    except IntegrityError:
        return page_error(409, "Invites are already going out",
                          "Another send for this event finished first. Reload to check.")
    except ValueError as exc:
        return page_error(400, "The invites were not sent", str(exc))
    return redirect(url_for("invites.event", event_id=event_id, sent=sent))


@bp.post("/invites/<int:event_id>/schedule")
def schedule(event_id: int):
    try:
        tag = _tag()
        local = datetime.fromisoformat(request.form.get("send_at", "").replace(" ", "T"))
    except ValueError:
        return page_error(400, "The invites were not scheduled",
                          "Choose a date and time to send them, like 2027-06-01 10:00.")
    when = (local if local.tzinfo else local.replace(tzinfo=_zone())).astimezone(timezone.utc)
    if when <= _now():
        return page_error(400, "The invites were not scheduled", "That time has passed.")
    runtime().queue.enqueue_at(when, scheduled.send_invites, event_id, tag)
    with runtime().store.transaction() as db:
        audit.record(db, g.user_id, "schedule invites", event_id=event_id, tag=tag,
                     at=when.isoformat())
    return redirect(url_for("invites.event", event_id=event_id, scheduled=when.isoformat()))


def upcoming(db) -> dict:
    """For the overview: events still to come, with how many said yes, maybe and no."""
    now = _now()
    return {"events": [r for r in planning.summary(db) if planning.is_open(r["event"], now)],
            "zone": _zone()}
