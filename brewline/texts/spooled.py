"""Texts that came while the database was unreachable: handled once it is back.

Twilio carried the holding reply back to the person, so that is what is kept as our
answer; the real replies go out as direct-reply texts.
"""
from __future__ import annotations

from datetime import datetime

from brewline.platform.runtime import Runtime
from brewline.texts.inbound import InboundText, receive_text
from brewline.texts.wording import own_reply


def replay(runtime: Runtime, fields: dict, at: datetime) -> None:
    """A spooled text: handled as if it came when it did, its replies sent as texts."""
    receive_text(runtime, InboundText(**fields), now=at, held=holding())


def holding() -> list[str]:
    """What the webhook answered a text it spooled (in the default language: with the
    database away, the person's own is not known)."""
    return [own_reply("holding")]
