"""`brewline users add EMAIL`: make an organiser account."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from brewline.organiser import accounts, passwords


@click.group("users")
def users() -> None:
    """Organiser accounts for the web pages."""


@users.command("add")
@click.argument("email")
@click.option("--generate", is_flag=True, help="Make up a strong password and print it once.")
@with_appcontext
def add(email: str, generate: bool) -> None:
    """Add an organiser; asks for a password (or makes one up with --generate)."""
    password = passwords.generate() if generate else click.prompt(
        "Password (at least 10 characters; leave empty to make one up)", hide_input=True,
        confirmation_prompt=True, default="", show_default=False)
    made_up = not password
    password = password or passwords.generate()
    try:
        with current_app.extensions["brewline"].store.transaction() as db:
            accounts.add(db, email, password)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Added organiser {accounts.normal_email(email)}.")
    if generate or made_up:
        click.echo(f"Their password (shown only this once): {password}")
