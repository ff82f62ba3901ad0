"""'Delete my data' by text (ask for a DELETE to confirm, then erase) and on a call."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from brewline.calls.turns import CallTurn
from brewline.calls.twiml import goodbye
from brewline.privacy import erasure
from brewline.privacy.models import ErasureRequest
from brewline.texts.inbound import Context
from flows.keywords import normalise

CONFIRM_WORDS = frozenset({"delete", "delete it", "yes delete", "delete please", "confirm"})
# A DELETE counts only soon after the question, so an old request cannot surprise anyone.
CONFIRM_WITHIN = timedelta(days=1)
TEXTS = {
    "ask": ("We can delete your phone number, your answers and all our texts with you. "
            "You cannot undo this. To go ahead, reply DELETE today."),
    "spoken": ("We will delete your phone number, your answers and your recordings now. "
               "You will not hear from us again. Thank you for your time. Goodbye."),
    "done": ("Done. We are deleting your phone number, answers and messages now. "
             "You will not hear from us again. Thank you for your time."),
}


def ask(ctx: Context) -> list[str]:
    """'delete my data': confirm first, because it cannot be undone."""
    erasure.request(ctx.session, ctx.contact, ctx.now)
    return [TEXTS["ask"]]


def confirm(ctx: Context) -> list[str] | None:
    """Before the conversation: DELETE within a day of the question erases.

    Only a confirming word costs a query, so ordinary answers pay nothing for this; any
    other text simply carries on with the conversation, and the question lapses in a day.
    """
    if normalise(ctx.body) not in CONFIRM_WORDS:
        return None
    pending = ctx.session.scalars(select(ErasureRequest).where(
        ErasureRequest.contact_id == ctx.contact.id,
        ErasureRequest.confirmed_at.is_(None))).first()
    if pending is None or ctx.now - pending.asked_at > CONFIRM_WITHIN:
        return None
    erasure.confirm(ctx.runtime, ctx.session, ctx.contact, ctx.now)
    return [TEXTS["done"]]


def by_call(turn: CallTurn) -> str:
    """'Delete my data' said on a call: the exact words are the confirmation; then goodbye."""
    erasure.confirm(turn.runtime, turn.session, turn.contact, turn.now, channel="voice")
    return goodbye(turn.speaker, [TEXTS["spoken"]])


def while_opted_out(ctx: Context) -> list[str]:
    """After STOP, Twilio blocks our replies, so a question could never arrive: erase now."""
    erasure.confirm(ctx.runtime, ctx.session, ctx.contact, ctx.now)
    return []

