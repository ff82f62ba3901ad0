"""/question-sets: every set, one set (its versions and state), publishing, closing, the
default, trying a draft in the simulator, and YAML files in and out."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Response, flash, g, redirect, render_template, request, url_for

from brewline.organiser import audit, languages
from brewline.organiser.guard import organiser_blueprint, page_error, runtime
from brewline.organiser.invites.preview import price_per_segment
from brewline.organiser.question_sets import form
from brewline.organiser.simulator.page import DEFAULT_NUMBER, NotMadeUp, made_up_number
from brewline.organiser.uploads import accepts_uploads
from brewline.people.phones import BadNumber
from brewline.surveys import question_sets, trials
from brewline.surveys.models import QuestionSet
from brewline.surveys.question_sets import SetProblem
from flows import loader

bp = organiser_blueprint("question_sets")
MAX_FILE = 1024 * 1024


def _now() -> datetime:
    return datetime.now(timezone.utc)


@bp.get("/question-sets")
def question_sets_page():
    return _list()


def _list(error: str | None = None, problems: list[str] | None = None, status: int = 200):
    with runtime().store.transaction() as db:
        rows = question_sets.rows(db)
    return render_template("question_sets.html", rows=rows, error=error,
                           problems=problems or []), status


@bp.post("/question-sets")
def create():
    try:
        with runtime().store.transaction() as db:
            found = question_sets.create(db, request.form.get("title", ""), _now())
            audit.record(db, g.user_id, "write a question set", set_id=found.id)
            set_id = found.id
    except SetProblem as exc:
        return _list(error=f"The question set was not started: {exc}.", status=400)
    return redirect(url_for("question_set_editor.edit", set_id=set_id))


@bp.post("/question-sets/import")
@accepts_uploads
def import_file():
    """The same as `brewline flows import FILE`: the file becomes a draft to try and publish."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _list(error="Choose a YAML file to import.", status=400)
    data = upload.read(MAX_FILE + 1)
    if len(data) > MAX_FILE or b"\x00" in data:
        return _list(error="That is not a question set file (YAML, up to 1 MB).", status=400)
    try:
        with runtime().store.transaction() as db:
            parsed = question_sets.from_yaml(data.decode("utf-8", errors="replace"),
                                             upload.filename)
            draft = question_sets.import_data(db, parsed, upload.filename[:100], _now())
            audit.record(db, g.user_id, "import a question set", set_id=draft.set_id,
                         version=draft.version)
            set_id, number = draft.set_id, draft.version
    except loader.FlowError as exc:
        return _list(error=f"{upload.filename[:100]} was not imported. Please fix:",
                     problems=[form.plain(p) for p in exc.problems], status=400)
    flash(f"Imported as a draft (version {number}). Try it, then publish it.")
    return redirect(url_for("question_sets.show", set_id=set_id))


@bp.get("/question-sets/<set_id>")
def show(set_id: str):
    rt = runtime()
    with rt.store.transaction() as db:
        found = db.get(QuestionSet, set_id)
        if found is None:
            return page_error(404, "No such question set", "That question set does not exist.")
        versions = question_sets.versions(db, set_id)
    draft = next((v for v in versions if v.status == "draft"), None)
    problems = form.draft_problems(draft.body, set_id, price_per_segment(rt),
                                   languages.switched()) if draft else []
    return render_template("question_set.html", found=found, versions=versions, draft=draft,
                           problems=problems, default_number=DEFAULT_NUMBER,
                           keyword=found.keyword or (draft.body.get("keyword") if draft else ""))


@bp.get("/question-sets/<set_id>/versions/<int:number>.yaml")
def download(set_id: str, number: int):
    with runtime().store.transaction() as db:
        found = db.get(QuestionSet, set_id)
        chosen = [v for v in question_sets.versions(db, set_id) if v.version == number]
    if found is None or not chosen:
        return page_error(404, "No such version",
                          "That version of the question set does not exist.")
    return Response(question_sets.to_yaml(chosen[0].body, found.keyword), mimetype="text/yaml",
                    headers={"Content-Disposition":
                             f'attachment; filename="{set_id}-v{number}.yaml"'})


@bp.post("/question-sets/<set_id>/draft")
def make_changes(set_id: str):
    """Start a new draft from the newest version (a published one never changes)."""
    try:
        with runtime().store.transaction() as db:
            question_sets.edit(db, set_id, _now())
    except SetProblem as exc:
        return page_error(400, "No draft was made", f"{exc}.")
    return redirect(url_for("question_set_editor.edit", set_id=set_id))


@bp.post("/question-sets/<set_id>/publish")
def publish(set_id: str):
    rt = runtime()
    keyword = request.form.get("keyword", "").strip() or None
    try:
        with rt.store.transaction() as db:
            draft = question_sets.draft_of(db, set_id)
            bad = [p for p in form.draft_problems(draft.body, set_id, price_per_segment(rt))
                   if p.level == "error"] if draft else []
            if bad:
                raise SetProblem("it needs fixing first: " + "; ".join(
                    f"{p.label}: {p.message}" for p in bad))
            version = question_sets.publish(rt, db, set_id, keyword,
                                            request.form.get("default") == "yes", _now())
            audit.record(db, g.user_id, "publish a question set", set_id=set_id,
                         version=version.version)
            number = version.version
    except SetProblem as exc:
        return page_error(400, "The question set was not published", f"{exc}.")
    flash(f"Version {number} is published. People can start it now.")
    return redirect(url_for("question_sets.show", set_id=set_id))


@bp.post("/question-sets/<set_id>/close")
def close(set_id: str):
    rt = runtime()
    try:
        with rt.store.transaction() as db:
            question_sets.close(rt, db, set_id, _now())
            audit.record(db, g.user_id, "close a question set", set_id=set_id)
    except SetProblem as exc:
        return page_error(400, "The question set was not closed", f"{exc}.")
    flash("The question set is closed. Anyone who texts it is told kindly, and named the "
          "open ones.")
    return redirect(url_for("question_sets.show", set_id=set_id))


@bp.post("/question-sets/<set_id>/default")
def make_default(set_id: str):
    rt = runtime()
    try:
        with rt.store.transaction() as db:
            question_sets.make_default(rt, db, set_id, _now())
            audit.record(db, g.user_id, "make a question set the default", set_id=set_id)
    except SetProblem as exc:
        return page_error(400, "Nothing was changed", f"{exc}.")
    flash("This is now the default: new people who text with no keyword start it.")
    return redirect(url_for("question_sets.show", set_id=set_id))


@bp.post("/question-sets/<set_id>/try")
def try_it(set_id: str):
    """Put a made-up number at the start of the draft, then open the simulator with it."""
    raw = request.form.get("number", DEFAULT_NUMBER)
    mode = "call" if request.form.get("mode") == "call" else "text"
    try:
        phone = made_up_number(raw)
        with runtime().store.transaction() as db:
            trials.start(db, set_id, phone)
    except BadNumber:
        return page_error(400, "That is not a phone number", "Try one like 07700 900555.")
    except (NotMadeUp, SetProblem) as exc:
        return page_error(400, "The draft cannot be tried yet", f"{exc}.")
    return redirect(url_for("simulator.simulator", number=raw, mode=mode if mode == "call"
                            else None, trying=set_id))
