"""`brewline contacts erase PHONE`: an organiser erases a person on their request."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from service import erasure
from service.phones import BadNumber, mask, normalise
from service.store import Contact


@click.command("erase")
@click.argument("phone")
@click.option("--yes", is_flag=True, help="Do not ask again.")
@with_appcontext
def erase_command(phone: str, yes: bool) -> None:
    """Delete PHONE's number, answers, recordings, messages and queued texts."""
    runtime = current_app.extensions["brewline"]
    try:
        number = normalise(phone, runtime.settings.default_region)
    except BadNumber as exc:
        raise click.BadParameter(str(exc), param_hint="PHONE") from None
    if not yes:
        click.confirm(f"Erase everything about {mask(number)}? This cannot be undone", abort=True)
    with runtime.store.transaction() as session:
        contact = session.scalars(select(Contact).where(Contact.phone == number)).first()
        if contact is None:
            raise click.ClickException(f"no one with the number {mask(number)}")
        done = erasure.erase(session, contact, runtime)
    click.echo(f"erased {mask(number)}: {done.rows} rows deleted, "
               f"{len(done.recordings)} recording deletions queued")


def register(cli: click.Group) -> None:
    """Add `erase` to the `contacts` group, creating the group if no one else has."""
    group = cli.commands.get("contacts")
    if group is None:
        group = click.Group("contacts", help="People and their numbers.")
        cli.add_command(group)
    group.add_command(erase_command)
