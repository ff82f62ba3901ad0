"""The edge with Twilio: signature checks and form parsing, once, in one decorator."""
from __future__ import annotations

import logging
from functools import wraps
from typing import Callable, Mapping, TypeVar

from flask import Response, current_app, request
from twilio.request_validator import RequestValidator, compare
from werkzeug.datastructures import MultiDict

from brewline.platform.database import DATABASE_DOWN

log = logging.getLogger("brewline.edge")
T = TypeVar("T")


class BadForm(ValueError):
    """A Twilio-shaped request that is missing something; the reason goes back as a 400."""


def plain(status: int, reason: str) -> Response:
    """A short plain-text answer for a request we refuse."""
    return Response(reason + "\n", status=status, mimetype="text/plain")


def required(form: Mapping[str, str], *names: str) -> list[str]:
    """The named fields, or BadForm naming the ones missing."""
    missing = [n for n in names if not form.get(n, "").strip() and n != "Body"]
    missing += [n for n in names if n == "Body" and n not in form]
    if missing:
        raise BadForm("missing " + ", ".join(missing))
    return [form[n] for n in names]


def cleaned(form: MultiDict) -> MultiDict:
    """The form with NUL characters shown as U+FFFD: PostgreSQL text cannot hold NUL."""
    return MultiDict([(k.replace("\0", "\ufffd"), v.replace("\0", "\ufffd"))
                      for k, v in form.items(multi=True)])


def signed_url() -> str:
    """The URL Twilio signed: our public address, not the one a proxy forwarded to."""
    base = current_app.config["BREWLINE_SETTINGS"].public_base_url
    query = request.query_string.decode("latin-1")
    return base + request.path + (f"?{query}" if query else "")


def is_signed() -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    validator = RequestValidator(current_app.config["BREWLINE_SETTINGS"].webhook_token)
    url = signed_url()
    # Nearly every request is signed for exactly our public URL: one HMAC, not validate()'s
    # two (it also tries the URL with and without an explicit port, as Twilio may sign).
    return (compare(validator.compute_signature(url, request.form), signature)
            or validator.validate(url, request.form, signature))


def twilio_webhook(parse: Callable[[Mapping[str, str]], T],
                   when_down: Callable[[T], Response] | None = None):
    """Refuse unsigned requests (403), parse the form into a domain object (else 400).

    With `when_down`, a view that finds the database unreachable answers with
    `when_down(item)` instead of a 500 (brewline/calls/webhooks.py: kind words on a call).
    """
    def decorate(view: Callable[[T], Response]):
        @wraps(view)
        def checked(**kwargs):
            if not is_signed():
                log.warning("refused an unsigned or wrongly signed request to %s", request.path)
                return plain(403, "invalid Twilio signature")
            try:
                item = parse(cleaned(request.form))
            except BadForm as exc:
                return plain(400, str(exc))
            if when_down is None:
                return view(item, **kwargs)
            try:
                return view(item, **kwargs)
            except DATABASE_DOWN:
                log.warning("database unreachable at %s", request.path)
                return when_down(item)
        return checked
    return decorate
