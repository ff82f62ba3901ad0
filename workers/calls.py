"""Placing an outbound call from an outbox row: the call fetches its TwiML from us."""
from __future__ import annotations

from service.runtime import Runtime
from service.store import Outbox
from workers.twilio_rest import TwilioRest, close_client, make_client


# Where an answered call fetches its TwiML, by the row's purpose; the survey otherwise.
ANSWER_PATHS = {"invite_call": "/twilio/voice/invite?outbox={id}",
                "reminder_call": "/twilio/voice/reminder?outbox={id}",
                "event_cancelled_call": "/twilio/voice/cancelled?outbox={id}"}
# Every call we place leaves a short message on an answering machine, so Twilio waits for
# the beep (AnsweredBy machine_end_*) before asking us what to say: told at pick-up
# ("Enable"), the message would start over the greeting and be cut off. A person who
# answers is recognised just as quickly either way.
MACHINE_DETECTION = "DetectMessageEnd"


def place_call(runtime: Runtime, row: Outbox, phone: str) -> str:
    """Ring the person with answering-machine detection; status changes come back to us."""
    settings = runtime.settings
    client = make_client(settings.twilio_account_sid, settings.twilio_auth_token,
                         settings.twilio_api_base_url)
    try:
        rest = TwilioRest(client, settings.twilio_phone_number)
        path = ANSWER_PATHS.get(row.purpose, "/twilio/voice").format(id=row.id)
        return rest.place_call(phone, f"{settings.public_base_url}{path}",
                               status_callback=f"{settings.public_base_url}/twilio/call-status",
                               machine_detection=MACHINE_DETECTION)
    finally:
        close_client(client)
