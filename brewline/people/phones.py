"""Phone numbers: normalising to E.164 and masking for logs."""
from __future__ import annotations

import phonenumbers


class BadNumber(ValueError):
    """A phone number we cannot use, with the reason in plain words."""


def normalise(raw: str | None, region: str = "GB") -> str:
    """E.164 form of a number typed any usual way; BadNumber if it is not a phone number."""
    text = (raw or "").strip()
    if not text:
        raise BadNumber("blank number")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise BadNumber("not a phone number") from None
    # is_possible, not is_valid: Ofcom's drama numbers (07700 900xxx) are real enough for us.
    if not phonenumbers.is_possible_number(parsed):
        raise BadNumber("not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def is_textable_sender(raw: str | None) -> bool:
    """False for short codes and alphanumeric senders, which cannot receive replies."""
    digits = "".join(c for c in (raw or "") if c not in " ()-+")
    return digits.isdigit() and len(digits) >= 8


def mask(phone: str | None) -> str:
    """A number safe for logs: +44*******123."""
    if not phone:
        return "-"
    return phone[:3] + "*" * max(len(phone) - 6, 0) + phone[-3:]
