"""The Flask application factory. Nothing is built at import time."""
from __future__ import annotations

import logging

from flask import Flask

from service.runtime import Runtime
from service.settings import Settings, from_env
from service.twilio_edge import plain

MAX_BODY = 64 * 1024


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    """Build the web app for these settings (read from the environment if not given)."""
    runtime = runtime or Runtime(settings or from_env())
    settings = runtime.settings
    app = Flask(__name__, instance_path=str(settings.instance_dir))
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
    from service import health, invite_hooks, message_status, privacy, sms, voice  # noqa: F401  (privacy registers the erase intent)
    from service import voice_cancelled, voice_invite, voice_reminder, voice_voucher, vouchers_sms
    from service import voice_rsvp

    invite_hooks.register()
    voice_rsvp.register()
    for module in (health, sms, voice, message_status):
        app.register_blueprint(module.bp)
    app.register_blueprint(voice_voucher.bp)
    app.register_blueprint(voice_invite.bp)
    app.register_blueprint(voice_reminder.bp)
    app.register_blueprint(voice_cancelled.bp)
    app.register_blueprint(voice_rsvp.bp)
    vouchers_sms.register()
    from service.organiser import blueprints

    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    app.register_error_handler(413, lambda e: plain(413, "request body too large (64 KB at most)"))
    app.register_error_handler(405, lambda e: plain(405, "method not allowed"))
    app.register_error_handler(404, lambda e: plain(404, "not found"))
    logging.getLogger("brewline").setLevel(logging.INFO)
