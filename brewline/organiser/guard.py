"""What every organiser page needs: a signed-in organiser, a fresh session and a CSRF token."""
from __future__ import annotations

import hmac
import secrets
import time
from functools import wraps

from flask import (
    Blueprint,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from brewline.organiser.uploads import TOO_BIG, raise_limit_for_uploads

# Idle organisers are signed out after this long.
SESSION_IDLE_SECONDS = 8 * 60 * 60
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def runtime():
    return current_app.extensions["brewline"]


def csrf_token() -> str:
    """This browser session's CSRF token (made on first use)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _csrf_ok() -> bool:
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf") or ""
    return bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


def page_error(status: int, title: str, message: str):
    """An HTML page explaining what went wrong and what to do."""
    return render_template("error.html", title=title, message=message), status


def database_down(_error):
    """A page that cannot reach the database says so, and what goes on meanwhile (the
    webhooks never get here: they keep what comes in, in the spool)."""
    return page_error(503, "The database is not answering",
                      "Brewline cannot reach its database just now, so this page cannot "
                      "be shown. Texts and calls that come in meanwhile are kept, people "
                      "get a short holding reply, and everything is dealt with once the "
                      "database is back. Try this page again in a minute.")


def check_csrf():
    """before_request: refuse unsafe requests without this session's token."""
    if request.method in UNSAFE and not _csrf_ok():
        return page_error(400, "This form has expired",
                          "The form was old or did not come from this Brewline page, so "
                          "nothing was changed. Go back, reload the page and try again.")
    return None


def current_user_id() -> int | None:
    """The signed-in organiser, if the session is still fresh (and refreshes it)."""
    user_id, seen = session.get("user_id"), session.get("seen", 0)
    if user_id is None:
        return None
    if time.time() - seen > SESSION_IDLE_SECONDS:
        session.clear()
        return None
    session["seen"] = int(time.time())
    return user_id


def require_sign_in():
    """before_request: send anyone not signed in to the sign-in page."""
    g.user_id = current_user_id()
    if g.user_id is None:
        return _to_sign_in()
    return None


def _to_sign_in():
    if request.accept_mimetypes.best == "application/json":
        return {"error": "Please sign in again."}, 401
    return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))


def sign_in_session(user_id: int) -> None:
    """Start a new session for this organiser (a fresh one: no fixation)."""
    session.clear()
    session.permanent = True
    session.update(user_id=user_id, seen=int(time.time()), csrf=secrets.token_urlsafe(32))


def organiser_blueprint(name: str, **kwargs) -> Blueprint:
    """A blueprint whose every page needs a signed-in organiser and CSRF on forms."""
    bp = Blueprint(name, __name__, **kwargs)
    bp.before_request(require_sign_in)
    bp.before_request(raise_limit_for_uploads)
    bp.before_request(check_csrf)
    bp.register_error_handler(413, lambda e: page_error(413, "That file is too big", TOO_BIG))
    return bp


def signed_in(view):
    """For pages in open blueprints that still need an organiser."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        return require_sign_in() or view(*args, **kwargs)
    return wrapped
