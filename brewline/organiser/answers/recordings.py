"""Fetching a spoken answer from Twilio with the service's own credentials."""
from __future__ import annotations

from brewline.delivery.twilio_rest import TwilioRest, close_client, make_client
from brewline.platform.settings import Settings


class NotAvailable(Exception):
    """The recording cannot be played; the message says why in plain words."""


def fetch(settings: Settings, recording: str) -> tuple[bytes, str]:
    """The audio bytes and content type for a recording sid or URL."""
    if settings.local_mode:
        raise NotAvailable("Recordings can only be played when Brewline is connected to Twilio.")
    client = make_client(settings.twilio_account_sid, settings.twilio_auth_token,
                         settings.twilio_api_base_url)
    try:
        return TwilioRest(client, settings.twilio_phone_number or "").fetch_recording(recording)
    finally:
        close_client(client)
