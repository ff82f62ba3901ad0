"""The web process: the Flask app every webhook and organiser page is served from.

`create_app()` is its composition root (gunicorn runs `brewline.web:create_app()`).
"""
from __future__ import annotations

from brewline.web.app import create_app

__all__ = ["create_app"]
