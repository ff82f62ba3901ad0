"""Apply and create Alembic migrations from code (used by the CLI and tests)."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData

import migrations
from brewline.platform.database import make_engine

SCRIPTS = Path(migrations.__file__).parent


def config(database_url: str) -> Config:
    """An Alembic config pointing at our scripts and the given database."""
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database schema up to `revision`."""
    command.upgrade(config(database_url), revision)


def fresh(database_url: str) -> None:
    """Empty the database and migrate it from nothing: for tests and benchmarks only.

    The single initial migration is regenerated before release, so an old alembic_version
    would leave new tables out.
    """
    engine = make_engine(database_url)
    with engine.begin() as connection:
        found = MetaData()
        found.reflect(connection)  # whatever is there, whichever models this process knows
        found.drop_all(connection)
    engine.dispose()
    upgrade(database_url)


def revision(database_url: str, message: str) -> None:
    """Write a new migration by comparing the models with the database."""
    command.revision(config(database_url), message=message, autogenerate=True)


def regenerate_initial(scratch_url: str) -> None:
    """Rewrite the single initial migration from the models (before the first release).

    Nothing has been deployed yet, so branches that add tables regenerate this one file
    instead of stacking migrations; after release, write ordinary new revisions.
    """
    for old in (SCRIPTS / "versions").glob("*.py"):
        old.unlink()
    command.revision(config(scratch_url), message="initial schema", autogenerate=True,
                     rev_id="0001")
