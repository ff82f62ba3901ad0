"""The command line: the `brewline` command, a composition root like create_app.

Each module holds the commands for one part of Brewline; `build()` puts them on the one
group (whose app, made by Flask's CLI, wires every capability before a command runs).
"""
from __future__ import annotations

import os
import sys

import click
from sqlalchemy.exc import DBAPIError

from brewline.cli import (
    broadcast,
    chat,
    contacts,
    db,
    demo,
    events,
    export,
    flows,
    no_database,
    processes,
    report,
    users,
    vouchers,
)
from brewline.cli.root import cli

COMMANDS: list[click.Command] = [
    *processes.COMMANDS, db.db, flows.flows, export.export, contacts.contacts, events.events,
    events.invites, events.reminders, broadcast.broadcast, vouchers.vouchers, users.users,
    chat.chat, report.report, demo.demo,
]


def build() -> click.Group:
    """The `brewline` group with every command on it (safe to call more than once)."""
    for command in COMMANDS:
        cli.add_command(command)
    # Marking attendance earns vouchers; organisers look for it under events too.
    events.events.add_command(vouchers.attended)
    return cli


def main() -> None:
    """Entry point of the `brewline` console script: a plain line, never a traceback,
    for a missing or unreachable database, and a quiet stop on Ctrl-C."""
    group = build()
    try:
        no_database.refuse_if_missing(sys.argv[1:])
        group(prog_name="brewline")
    except KeyboardInterrupt:
        sys.exit(130)
    except DBAPIError as exc:
        from brewline.platform.settings import from_env

        no_database.explain(exc, os.environ.get("DATABASE_URL") or from_env().database_url)
