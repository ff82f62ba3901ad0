"""/question-sets/<id>/edit: the form for a draft, and its live checks.

Without JavaScript every button (save, add a question, move it up or down, remove it)
posts the whole form, and the page comes back with the checks beside each field. With
JavaScript the form is also checked as the organiser types (POST .../check), in the same
words as `brewline flows check`.
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import flash, jsonify, redirect, render_template, request, url_for

from brewline.organiser import languages
from brewline.organiser.guard import organiser_blueprint, page_error, runtime
from brewline.organiser.invites.preview import price_per_segment
from brewline.organiser.question_sets import form
from brewline.surveys import question_sets
from brewline.surveys.models import QuestionSet, QuestionSetVersion
from flows import sheet
from flows.sheet import Sheet

bp = organiser_blueprint("question_set_editor")


def _now() -> datetime:
    return datetime.now(timezone.utc)


class NotEditable(ValueError):
    """A draft the page cannot show as a form, with what to do instead."""


def _draft(db, set_id: str) -> tuple[QuestionSet, QuestionSetVersion, Sheet]:
    found = db.get(QuestionSet, set_id)
    draft = question_sets.draft_of(db, set_id) if found else None
    if draft is None:
        raise LookupError
    written = sheet.from_data(draft.body)
    if written is None:
        raise NotEditable
    return found, draft, written


@bp.get("/question-sets/<set_id>/edit")
def edit(set_id: str):
    with runtime().store.transaction() as db:
        try:
            found, draft, written = _draft(db, set_id)
        except LookupError:
            flash("There is no draft to change: press Make changes to start one.")
            return redirect(url_for("question_sets.show", set_id=set_id))
        except NotEditable:
            return _file_only(set_id)
    return _form(found, draft, written)


def _form(found: QuestionSet, draft: QuestionSetVersion, written: Sheet, status: int = 200):
    checked = form.check(written, found.id, price_per_segment(runtime()), languages.switched())
    return render_template(
        "question_set_edit.html", found=found, draft=draft, sheet=written, checked=checked,
        kinds=sheet.KINDS, consents=sheet.CONSENTS, part_labels=form.PART_LABELS,
        main_texts=[k for k in form.MAIN_TEXTS if k in written.texts],
        more_texts=[k for k in written.texts if k not in form.MAIN_TEXTS],
        label=form.label), status


def _file_only(set_id: str):
    return page_error(409, "This draft is changed with a file",
                      "It was written as a file with steps this page cannot show, so the page "
                      "will not change it. Download it from the question set's page, change "
                      "the file, and import it again.")


@bp.post("/question-sets/<set_id>/edit")
def save(set_id: str):
    action = request.form.get("action", "save")
    with runtime().store.transaction() as db:
        try:
            found, draft, previous = _draft(db, set_id)
        except LookupError:
            return page_error(409, "There is no draft to change",
                              "It was published or discarded meanwhile. Nothing was changed.")
        except NotEditable:
            return _file_only(set_id)
        taken = question_sets.question_ids(db, set_id)
        written = _act(form.read(request.form, previous), action, taken)
        question_sets.save_draft(db, draft, sheet.to_data(written, set_id, draft.version),
                                 _now())
    if action == "save":
        flash("Draft saved. People cannot see it until you publish it.")
    return redirect(url_for("question_set_editor.edit", set_id=set_id) + _anchor(action, written))


def _act(written: Sheet, action: str, taken: set[str]) -> Sheet:
    verb, _, question_id = action.partition(":")
    changes = {"add": lambda: sheet.add_question(written, taken),
               "remove": lambda: sheet.remove_question(written, question_id),
               "up": lambda: sheet.move_question(written, question_id, -1),
               "down": lambda: sheet.move_question(written, question_id, +1)}
    return changes[verb]() if verb in changes else written


def _anchor(action: str, written: Sheet) -> str:
    verb, _, question_id = action.partition(":")
    if verb == "add" and written.questions:
        return f"#question-{written.questions[-1].id}"
    return f"#question-{question_id}" if verb in ("up", "down") else ""


@bp.post("/question-sets/<set_id>/check")
def check(set_id: str):
    """The checks for the form as it is now, by field (nothing is saved)."""
    with runtime().store.transaction() as db:
        try:
            _found, _draft_row, previous = _draft(db, set_id)
        except (LookupError, NotEditable):
            return jsonify(error="There is no draft here to check."), 404
    written = form.read(request.form, previous)
    return jsonify(form.check(written, set_id, price_per_segment(runtime()),
                              languages.switched()).to_json())
