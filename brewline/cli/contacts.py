"""`brewline contacts import|erase`: people from a spreadsheet, and erasing one on request."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from brewline.cli.common import fail, now, runtime
from brewline.people import importing, tags
from brewline.people.models import Contact
from brewline.people.phones import BadNumber, mask, normalise
from brewline.privacy import erasure


@click.group()
def contacts() -> None:
    """People we may text: import them from a spreadsheet, or erase one."""


@contacts.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tag", help="Label everyone in the file (e.g. north-tyneside).")
@with_appcontext
def contacts_import(file: Path, tag: str | None) -> None:
    """Import FILE.csv with the header phone,name,language,invites."""
    rt = runtime()
    try:
        tag = tags.clean(tag) if tag else None
        people, rejected = importing.parse(importing.read_text(file), rt.settings.default_region)
    except ValueError as exc:
        fail(str(exc))
    report = importing.Report(rejected=rejected)
    with rt.store.transaction() as session:
        importing.import_people(session, people, tag, now(), report)
    for line in report.lines():
        click.echo(line)


@contacts.command("erase")
@click.argument("phone")
@click.option("--yes", is_flag=True, help="Do not ask again.")
@with_appcontext
def erase_command(phone: str, yes: bool) -> None:
    """Delete PHONE's number, answers, recordings, messages and queued texts."""
    rt = runtime()
    try:
        number = normalise(phone, rt.settings.default_region)
    except BadNumber as exc:
        raise click.BadParameter(str(exc), param_hint="PHONE") from None
    if not yes:
        click.confirm(f"Erase everything about {mask(number)}? This cannot be undone", abort=True)
    with rt.store.transaction() as session:
        contact = session.scalars(select(Contact).where(Contact.phone == number)).first()
        if contact is None:
            raise click.ClickException(f"no one with the number {mask(number)}")
        done = erasure.erase(session, contact, rt)
    click.echo(f"erased {mask(number)}: {done.rows} rows deleted, "
               f"{len(done.recordings)} recording deletions queued")
