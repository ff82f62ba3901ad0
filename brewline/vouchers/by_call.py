"""Claiming a voucher on a call: /twilio/voice/voucher and the key presses that follow.

Self-contained so a call can <Redirect> here when it ends, or when someone who finished
earlier rings us. Keys: 1 hear the code, 2 hear it and get it by text, 3 no thanks (not
for a code already given), * repeat, 9 slower (remembered, as on every call), # done.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Mapping

from flask import Blueprint, Response, current_app, request, url_for
from sqlalchemy.orm import Session
from twilio.twiml.voice_response import VoiceResponse

from brewline.calls.turns import slower
from brewline.calls.twiml import Speaker
from brewline.calls.webhooks import call_webhook
from brewline.people import contacts
from brewline.people.models import Contact
from brewline.people.phones import BadNumber, normalise
from brewline.platform.twilio_edge import plain, required
from brewline.vouchers import claims, rules
from brewline.vouchers.by_text import explain
from brewline.vouchers.claims import Issued, Outcome
from brewline.vouchers.models import VoucherPool
from brewline.vouchers.rules import NotEligible
from brewline.vouchers.speech import add_code

bp = Blueprint("voice_voucher", __name__, url_prefix="/twilio/voice/voucher")
GATHER = {"num_digits": 1, "timeout": 10, "method": "POST"}


@dataclass(frozen=True)
class VoucherCall:
    """A step of a voucher call, in our words: who the person is and what they pressed."""

    phone: str
    digits: str | None
    call_sid: str


def voucher_call(form: Mapping[str, str]) -> VoucherCall:
    """Twilio's voice form in our words; on calls we placed the person is `To`."""
    (call_sid,) = required(form, "CallSid")
    outbound = form.get("Direction", "inbound").startswith("outbound")
    (phone,) = required(form, "To" if outbound else "From")
    return VoucherCall(phone=phone, digits=(form.get("Digits") or "").strip() or None,
                       call_sid=call_sid)


def _twiml(response: VoiceResponse) -> Response:
    return Response(str(response), mimetype="text/xml")


def _with_contact(call: VoucherCall, act) -> Response:
    """Run `act(runtime, session, contact, now)` for the caller, in one transaction."""
    runtime = current_app.extensions["brewline"]
    try:
        phone = normalise(call.phone, runtime.settings.default_region)
    except BadNumber:
        return plain(400, "the caller's number is not a phone number")
    now = datetime.now(timezone.utc)
    with runtime.store.transaction() as session:
        response = act(runtime, session, contacts.locked(session, phone), now)
    return _twiml(response)


def _pool_arg(session: Session) -> VoucherPool | None:
    try:
        return session.get(VoucherPool, int(request.args.get("pool", "")))
    except ValueError:
        return None


@bp.post("")
@call_webhook(voucher_call)
def offer(call: VoucherCall) -> Response:
    """The offer: a menu for one pool, a choice of pools, or how to earn one."""
    tries = request.args.get("tries", "0")
    return _with_contact(call, lambda rt, s, c, now: _offer(rt, s, c, tries == "0"))


@bp.post("/pick")
@call_webhook(voucher_call)
def pick(call: VoucherCall) -> Response:
    """A key chose one of several pools."""
    def act(runtime, session, contact, now):
        pools = rules.eligible_pools(session, contact)
        index = int(call.digits) - 1 if (call.digits or "").isdigit() else -1
        if 0 <= index < len(pools):
            return _offer_menu(_speaker(contact), pools[index], contact)
        return _offer(runtime, session, contact, True, prefix=_line(contact, "wrong_key"))
    return _with_contact(call, act)


@bp.post("/answer")
@call_webhook(voucher_call)
def answer(call: VoucherCall) -> Response:
    """The key pressed at the offer for one pool."""
    def act(runtime, session, contact, now):
        pool = _pool_arg(session)
        if pool is None:
            return _offer(runtime, session, contact, True)
        handler = _ANSWERS.get(call.digits or "", _wrong_key)
        return handler(runtime, session, contact, pool, call, now)
    return _with_contact(call, act)


@bp.post("/after")
@call_webhook(voucher_call)
def after(call: VoucherCall) -> Response:
    """The key pressed after hearing the code: * again, 2 by text, anything else goodbye."""
    def act(runtime, session, contact, now):
        pool = _pool_arg(session)
        if pool is None or call.digits not in ("*", "2", "9"):
            return _say_end(_speaker(contact), VoiceResponse(), _line(contact, "goodbye"))
        first = slower(contact) if call.digits == "9" else ""
        return _claim_and_read(runtime, session, contact, pool, call, now,
                               text_it=call.digits == "2", first=first)
    return _with_contact(call, act)


def _speaker(contact: Contact) -> Speaker:
    """The person's own pace: slower if they pressed 9 on an earlier part of a call."""
    return Speaker.for_rate(contact.voice_rate, language=contact.language)


def _line(contact: Contact, key: str, /, **values: object) -> str:
    """A line of the catalogue's `voucher_call` section in the person's language."""
    return _speaker(contact).line(f"voucher_call.{key}", **values)


def _offer(runtime, session: Session, contact: Contact, first: bool, prefix: str = ""):
    """A voucher still to claim is offered; else the code (or waiting place) they have."""
    speaker = _speaker(contact)
    open_pools = rules.eligible_pools(session, contact)
    if len(open_pools) > 1:
        return _choose_menu(speaker, open_pools, prefix)
    if open_pools:
        return _offer_menu(speaker, open_pools[0], contact, prefix, first)
    mine = rules.claims(session, contact, "issued", "waiting")
    if not mine:
        return _say_end(speaker, VoiceResponse(), _not_eligible_words(session, contact))
    if mine[0].status == "waiting":
        return _read_waiting(speaker, VoiceResponse(), claims.outcome(session, mine[0]), contact)
    return _offer_menu(speaker, session.get(VoucherPool, mine[0].pool_id), contact, prefix,
                       first, has_code=True)


def _offer_menu(speaker: Speaker, pool: VoucherPool, contact: Contact, prefix: str = "",
                first: bool = True, has_code: bool = False):
    """The keys for one pool; for a code already given, no 'no thanks'."""
    response = VoiceResponse()
    texts = [speaker.line("voucher_call.keys_text")] if rules.can_text(contact) else []
    if has_code:
        words = [prefix, speaker.line("voucher_call.yours", value=pool.value),
                 speaker.line("voucher_call.keys_yours"), *texts]
    else:
        words = [prefix, speaker.line("voucher_call.offer", value=pool.value),
                 speaker.line("voucher_call.keys_hear"), *texts,
                 speaker.line("voucher_call.keys_no")]
    gather = response.gather(action=url_for("voice_voucher.answer", pool=pool.id), **GATHER)
    _slowly(speaker, gather, " ".join(w for w in words if w))
    _no_key(speaker, response, first)
    return response


def _menu_for(session: Session, contact: Contact, pool: VoucherPool, prefix: str = ""):
    """The offer again, or the menu for the code they already have from this pool."""
    return _offer_menu(_speaker(contact), pool, contact, prefix,
                       has_code=_has_code(session, contact, pool))


def _has_code(session: Session, contact: Contact, pool: VoucherPool) -> bool:
    return any(c.pool_id == pool.id for c in rules.claims(session, contact, "issued"))


def _choose_menu(speaker: Speaker, pools: list[VoucherPool], prefix: str = ""):
    response = VoiceResponse()
    options = " ".join(speaker.line("voucher_call.choose_one", value=p.value, n=n)
                       for n, p in enumerate(pools[:9], start=1))
    gather = response.gather(action=url_for("voice_voucher.pick"), **GATHER)
    _slowly(speaker, gather, f"{prefix} {speaker.line('voucher_call.choose')} {options}".strip())
    _no_key(speaker, response, True)
    return response


def _no_key(speaker: Speaker, response: VoiceResponse, first: bool) -> None:
    # Never hang up in silence: once more with time to think, then a kind goodbye.
    if first:
        _slowly(speaker, response, speaker.line("voucher_call.no_key"))
        response.redirect(url_for("voice_voucher.offer", tries=1), method="POST")
    else:
        _say_end(speaker, response, speaker.line("voucher_call.later"))


def _hear(runtime, session, contact, pool, call, now):
    return _claim_and_read(runtime, session, contact, pool, call, now, text_it=False)


def _hear_and_text(runtime, session, contact, pool, call, now):
    return _claim_and_read(runtime, session, contact, pool, call, now, text_it=True)


def _decline(runtime, session, contact, pool, call, now):
    if _has_code(session, contact, pool):
        return _wrong_key(runtime, session, contact, pool, call, now)  # given is given
    claims.decline(session, contact, [pool], now)
    return _say_end(_speaker(contact), VoiceResponse(), _line(contact, "declined"))


def _repeat(runtime, session, contact, pool, call, now):
    return _menu_for(session, contact, pool)


def _slower(runtime, session, contact, pool, call, now):
    return _menu_for(session, contact, pool, prefix=slower(contact))


def _wrong_key(runtime, session, contact, pool, call, now):
    return _menu_for(session, contact, pool, prefix=_line(contact, "wrong_key"))


_ANSWERS = {"1": _hear, "2": _hear_and_text, "3": _decline, "*": _repeat, "9": _slower}


def _claim_and_read(runtime, session, contact, pool, call, now, text_it: bool,
                    first: str = ""):
    speaker = _speaker(contact)
    try:
        result = claims.claim(runtime, session, contact, pool, now, channel="voice")
    except NotEligible:
        return _say_end(speaker, VoiceResponse(), _not_eligible_words(session, contact))
    response = VoiceResponse()
    _slowly(speaker, response, first or None)
    if not isinstance(result, Issued):
        return _read_waiting(speaker, response, result, contact)
    note = _text_it(runtime, session, contact, result, call, now) if text_it else ""
    return _read_code(speaker, response, result, note)


def _text_it(runtime, session, contact, result: Issued, call: VoucherCall, now) -> str:
    if not rules.can_text(contact):
        return _line(contact, "cannot_text")
    # Asked for during the call, so it is a direct reply; one text per call however often.
    claims.send_code(runtime, session, result, now, key=f"call:{call.call_sid}",
                       direct_reply=True)
    return _line(contact, "texted")


def _read_code(speaker: Speaker, response: VoiceResponse, result: Issued,
               note: str = "") -> VoiceResponse:
    code = result.code
    _slowly(speaker, response, speaker.line("voucher_call.pen", value=result.pool.value))
    for lead in (speaker.line("voucher_call.code_is"), speaker.line("voucher_call.once_more")):
        _spell(speaker, response, lead, code.code)
        response.pause(length=1)
    if code.pin:
        _spell(speaker, response, speaker.line("voucher_call.pin_is"), code.pin)
    used_by = claims.long_date(code.expires_on, speaker.language) if code.expires_on else None
    extra = [speaker.line("voucher_call.use_by", day=used_by)] if used_by else []
    _slowly(speaker, response, " ".join(extra + ([note] if note else [])) or None)
    gather = response.gather(action=url_for("voice_voucher.after", pool=result.pool.id), **GATHER)
    _slowly(speaker, gather, speaker.line("voucher_call.after"))
    return _say_end(speaker, response, speaker.line("voucher_call.goodbye"))


def _spell(speaker: Speaker, response: VoiceResponse, lead: str, characters: str) -> None:
    """`lead` at the person's pace, a breath, then the characters slower still."""
    say = speaker.say(response, lead)
    say.break_(time="700ms")
    add_code(say, characters, rate=speaker.code_rate)


def _read_waiting(speaker: Speaker, response: VoiceResponse, result: Outcome,
                  contact: Contact) -> VoiceResponse:
    words = speaker.line("voucher_call.waiting", value=result.pool.value, place=result.place)
    then = speaker.line("voucher_call.waiting_text" if rules.can_text(contact)
                        else "voucher_call.waiting_call")
    goodbye = speaker.line("voucher_call.goodbye")
    return _say_end(speaker, response, f"{words} {then} {goodbye}")


def _not_eligible_words(session: Session, contact: Contact) -> str:
    return explain(current_app.extensions["brewline"], session, contact,
                   "voucher_call_explain")


def _slowly(speaker: Speaker, parent, text: str | None) -> None:
    """Say `text`, if there is any, at the person's pace (90% unless they pressed 9)."""
    if text:
        speaker.say(parent, text)


def _say_end(speaker: Speaker, response: VoiceResponse, text: str) -> VoiceResponse:
    _slowly(speaker, response, text)
    response.hangup()
    return response
