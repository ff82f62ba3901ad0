"""`brewline flows`: question sets (flows) from the command line: check files, import a
draft, publish, close, list, export as YAML, and ask people to answer one."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from brewline.cli.common import fail, now, runtime
from brewline.events import attendance
from brewline.surveys import asking, checks, question_sets
from brewline.platform.settings import parse_languages
from flows import loader
from flows.words import switched_on


@click.group()
def flows() -> None:
    """Question sets: files, drafts, publishing, asking people."""


@flows.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def flows_check(files: tuple[Path, ...]) -> None:
    """Validate flows and check their texts are plain, short and cheap to send, in every
    language switched on (LANGUAGES): each text's SMS parts, and translations missing."""
    try:
        wanted = parse_languages(os.environ.get("LANGUAGES", ""))
    except ValueError as exc:
        fail(str(exc))
    sys.exit(checks.run(files, click.echo, switched_on(wanted)))


@flows.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def flows_import(file: Path) -> None:
    """Make a draft from a YAML file (a new set, or a new draft of a known one); prints its id."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {file}: {exc}")
    try:
        with runtime().store.transaction() as session:
            data = question_sets.from_yaml(text, str(file))
            draft = question_sets.import_data(session, data, str(file), now())
    except loader.FlowError as exc:
        click.echo(f"{file} was not imported. Please fix:", err=True)
        for problem in exc.problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(1)
    click.echo(draft.set_id)


@flows.command("publish")
@click.argument("set_id")
@click.option("--keyword", help="The word people text to start it, such as AI.")
@click.option("--default", "make_default", is_flag=True,
              help="New texters with no keyword start this set.")
@with_appcontext
def flows_publish(set_id: str, keyword: str | None, make_default: bool) -> None:
    """Publish a set's draft (or open a closed set again)."""
    rt = runtime()
    try:
        with rt.store.transaction() as session:
            version = question_sets.publish(rt, session, set_id, keyword, make_default, now())
            found = question_sets.get_set(session, set_id)
    except question_sets.SetProblem as exc:
        fail(f"'{set_id}' was not published: {exc}")
    click.echo(f"{set_id} version {version.version} is open: text {found.keyword} to start it"
               + (" (the default set)" if found.is_default else ""))


@flows.command("close")
@click.argument("set_id")
@with_appcontext
def flows_close(set_id: str) -> None:
    """Close a set: nobody can start or carry on with it."""
    rt = runtime()
    try:
        with rt.store.transaction() as session:
            question_sets.close(rt, session, set_id, now())
    except question_sets.SetProblem as exc:
        fail(f"'{set_id}' was not closed: {exc}")
    click.echo(f"{set_id} is closed")


@flows.command("list")
@with_appcontext
def flows_list() -> None:
    """Every question set: state, keyword, versions."""
    with runtime().store.transaction() as session:
        rows = question_sets.rows(session)
    for row in rows:
        found = row.set
        shown = [f"published v{row.published}" if row.published else "never published"]
        shown += [f"draft v{row.draft}"] if row.draft else []
        click.echo(f"{found.id}\t{found.status}{' (default)' if found.is_default else ''}\t"
                   f"{found.keyword or '-'}\t{', '.join(shown)}\t{found.title}")


@flows.command("export")
@click.argument("set_id")
@click.option("--version", "number", type=int, help="Which version (the newest if not given).")
@with_appcontext
def flows_export(set_id: str, number: int | None) -> None:
    """Print a version of a set as YAML, in the format `flows import` reads."""
    with runtime().store.transaction() as session:
        try:
            found = question_sets.get_set(session, set_id)
        except question_sets.SetProblem as exc:
            fail(str(exc))
        chosen = [v for v in question_sets.versions(session, set_id)
                  if number is None or v.version == number]
        if not chosen:
            fail(f"'{set_id}' has no version {number}")
        click.echo(question_sets.to_yaml(chosen[0].body, found.keyword), nl=False)


@flows.command("send")
@click.argument("set_id")
@click.option("--tag", help="People with this tag.")
@click.option("--event", "event_id", type=int, help="People who came to this event.")
@click.option("--dry-run", is_flag=True, help="Show who and the exact text; send nothing.")
@with_appcontext
def flows_send(set_id: str, tag: str | None, event_id: int | None, dry_run: bool) -> None:
    """Ask people who agreed to hear from us to answer a set (once each)."""
    if (tag is None) == (event_id is None):
        fail("say who to ask: --tag TAG or --event EVENT (one of them)")
    rt = runtime()
    try:
        with rt.store.transaction() as session:
            people, described = attendance.chosen_people(session, tag, event_id)
            chosen = asking.plan(rt, session, set_id, people, described)
            if dry_run:
                for line in chosen.lines():
                    click.echo(line)
                return
            sent = asking.send(rt, session, chosen, now())
    except ValueError as exc:
        fail(str(exc))
    except IntegrityError:
        fail("another send of this set finished first; run it again to check")
    click.echo(f"{sent} asked: {len(chosen.texts)} by text, {len(chosen.calls)} by phone call")
