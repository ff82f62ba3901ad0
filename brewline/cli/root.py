"""The `brewline` command group: Flask's CLI underneath, which builds the app (and so wires
every capability) before a command that needs it runs."""
from __future__ import annotations

import click
from flask.cli import FlaskGroup

from brewline.web.app import create_app


@click.group(cls=FlaskGroup, create_app=lambda: create_app(), add_default_commands=False,
             add_version_option=False)
def cli() -> None:
    """Brewline: Over a Brew questions by text message and phone call."""
