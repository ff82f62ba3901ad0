"""Sign in and sign out of the organiser pages."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, g, redirect, render_template, request, session, url_for

from brewline.organiser import accounts
from brewline.organiser.guard import (
    check_csrf,
    csrf_token,
    current_user_id,
    runtime,
    sign_in_session,
)
from brewline.organiser.nav import NAV

bp = Blueprint("auth", __name__)
bp.before_request(check_csrf)
# One message for every failure, so it never says which emails have accounts.
NOT_RECOGNISED = ("That email and password did not match. After several wrong tries, "
                  "signing in pauses for a short while: wait a minute and try again.")


@bp.app_context_processor
def page_globals() -> dict:
    """What every template may use."""
    return {"csrf_token": csrf_token, "signed_in": g.get("user_id") is not None,
            "local_mode": runtime().settings.local_mode, "nav": NAV}


def _safe_next(target: str | None) -> str:
    # Only paths on this site, so the sign-in page cannot send people elsewhere.
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("overview.overview")


@bp.get("/sign-in")
def sign_in():
    if current_user_id() is not None:
        return redirect(_safe_next(request.args.get("next")))
    return render_template("sign_in.html", next=request.args.get("next", ""),
                           ended=bool(request.args.get("next")))


@bp.post("/sign-in")
def sign_in_post():
    email, password = request.form.get("email", ""), request.form.get("password", "")
    with runtime().store.transaction() as db:
        outcome = accounts.sign_in(db, email, password, datetime.now(timezone.utc))
    if outcome.user_id is None:
        return render_template("sign_in.html", error=NOT_RECOGNISED, email=email,
                               next=request.form.get("next", "")), 401
    sign_in_session(outcome.user_id)
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/sign-out")
def sign_out():
    session.clear()
    return redirect(url_for("auth.sign_in"))
