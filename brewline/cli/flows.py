"""`brewline flows check`: question sets (flows) checked before anyone gets them."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from brewline.surveys import checks


@click.group()
def flows() -> None:
    """Flow files."""


@flows.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def flows_check(files: tuple[Path, ...]) -> None:
    """Validate flows and check their texts are plain, short and cheap to send."""
    sys.exit(checks.run(files, click.echo))
