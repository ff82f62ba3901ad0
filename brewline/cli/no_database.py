"""One plain line, not a traceback, when a command finds no database or cannot reach it."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from brewline.cli.common import fail
from brewline.platform.settings import sqlite_file

# Commands that make their own database (run, db upgrade), need none (chat talks to a
# running server; flows check reads files), or only print help.
NEEDS_NONE = {("run",), ("db",), ("chat",), ("flows", "check")}
HELP = {"--help", "-h"}
# What a database without Brewline's tables says, on SQLite and on PostgreSQL.
NO_TABLES = ("no such table", "does not exist")


def refuse_if_missing(args: list[str]) -> None:
    """Before a command runs: if it would use a SQLite file that is not there, say so in
    one line (and make nothing, so no empty instance/ folder is left behind)."""
    words = [arg for arg in args if not arg.startswith("-")]
    if not words or HELP & set(args) or any(tuple(words[:len(c)]) == c for c in NEEDS_NONE):
        return
    path = sqlite_file()
    if path is not None and not path.exists():
        fail(f"there is no Brewline database here ({_shown(path)} does not exist). Run "
             f"brewline in your Brewline folder, set DATABASE_URL to your database, or run "
             f"`brewline db upgrade` to make a new one here.")


def explain(exc: DBAPIError, database_url: str) -> None:
    """Say in one line what a database error met by a command means, and what to do."""
    where = make_url(database_url).render_as_string(hide_password=True)
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
    if any(words in reason for words in NO_TABLES):
        fail(f"the database at {where} has no Brewline tables ({reason}). Run "
             f"`brewline db upgrade` first, or set DATABASE_URL to your database.")
    fail(f"cannot use the database at {where}: {reason}. Is it running? Check DATABASE_URL.")


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
