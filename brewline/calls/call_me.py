"""A person texts CALL (or "can you ring me"): we ring them, once however often asked."""
from __future__ import annotations

import logging

from sqlalchemy import select

from brewline.calls.calls import queue_call
from flows.words import words
from brewline.delivery.models import Outbox
from brewline.people.phones import mask
from brewline.texts.inbound import Context

log = logging.getLogger("brewline.calls")


def call_me(ctx: Context) -> list[str]:
    """The person texted CALL or "can you ring me": ring them (once, however often asked)."""
    waiting = ctx.session.scalars(select(Outbox.id).where(
        Outbox.contact_id == ctx.contact.id, Outbox.channel == "call",
        Outbox.status.in_(("pending", "sending")))).first()
    if waiting is not None:
        return [words("call_texts.call_already", ctx.language)]
    queue_call(ctx.runtime, ctx.session, ctx.contact, ctx.now)
    log.info("%s asked to be called", mask(ctx.contact.phone))
    return [words("call_texts.call_queued", ctx.language)]
