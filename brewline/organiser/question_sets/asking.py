"""/question-sets/<id>/ask: ask people to answer a set, as `brewline flows send` does.

A dry run first, always: the exact text, how many by text and by call, who is left out,
and what it costs. Only people who agreed to hear from us, at civil hours, at the send rate.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from brewline.events import attendance
from brewline.events import events as planning
from brewline.organiser import audit
from brewline.organiser.guard import organiser_blueprint, page_error, runtime
from brewline.organiser.invites.preview import price_per_segment
from brewline.people.models import Tag
from brewline.surveys import asking
from brewline.surveys.models import QuestionSet
from brewline.surveys.question_sets import SetProblem

bp = organiser_blueprint("question_set_asking")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _who() -> tuple[str | None, int | None]:
    """The tag or the event chosen on the form (one of them)."""
    values = request.values
    if values.get("who") == "event":
        raw = values.get("event", "")
        return None, int(raw) if raw.isdigit() else -1
    return (values.get("tag") or "").strip() or None, None


@bp.get("/question-sets/<set_id>/ask")
def ask(set_id: str):
    rt = runtime()
    tag, event_id = _who()
    chosen, error = None, None
    with rt.store.transaction() as db:
        found = db.get(QuestionSet, set_id)
        if found is None:
            return page_error(404, "No such question set", "That question set does not exist.")
        tags = list(db.scalars(select(Tag.name).distinct().order_by(Tag.name)))
        events = [r["event"] for r in planning.summary(db)]
        if tag or event_id is not None:
            try:
                people, described = attendance.chosen_people(db, tag, event_id)
                chosen = asking.plan(rt, db, set_id, people, described)
            except ValueError as exc:
                error = str(exc)
    return render_template("question_set_ask.html", found=found, tags=tags, events=events,
                           tag=tag or "", event_id=event_id, plan=chosen, error=error,
                           notes=_notes(chosen) if chosen else [], zone=_zone(),
                           cost=_cost(chosen) if chosen else 0.0)


@bp.post("/question-sets/<set_id>/ask")
def send(set_id: str):
    rt = runtime()
    tag, event_id = _who()
    try:
        with rt.store.transaction() as db:
            people, described = attendance.chosen_people(db, tag, event_id)
            chosen = asking.plan(rt, db, set_id, people, described)
            sent = asking.send(rt, db, chosen, _now())
            audit.record(db, g.user_id, "ask people to answer a question set", set_id=set_id,
                         tag=tag, event_id=event_id, sent=sent)
    except IntegrityError:
        return page_error(409, "Already going out",
                          "Another send of this question set finished first. Reload to check.")
    except (SetProblem, ValueError) as exc:
        return page_error(400, "Nobody was asked", f"{exc}.")
    flash(f"{sent} {'person' if sent == 1 else 'people'} asked: {len(chosen.texts)} by text, "
          f"{len(chosen.calls)} by phone call. Texts and calls go out between 9am and 8pm.")
    return redirect(url_for("question_sets.show", set_id=set_id))


def _zone() -> ZoneInfo:
    return ZoneInfo(runtime().settings.tz_default)


def _cost(chosen: asking.Plan) -> float:
    return len(chosen.texts) * chosen.encoding.segments * price_per_segment(runtime())


def _notes(chosen: asking.Plan) -> list[str]:
    """What an organiser should read before sending, in plain words."""
    found = [f.message for f in chosen.findings]
    if not chosen.texts and not chosen.calls:
        found.append("Nobody would be asked: nobody here agreed to hear from us, or everyone "
                     "has been asked already.")
    if chosen.cannot_text:
        found.append(f"{chosen.cannot_text} cannot get texts and are left out.")
    if chosen.already:
        found.append(f"{chosen.already} were asked before or are answering it already, so "
                     "they are left out.")
    if runtime().settings.quiet_hours:
        start, end = runtime().settings.quiet_hours
        found.append(f"Nothing goes out between {start:%H:%M} and {end:%H:%M}: anything "
                     "written then waits until the morning.")
    return found
