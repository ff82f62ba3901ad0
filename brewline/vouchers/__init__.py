"""Vouchers: a thank-you for people's time, given fairly and never twice.

Pools of codes loaded from a supplier's CSV, earned by finishing a question set, coming
to an event, or an organiser's grant; one voucher per person per pool group, never the
same code to two people; a waiting list when codes run out; the ledger; and claiming
by text (VOUCHER, an offer when the questions end) or on a call (the code read out
slowly, and texted if they like).
"""
from __future__ import annotations

from flask import Flask

from brewline.calls import turns
from brewline.calls.twiml import url
from brewline.platform import hooks
from brewline.texts import inbound
from brewline.vouchers import by_call, by_text, rules


def register(app: Flask | None = None) -> None:
    """VOUCHER and offers by text, the offer after the questions on a call, its webhook."""
    inbound.INTENTS["voucher"] = by_text.on_voucher
    hooks.add(inbound.BEFORE_CONVERSATION, by_text.on_reply)
    hooks.add(inbound.AFTER_TURN, by_text.offer_after_flow)
    hooks.add(turns.AFTER_FINISH, offer_on_a_call)
    if app is not None:
        app.register_blueprint(by_call.bp)


def offer_on_a_call(turn: turns.CallTurn) -> str | None:
    """After the last question on a call (or a call from someone who had finished): on to
    the voucher offer, if one was earned, or to the code they already have."""
    mine = rules.claims(turn.session, turn.contact, "issued", "waiting")
    return url("voucher") if mine or rules.eligible_pools(turn.session, turn.contact) else None
