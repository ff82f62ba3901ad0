"""The `brewline` command: Flask's CLI underneath, with Brewline's commands on top."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from service.app import create_app


def _runtime():
    return current_app.extensions["brewline"]


@click.group(cls=FlaskGroup, create_app=lambda: create_app(), add_default_commands=False,
             add_version_option=False)
def cli() -> None:
    """Brewline: Over a Brew questions by text message and phone call."""


@cli.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply every migration."""
    from service import migrate

    migrate.upgrade(_runtime().settings.database_url)
    click.echo("database is up to date")


@cli.group()
def flows() -> None:
    """Flow files."""


@flows.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def flows_check(files: tuple[Path, ...]) -> None:
    """Validate flows and check their texts are plain, short and cheap to send."""
    from service.flowcheck import run

    sys.exit(run(files, click.echo))


@cli.command("export")
@click.argument("table")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
@click.option("--include-phone", is_flag=True, help="Add phone numbers (personal data).")
@click.option("--include-codes", is_flag=True,
              help="Show voucher codes and PINs (vouchers and messages only; masked otherwise).")
@with_appcontext
def export(table: str, fmt: str, include_phone: bool, include_codes: bool) -> None:
    """Write TABLE (answers, contacts, messages, ...) to standard output."""
    from service import export as exporting

    if table not in exporting.TABLES:
        raise click.BadParameter(f"choose one of {', '.join(sorted(exporting.TABLES))}",
                                 param_hint="TABLE")
    if include_codes and table not in exporting.WITH_CODES:
        raise click.BadParameter("only the vouchers and messages tables have codes",
                                 param_hint="--include-codes")
    with _runtime().store.transaction() as session:
        exporting.write(session, table, fmt, sys.stdout, include_phone=include_phone,
                        include_codes=include_codes)


def _register_process_commands() -> None:
    from service import processes

    for command in processes.COMMANDS:
        cli.add_command(command)


def _register_tool_commands() -> None:
    from service import chat
    from service.organiser import users_cli

    cli.add_command(chat.chat)
    cli.add_command(users_cli.users)


def _register_invite_commands() -> None:
    from service import invite_cli

    for command in invite_cli.COMMANDS:
        cli.add_command(command)


def main() -> None:
    """Entry point of the `brewline` console script."""
    _register_process_commands()
    _register_tool_commands()
    _register_invite_commands()
    from service import vouchers_cli
    vouchers_cli.register(cli)
    from service import erasure_cli

    erasure_cli.register(cli)
    cli(prog_name="brewline")
