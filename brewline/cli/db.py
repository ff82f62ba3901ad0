"""`brewline db upgrade`: the database schema."""
from __future__ import annotations

import tempfile

import click
from flask.cli import with_appcontext

from brewline import schema  # noqa: F401  (autogenerate compares every table)
from brewline.cli.common import runtime
from brewline.platform import migrate


@click.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply every migration."""
    migrate.upgrade(runtime().settings.database_url)
    click.echo("database is up to date")


@db.command("regenerate-initial", hidden=True)
def db_regenerate() -> None:
    """Rewrite migrations/versions/0001 from the models (developers, before the first release)."""
    with tempfile.TemporaryDirectory() as scratch:
        migrate.regenerate_initial(f"sqlite:///{scratch}/scratch.db")
    click.echo("migrations/versions/0001_initial_schema.py rewritten from the models")
