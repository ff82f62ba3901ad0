"""Phone numbers: normalising to E.164, checking numbers people type, masking for logs.

Two strengths, on purpose:

- `normalise` is for numbers the phone network gave us: the sender of a text, the caller
  on a call (and looking up someone we already know). Twilio only passes on numbers that
  really rang or texted, and `phonenumbers`' list of number ranges lags behind new ones,
  so these are taken if they are merely *possible*. Refusing one would lose a real
  person's words.
- `dialable` is for numbers an organiser types or imports, which we will then text or
  ring: only numbers *valid* for their region (so "12345" and a mobile a digit short are
  refused with the reason), plus Ofcom's drama ranges, which are not in use by anyone
  and which the tests and rehearsals use.
"""
from __future__ import annotations

import phonenumbers
from phonenumbers import ValidationResult

# Ofcom's numbers for TV, radio and rehearsals (www.ofcom.org.uk "drama numbers"): each
# prefix is followed by three digits. phonenumbers counts some of them as not valid.
DRAMA_PREFIXES = frozenset({
    "+447700900",  # 07700 900000 to 900999, mobile
    "+441134960", "+441144960", "+441154960", "+441164960", "+441174960", "+441184960",
    "+441214960", "+441314960", "+441414960", "+441514960", "+441614960", "+441914980",
    "+442079460",  # 020 7946 0000 to 0999
    "+442920180",  # 029 2018 0000 to 0999
    "+442896496",  # 028 9649 6000 to 6999
    "+441632960",  # 01632 960000 to 960999
    "+448081570",  # 08081 570000 to 570999, freephone
    "+449098790",  # 0909 879 0000 to 0999
    "+443069990",  # 03069 990000 to 990999
})
DRAMA_LENGTH = 13  # +44 and ten digits

# Why a number is not possible, in plain words (phonenumbers' reasons).
NOT_POSSIBLE = {
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "too short: a local number needs its area code",
    ValidationResult.TOO_SHORT: "too short to be a phone number",
    ValidationResult.TOO_LONG: "too long to be a phone number",
    ValidationResult.INVALID_LENGTH: "the wrong number of digits for a phone number",
    ValidationResult.INVALID_COUNTRY_CODE: "the country code after + is not one in use",
}
NOT_VALID = "not a number in use: check for a missing or extra digit"
_Unreadable = phonenumbers.NumberParseException
UNREADABLE = {
    _Unreadable.TOO_LONG: "too long to be a phone number",
    _Unreadable.TOO_SHORT_NSN: "too short to be a phone number",
    _Unreadable.TOO_SHORT_AFTER_IDD: "too short to be a phone number",
    _Unreadable.INVALID_COUNTRY_CODE: "the country code after + is not one in use",
}


class BadNumber(ValueError):
    """A phone number we cannot use, with the reason in plain words."""


def _parse(raw: str | None, region: str) -> phonenumbers.PhoneNumber:
    text = (raw or "").strip()
    if not text:
        raise BadNumber("blank number")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise BadNumber(UNREADABLE.get(exc.error_type, "not a phone number")) from None


def _e164(parsed: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalise(raw: str | None, region: str = "GB") -> str:
    """E.164 form of a number the network gave us; BadNumber if it could not be one."""
    parsed = _parse(raw, region)
    if not phonenumbers.is_possible_number(parsed):
        raise BadNumber("not a valid phone number")
    return _e164(parsed)


def dialable(raw: str | None, region: str = "GB") -> str:
    """E.164 form of a number an organiser gave us, only if it can really be texted or
    rung (valid for its region, or an Ofcom drama number); BadNumber says why not."""
    parsed = _parse(raw, region)
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    if reason not in (ValidationResult.IS_POSSIBLE, ValidationResult.IS_POSSIBLE_LOCAL_ONLY):
        raise BadNumber(NOT_POSSIBLE.get(reason, NOT_VALID))
    number = _e164(parsed)
    if is_drama(number) or phonenumbers.is_valid_number(parsed):
        return number
    raise BadNumber(NOT_POSSIBLE.get(reason, NOT_VALID))


def is_drama(number: str) -> bool:
    """Whether an E.164 number is one of Ofcom's drama numbers (no one has them)."""
    return (len(number) == DRAMA_LENGTH and number[:10] in DRAMA_PREFIXES
            and number[10:].isdigit())


def is_textable_sender(raw: str | None) -> bool:
    """False for short codes and alphanumeric senders, which cannot receive replies."""
    digits = "".join(c for c in (raw or "") if c not in " ()-+")
    return digits.isdigit() and len(digits) >= 8


def mask(phone: str | None) -> str:
    """A number safe for logs: +44*******123."""
    if not phone:
        return "-"
    return phone[:3] + "*" * max(len(phone) - 6, 0) + phone[-3:]
