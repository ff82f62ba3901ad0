"""Placing an outbound call from an outbox row: the call fetches its TwiML from us."""
from __future__ import annotations

from brewline.delivery.models import Outbox
from brewline.delivery.twilio_rest import TwilioRest, close_client, make_client
from brewline.platform.runtime import Runtime

# Where an answered call fetches its TwiML ("{id}" is the row's), by the row's purpose;
# the survey otherwise. Capabilities that place calls of their own (events: invites,
# reminders, cancellations) add theirs in register().
SURVEY_PATH = "/twilio/voice"
ANSWER_PATHS: dict[str, str] = {}
# Every call we place leaves a short message on an answering machine, so Twilio waits for
# the beep (AnsweredBy machine_end_*) before asking us what to say: told at pick-up
# ("Enable"), the message would start over the greeting and be cut off. A person who
# answers is recognised just as quickly either way.
MACHINE_DETECTION = "DetectMessageEnd"


def is_survey(purpose: str | None) -> bool:
    """Whether a call placed for this purpose (None: a call to us) is about the questions."""
    return purpose not in ANSWER_PATHS


def place_call(runtime: Runtime, row: Outbox, phone: str) -> str:
    """Ring the person with answering-machine detection; status changes come back to us."""
    settings = runtime.settings
    client = make_client(settings.twilio_account_sid, settings.twilio_auth_token,
                         settings.twilio_api_base_url)
    try:
        rest = TwilioRest(client, settings.twilio_phone_number)
        path = ANSWER_PATHS.get(row.purpose, SURVEY_PATH).format(id=row.id)
        return rest.place_call(phone, f"{settings.public_base_url}{path}",
                               status_callback=f"{settings.public_base_url}/twilio/call-status",
                               machine_detection=MACHINE_DETECTION)
    finally:
        close_client(client)
