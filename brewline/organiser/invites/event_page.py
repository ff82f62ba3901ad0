"""One event's page: its invite (what must change first, and why), sending now or later,
scheduled sends and how they went, how the invites got on, who answered, and changing the
event until its invites go. Added to the Invites blueprint by page.py (ROUTES)."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import g, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from brewline.events import attendance, editing, invitations, scheduled
from brewline.events import events as planning
from brewline.events.models import Event
from brewline.organiser import audit
from brewline.organiser.dates import zone
from brewline.organiser.guard import page_error, runtime
from brewline.organiser.invites import delivery
from brewline.organiser.invites.preview import preview_of
from brewline.people import tags
from brewline.people.models import Contact
from brewline.people.phones import mask
from brewline.platform.database import lock

# What the preview says its errors stop, on each form that shows it.
BLOCKS = {"create": "The event cannot be created until these are changed.",
          "change": "The changes cannot be saved until these are changed."}
NO_EVENT = ("No such event", "That event does not exist. It may have been deleted.")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _tag() -> str | None:
    raw = (request.values.get("tag") or "").strip()
    return tags.clean(raw) if raw else None


def _rsvps(db, event_id: int) -> list[dict]:
    rows = db.execute(planning.latest_rsvps(event_id)).all()
    people = {c.id: c for c in db.scalars(select(Contact).where(
        Contact.id.in_([cid for _e, cid, _a in rows])))}
    return [{"pid": people[cid].pid, "name": people[cid].name, "phone": mask(people[cid].phone),
             "answer": answer} for _e, cid, answer in rows if cid in people]


def _shown(event_id: int, tag: str | None, error: str | None = None, status: int = 200):
    now = _now()
    with runtime().store.transaction() as db:
        found = db.get(Event, event_id)
        if found is None:
            return page_error(404, *NO_EVENT)
        page = {"event": found, "preview": preview_of(runtime(), db, found, tag, now),
                "rsvps": _rsvps(db, event_id), "tag": tag or "",
                "counts": next((r for r in planning.summary(db) if r["event"].id == event_id), {}),
                "is_open": planning.is_open(found, now),
                "fixed": editing.why_fixed(db, found, now),
                "schedules": scheduled.of_event(db, event_id), "overdue": scheduled.is_overdue,
                "delivery": delivery.of_event(db, event_id), "now": now,
                "came_by_phone": attendance.count_by_phone(db, event_id)}
    return render_template("invite_event.html", error=error, **page), status


def event(event_id: int):
    try:
        tag = _tag()
    except ValueError as exc:
        return page_error(400, "That tag cannot be used", str(exc))
    return _shown(event_id, tag)


def send(event_id: int):
    try:
        tag = _tag()
        with runtime().store.transaction() as db:
            found = lock(db, Event, event_id)
            if found is None:
                return page_error(404, *NO_EVENT)
            sent = invitations.send(runtime(), db, invitations.plan(runtime(), db, found, tag),
                                    _now())
            audit.record(db, g.user_id, "send invites", event_id=event_id, tag=tag, sent=sent)
    except IntegrityError:
        return _shown(event_id, None, scheduled.RACED, 409)
    except ValueError as exc:
        return _shown(event_id, None, f"The invites were not sent. {exc}", 400)
    return redirect(url_for("invites.event", event_id=event_id, sent=sent))


def _send_at() -> datetime:
    """The local time the organiser chose, in UTC; ValueError with an example if unreadable."""
    try:
        local = datetime.fromisoformat(request.form.get("send_at", "").strip().replace(" ", "T"))
    except ValueError:
        raise ValueError("Choose a date and time to send them, like "
                         f"{_now().year + 1}-06-01 10:00.") from None
    return (local if local.tzinfo else local.replace(tzinfo=zone())).astimezone(timezone.utc)


def schedule(event_id: int):
    """Keep the request and queue it; refused, with the reason, if it could never go."""
    try:
        tag, send_at = _tag(), _send_at()
        with runtime().store.transaction() as db:
            found = lock(db, Event, event_id)
            if found is None:
                return page_error(404, *NO_EVENT)
            row = scheduled.schedule(runtime(), db, found, tag, send_at, _now())
            audit.record(db, g.user_id, "schedule invites", event_id=event_id, tag=tag,
                         scheduled_id=row.id)
    except ValueError as exc:
        return _shown(event_id, None, f"The invites were not scheduled. {exc}", 400)
    return redirect(url_for("invites.event", event_id=event_id, scheduled=row.id)
                    + "#scheduled")


def cancel_schedule(event_id: int, scheduled_id: int):
    with runtime().store.transaction() as db:
        stopped = scheduled.cancel(db, event_id, scheduled_id, _now())
        if stopped:
            audit.record(db, g.user_id, "cancel scheduled invites", event_id=event_id,
                         scheduled_id=scheduled_id)
    if not stopped:
        return _shown(event_id, None, "That send was not waiting any more, so there was "
                                      "nothing to cancel.", 409)
    return redirect(url_for("invites.event", event_id=event_id, unscheduled=1) + "#scheduled")


def _edit_page(found: Event, form: dict, refused: str | None = None, status: int = 200):
    with runtime().store.transaction() as db:
        shown = preview_of(runtime(), db, editing.draft(_values_or(form, found)), None, _now())
    return render_template("invite_edit.html", event=found, form=form, fields=editing.FIELDS,
                           preview=shown, refused=refused, blocks_for=BLOCKS), status


def _values_or(form: dict, found: Event) -> dict:
    """The form's details if they can be read, else the event's own (for the preview)."""
    try:
        return editing.read(form, zone(), _now())
    except ValueError:
        return {f.name: getattr(found, f.name) for f in editing.FIELDS}


def edit(event_id: int):
    with runtime().store.transaction() as db:
        found = db.get(Event, event_id)
        if found is None:
            return page_error(404, *NO_EVENT)
        reason = editing.why_fixed(db, found, _now())
    if reason:
        return page_error(409, "This event cannot be changed now", reason)
    return _edit_page(found, editing.as_typed(found, zone()))


def save_edit(event_id: int):
    try:
        values = editing.read(request.form, zone(), _now())
        with runtime().store.transaction() as db:
            found = lock(db, Event, event_id)
            if found is None:
                return page_error(404, *NO_EVENT)
            changed = editing.change(runtime(), db, found, values, _now())
            audit.record(db, g.user_id, "change event", event_id=event_id, changed=changed)
    except ValueError as exc:
        with runtime().store.transaction() as db:
            found = db.get(Event, event_id)
        return _edit_page(found, request.form, str(exc), 400) if found else page_error(
            404, *NO_EVENT)
    return redirect(url_for("invites.event", event_id=event_id,
                            changed=", ".join(changed) or "nothing"))


# Added to the Invites blueprint (page.py): (rule, view, methods).
ROUTES = [("/invites/<int:event_id>", event, ["GET"]),
          ("/invites/<int:event_id>/send", send, ["POST"]),
          ("/invites/<int:event_id>/schedule", schedule, ["POST"]),
          ("/invites/<int:event_id>/schedule/<int:scheduled_id>/cancel", cancel_schedule,
           ["POST"]),
          ("/invites/<int:event_id>/edit", edit, ["GET"]),
          ("/invites/<int:event_id>/edit", save_edit, ["POST"])]
