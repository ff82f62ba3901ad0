"""Posting to our own Twilio webhooks, signed exactly as Twilio signs them, in-process.

The simulator goes through the real signature check and the real handlers; the token
stays on the server and never reaches the browser.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from flask import current_app
from twilio.request_validator import RequestValidator


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes


class NotOurs(ValueError):
    """A URL that is not one of our own webhook paths."""


def own_path(url: str) -> str:
    """The path (and query) of a URL on this service; NotOurs for anywhere else."""
    base = current_app.config["BREWLINE_SETTINGS"].public_base_url
    if url.startswith(base + "/"):
        url = url[len(base):]
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/twilio/"):
        raise NotOurs("only this service's /twilio/ webhooks can be followed")
    return parts.path + (f"?{parts.query}" if parts.query else "")


def post(path: str, form: dict) -> Reply:
    """POST a signed form to one of our webhook paths and return the answer."""
    settings = current_app.config["BREWLINE_SETTINGS"]
    signature = RequestValidator(settings.webhook_token).compute_signature(
        settings.public_base_url + path, form)
    response = current_app.test_client().post(
        path, data=urlencode(form), headers={
            "X-Twilio-Signature": signature,
            "Content-Type": "application/x-www-form-urlencoded"})
    return Reply(response.status_code, response.get_data())


def has_route(path: str) -> bool:
    """Whether this app serves `path` (say, /twilio/voice once calls exist)."""
    return any(rule.rule == path for rule in current_app.url_map.iter_rules())
