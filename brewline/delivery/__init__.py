"""Delivery: everything that goes out, and what Twilio tells us about it afterwards.

The outbox (a row per text or call, written in the same transaction as the change that
causes it and queued only after commit), claiming and sending each row exactly once
through Twilio's REST API behind a shared rate limit, retries and the sweeper, delivery
reports (POST /twilio/message-status), who must not be sent to (opt-outs, numbers that
cannot take texts), quiet hours, and the spool that keeps webhooks' work while the
database is unreachable.
"""
from __future__ import annotations

from flask import Flask

from brewline.delivery import outbox, reports, sending, spool


def register(app: Flask | None = None) -> None:
    """Name the send job and the delivery-report replay; with an app, its webhook."""
    outbox.use_send_job(sending.send_outbound)
    spool.REPLAYS["message_status"] = reports.replay
    if app is not None:
        app.register_blueprint(reports.bp)
