"""`brewline db upgrade`: the database schema, and the shipped question sets in it."""
from __future__ import annotations

import tempfile

import click
from flask.cli import with_appcontext

from brewline import schema  # noqa: F401  (autogenerate compares every table)
from brewline.cli.common import now, runtime
from brewline.platform import migrate
from brewline.platform.runtime import Runtime
from brewline.surveys import question_sets


@click.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply every migration, and write the shipped question sets the database lacks."""
    added = upgrade(runtime())
    click.echo("database is up to date"
               + (f"; question sets added: {', '.join(added)}" if added else ""))


def upgrade(process: Runtime) -> list[str]:
    """Migrate, then seed the question sets from FLOWS_DIR (or the shipped ones)."""
    migrate.upgrade(process.settings.database_url)
    return question_sets.seed(process, now())


@db.command("regenerate-initial", hidden=True)
def db_regenerate() -> None:
    """Rewrite migrations/versions/0001 from the models (developers, before the first release)."""
    with tempfile.TemporaryDirectory() as scratch:
        migrate.regenerate_initial(f"sqlite:///{scratch}/scratch.db")
    click.echo("migrations/versions/0001_initial_schema.py rewritten from the models")
