"""What every command needs: the app's runtime, the time, and one plain line on failure."""
from __future__ import annotations

import sys
from datetime import datetime, timezone

import click
from flask import current_app

from brewline.platform.runtime import Runtime


def runtime() -> Runtime:
    """The runtime of the app the command runs in (Flask's CLI makes the app)."""
    return current_app.extensions["brewline"]


def now() -> datetime:
    return datetime.now(timezone.utc)


def fail(message: str) -> None:
    """Say what is wrong in one line and stop, with exit status 2."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)
