"""GET /healthz: is the database reachable, is Redis reachable."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

bp = Blueprint("health", __name__)


def _database_ok(runtime) -> bool:
    try:
        with runtime.store.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


def _redis_ok(runtime) -> bool:
    try:
        return bool(runtime.redis.ping())
    except Exception:
        return False


@bp.get("/healthz")
def healthz():
    runtime = current_app.extensions["brewline"]
    checks = {"database": _database_ok(runtime), "redis": _redis_ok(runtime)}
    body = {k: "ok" if v else "unreachable" for k, v in checks.items()}
    body["status"] = "ok" if all(checks.values()) else "degraded"
    return jsonify(body), 200 if all(checks.values()) else 503
