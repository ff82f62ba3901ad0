"""The command line: the `brewline` command, a composition root like create_app.

Each module holds the commands for one part of Brewline; `build()` puts them on the one
group (whose app, made by Flask's CLI, wires every capability before a command runs).
"""
from __future__ import annotations

import click

from brewline.cli import (
    broadcast,
    chat,
    contacts,
    db,
    demo,
    events,
    export,
    flows,
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
    """Entry point of the `brewline` console script."""
    build()(prog_name="brewline")
