"""Suggested themes on the Answers pages: group the answers with no theme yet, then rename,
merge, split and accept the groups (accepted groups become the answers' themes).

The model is loaded by `current_app.config["THEMES_LOADER"]` when set (a test gives one
that fails as a missing install does), else `embedding.load`.
"""
from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for

from brewline.organiser import audit
from brewline.organiser.guard import organiser_blueprint, page_error, runtime
from brewline.themes import embedding, suggest

bp = organiser_blueprint("themes")


def _loader() -> suggest.Loader:
    return current_app.config.get("THEMES_LOADER", embedding.load)


def _off() -> str | None:
    """Why suggestions are off on this install, in plain words, or None."""
    try:
        _loader()()
    except embedding.Unavailable as exc:
        return str(exc)
    return None


@bp.get("/answers/themes")
def themes_page():
    with runtime().store.transaction() as db:
        groups = suggest.shown(db)
        waiting = len(suggest.open_answers(db))
    return render_template("answer_themes.html", groups=groups, waiting=waiting, off=_off())


def _changing(change, *args, done: str = ""):
    """Run one change to the suggestions; a plain page when it cannot be done."""
    try:
        with runtime().store.transaction() as db:
            result = change(db, *args)
    except embedding.Unavailable as exc:
        return page_error(409, "Suggestions are turned off", str(exc))
    except suggest.Problem as exc:
        return page_error(400, "That did not work", str(exc))
    if done:
        flash(done.format(result=result))
    return redirect(url_for("themes.themes_page"))


@bp.post("/answers/themes/suggest")
def suggest_again():
    return _changing(lambda db: suggest.suggest(db, _loader()))


@bp.post("/answers/themes/<int:group_id>/rename")
def rename(group_id: int):
    return _changing(suggest.rename, group_id, request.form.get("name", ""))


@bp.post("/answers/themes/<int:group_id>/merge")
def merge(group_id: int):
    into = request.form.get("into", "")
    if not into.isdigit():
        return page_error(400, "Choose a group", "Choose the group to merge this one into.")
    return _changing(suggest.merge, group_id, int(into))


@bp.post("/answers/themes/<int:group_id>/split")
def split(group_id: int):
    return _changing(lambda db: suggest.split(db, group_id, _loader()))


@bp.post("/answers/themes/<int:group_id>/accept")
def accept(group_id: int):
    name = request.form.get("name", "")

    def accepting(db):
        added = suggest.accept(db, group_id, name, g.user_id)
        audit.record(db, g.user_id, "accept theme", group=group_id, answers=added)
        return added
    return _changing(accepting, done="Theme accepted: {result} answers have it now.")
