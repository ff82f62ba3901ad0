"""`brewline export TABLE`: a table as CSV or JSON, pseudonymous unless asked otherwise."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from brewline import exports
from brewline.cli.common import runtime


@click.command("export")
@click.argument("table")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
@click.option("--include-phone", is_flag=True, help="Add phone numbers (personal data).")
@click.option("--include-codes", is_flag=True,
              help="Show voucher codes and PINs (vouchers and messages only; masked otherwise).")
@click.option("--set", "flow", help="Only answers to this question set (answers only).")
@click.option("--version", type=int, help="Only answers to this version of the set.")
@with_appcontext
def export(table: str, fmt: str, include_phone: bool, include_codes: bool, flow: str | None,
           version: int | None) -> None:
    """Write TABLE (answers, contacts, messages, ...) to standard output."""
    if table not in exports.TABLES:
        raise click.BadParameter(f"choose one of {', '.join(sorted(exports.TABLES))}",
                                 param_hint="TABLE")
    if include_codes and table not in exports.WITH_CODES:
        raise click.BadParameter("only the vouchers and messages tables have codes",
                                 param_hint="--include-codes")
    if (flow or version) and table not in exports.BY_SET:
        raise click.BadParameter("only the answers table can be narrowed to a question set",
                                 param_hint="--set")
    if version and not flow:
        raise click.BadParameter("say which question set the version is of", param_hint="--set")
    with runtime().store.transaction() as session:
        exports.write(session, table, fmt, sys.stdout, include_phone=include_phone,
                      include_codes=include_codes, flow=flow, version=version)
