"""The capabilities a Brewline process is made of, wired in one order by every root.

create_app (the web), the worker and the CLI each call `register()`; nothing registers
itself at import time. The order is the order hooks run in: "delete my data" is
confirmed before an RSVP is taken, and an RSVP before a reply to a voucher offer.
"""
from __future__ import annotations

from flask import Flask

from brewline import (
    calls,
    delivery,
    events,
    live,
    privacy,
    schema,  # noqa: F401  (every table is known before anything runs)
    surveys,
    texts,
    vouchers,
)


def register(app: Flask | None = None) -> None:
    """Wire every capability's hooks; with an app, its webhooks too."""
    delivery.register(app)
    texts.register(app)
    calls.register(app)
    surveys.register()
    privacy.register(app)
    live.register(app)  # before events: during a live session, its offer comes first
    events.register(app)
    vouchers.register(app)
