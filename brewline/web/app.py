"""The Flask application factory: the web process's composition root.

Nothing is built at import time: `create_app(settings)` makes the runtime (unless given
one), wires every capability and the organiser pages into the app, and returns it.
"""
from __future__ import annotations

import logging

from flask import Flask

from brewline import organiser, wiring
from brewline.platform.runtime import Runtime
from brewline.platform.settings import Settings, from_env
from brewline.platform.twilio_edge import plain
from brewline.web import health

MAX_BODY = 64 * 1024


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    """Build the web app for these settings (read from the environment if not given)."""
    runtime = runtime or Runtime(settings or from_env())
    settings = runtime.settings
    app = Flask(__name__, instance_path=str(settings.instance_dir),
                template_folder=organiser.TEMPLATES, static_folder=organiser.STATIC)
    app.config.update(
        SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=MAX_BODY,
        BREWLINE_SETTINGS=settings,
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_base_url.startswith("https://"),
    )
    app.extensions["brewline"] = runtime
    _register(app)
    return app


def _register(app: Flask) -> None:
    app.register_blueprint(health.bp)
    wiring.register(app)
    organiser.register(app)
    app.register_error_handler(413, lambda e: plain(413, "request body too large (64 KB at most)"))
    app.register_error_handler(405, lambda e: plain(405, "method not allowed"))
    app.register_error_handler(404, lambda e: plain(404, "not found"))
    logging.getLogger("brewline").setLevel(logging.INFO)
    # The Twilio client logs every request's headers at INFO (the live page's buttons
    # call Twilio from the web process): noise, as in the worker.
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
