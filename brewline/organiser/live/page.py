"""/events/<id>/live: who is in the phone call, who asked to speak (in order), and the
buttons to let them speak, mute them, lower a hand, announce a break or end it.

It refreshes itself (live.js fetches the room part every few seconds) and, without
JavaScript, with the browser's refresh. No phone number is ever shown: callers are
their first name from contacts, or "Caller 2".
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy.orm import Session

from brewline.events import attendance
from brewline.events.models import Event
from brewline.live import control, names, sessions
from brewline.live.models import LiveCaller
from brewline.live.words import PAGE
from brewline.organiser import audit
from brewline.organiser.guard import organiser_blueprint, page_error, runtime
from brewline.platform.database import DATABASE_DOWN

bp = organiser_blueprint("live")
NO_EVENT = ("No such event", "That event does not exist. It may have been deleted.")
REFRESH_SECONDS = 5


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _caller_row(db: Session, caller: LiveCaller) -> dict:
    return {"id": caller.id, "name": names.name_of(db, caller), "muted": caller.muted,
            "hand": caller.hand_at is not None, "host": caller.is_host}


def _room(db: Session, event: Event, now: datetime) -> dict:
    live = sessions.of_event(db, event.id)
    return {"event": event, "live": live, "open": sessions.is_live(db, event.id, now),
            "on_break": sessions.on_break(live, now),
            "opens_at": event.starts_at - sessions.OPENS_BEFORE,
            "in_room": [_caller_row(db, c) for c in sessions.in_room(db, live)],
            "hands": [_caller_row(db, c) for c in sessions.hands(db, live)],
            "came_by_phone": attendance.count_by_phone(db, event.id), "refresh": REFRESH_SECONDS}


def _page(event_id: int, template: str):
    with runtime().store.transaction() as db:
        event = db.get(Event, event_id)
        if event is None:
            return page_error(404, *NO_EVENT)
        if not event.by_phone:
            return render_template("live.html", event=event, not_by_phone=True)
        shown = _room(db, event, _now())
        return render_template(template, our_number=runtime().settings.twilio_phone_number,
                               **shown)


@bp.get("/events/<int:event_id>/live")
def live_page(event_id: int):
    try:
        if request.args.get("part") == "room":
            return _page(event_id, "live_room.html")
        return _page(event_id, "live.html")
    except DATABASE_DOWN:
        body, status = page_error(503, "The database cannot be reached", PAGE["database_down"])
        # The page says it will catch up by itself: without JavaScript too.
        return body, status, {"Refresh": str(REFRESH_SECONDS)}


def _act(event_id: int, what: str, caller_id: int | None):
    with runtime().store.transaction() as db:
        event = db.get(Event, event_id)
        if event is None or not event.by_phone:
            return page_error(404, *NO_EVENT)
        try:
            said = control.run(runtime(), db, event_id, what, caller_id, _now())
        except KeyError:
            return page_error(404, "Nothing to do that to",
                              "That caller or that button is not part of this session.")
        audit.record(db, g.user_id, f"live {what}", event_id=event_id, caller_id=caller_id)
    if said:
        flash(said)
    return redirect(url_for("live.live_page", event_id=event_id))


@bp.post("/events/<int:event_id>/live/callers/<int:caller_id>/<what>")
def caller_action(event_id: int, caller_id: int, what: str):
    """Unmute, mute or lower the hand of one caller."""
    if what not in control.FOR_CALLERS:
        return page_error(404, "No such button", "That is not something the live page does.")
    return _act(event_id, what, caller_id)


@bp.post("/events/<int:event_id>/live/<what>")
def session_action(event_id: int, what: str):
    """Announce a break, or end the session."""
    if what not in control.FOR_SESSION:
        return page_error(404, "No such button", "That is not something the live page does.")
    return _act(event_id, what, None)




