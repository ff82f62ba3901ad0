"""The Answers page: read, filter, tag, listen to and export what people said."""
from __future__ import annotations

import io
from datetime import datetime, timezone

from flask import Response, g, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from brewline import exports
from brewline.delivery.twilio_rest import SendError
from brewline.organiser import audit
from brewline.organiser.answers import query as query
from brewline.organiser.answers import recordings
from brewline.organiser.guard import organiser_blueprint, page_error, runtime
from brewline.organiser.overview import narrowing
from brewline.organiser.models import AnswerTag
from brewline.surveys.models import Answer

bp = organiser_blueprint("answers")
MAX_THEME = 80


@bp.get("/answers")
def answers():
    rt, filters = runtime(), query.Filters.from_args(request.args)
    with rt.store.transaction() as db:
        chosen = narrowing(rt.flows, db)
        shown, more = query.find(db, filters)
        themes = query.all_themes(db)
    return render_template(
        "answers.html", groups=query.by_question(rt.flows, shown), filters=filters, more=more,
        themes=themes, chosen=chosen, questions=query.question_choices(rt.flows, chosen.flow),
        channels=query.CHANNELS, count=len(shown))


def _back():
    # Back to the same filtered list, at the answer just changed.
    target = request.form.get("back", "")
    return redirect(target if target.startswith("/answers") else url_for("answers.answers"))


@bp.post("/answers/<int:answer_id>/themes")
def add_theme(answer_id: int):
    theme = " ".join(request.form.get("theme", "").split()).lower()[:MAX_THEME]
    if not theme:
        return page_error(400, "No theme given", "Type a theme, such as 'transport', then add it.")
    try:
        with runtime().store.transaction() as db:
            if db.get(Answer, answer_id) is None:
                return page_error(404, "Answer not found", "That answer no longer exists.")
            db.add(AnswerTag(answer_id=answer_id, theme=theme, user_id=g.user_id))
    except IntegrityError:
        pass  # the answer already has this theme: nothing to do
    return _back()


@bp.post("/answers/<int:answer_id>/themes/remove")
def remove_theme(answer_id: int):
    with runtime().store.transaction() as db:
        for tag in db.query(AnswerTag).filter_by(answer_id=answer_id,
                                                 theme=request.form.get("theme", "")):
            db.delete(tag)
    return _back()


@bp.get("/answers/<int:answer_id>/recording")
def recording(answer_id: int):
    rt = runtime()
    with rt.store.transaction() as db:
        answer = db.get(Answer, answer_id)
        source = answer and (answer.recording_sid or answer.recording_url)
    if not source:
        return page_error(404, "No recording", "This answer has no recording.")
    try:
        audio, content_type = recordings.fetch(rt.settings, source)
    except recordings.NotAvailable as exc:
        return page_error(404, "Recording not available", str(exc))
    except (SendError, ValueError):
        return page_error(502, "Recording not available",
                          "Twilio did not give us this recording just now. Try again later.")
    response = Response(audio, mimetype=content_type)
    response.headers["Cache-Control"] = "private, no-store"
    return response.make_conditional(request, accept_ranges=True, complete_length=len(audio))


@bp.post("/answers/export.csv")
def export_csv():
    include_phone = request.form.get("include_phone") == "yes"
    narrowed = query.Filters.from_args(request.form)
    out = io.StringIO()
    with runtime().store.transaction() as db:
        rows = exports.write(db, "answers", "csv", out, include_phone=include_phone,
                             flow=narrowed.flow or None, version=narrowed.version)
        audit.record(db, g.user_id, "export answers", include_phone=include_phone, rows=rows,
                     flow=narrowed.flow or None, version=narrowed.version)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    which = "".join(f"-{part}" for part in (narrowed.flow, narrowed.version and
                                             f"v{narrowed.version}") if part)
    name = f"answers{which}-{stamp}{'-with-phone-numbers' if include_phone else ''}.csv"
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "private, no-store"})
