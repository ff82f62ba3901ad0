"""Texts that came while the database was unreachable: handled once it is back.

Twilio could not carry their replies back, so the replies go out as direct-reply texts.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from brewline.delivery import outbox
from brewline.delivery.models import Outbox
from brewline.people.models import Contact
from brewline.people.phones import BadNumber, normalise
from brewline.platform.runtime import Runtime
from brewline.texts.inbound import InboundText, receive_text


def replay(runtime: Runtime, fields: dict, at: datetime) -> None:
    """A spooled text: handled as if it came now, its replies sent as texts."""
    text = InboundText(**fields)
    _send_replies(runtime, text, receive_text(runtime, text, now=at))


def _send_replies(runtime: Runtime, text: InboundText, replies: list[str]) -> None:
    """The replies Twilio could not carry back, as direct-reply texts, each queued once."""
    if not replies:
        return
    try:
        phone = normalise(text.sender, runtime.settings.default_region)
    except BadNumber:
        return
    with runtime.store.transaction() as session:
        contact = session.scalars(select(Contact).where(Contact.phone == phone)).first()
        for n, body in enumerate(replies):
            key = f"reply:{text.message_sid}:{n}"
            if contact and not session.scalars(select(Outbox.id).where(Outbox.dedupe_key == key)).first():
                outbox.add(runtime, session, contact.id, body, "reply", direct_reply=True,
                           dedupe_key=key)
