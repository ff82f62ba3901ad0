"""ANSWER_WINDOW: texts to an open question are held, then joined once they stop coming.

The engine holds the texts (flows.model.Held) and the turn notes when the window closes
(conversations.take_turn); each worker looks every second for windows that have passed
(WindowClosed), and this module sends whatever comes next (the next question) through
the outbox.
Both the webhook and the check lock the person first, so texts are never lost or
reordered: a text that beats the check is added to the answer, one that comes after
it is the answer to the next question.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from brewline.delivery import outbox
from brewline.people.models import Contact
from brewline.platform.database import lock, utcnow
from brewline.platform.runtime import Runtime
from brewline.surveys import conversations
from brewline.surveys.models import Conversation
from flows.model import WindowClosed

SLACK = timedelta(seconds=1)  # the check runs just after the window, never just before


def close(runtime: Runtime, conversation_id: int, now: datetime | None = None) -> str:
    """Join the held texts if the window has passed quietly, and send what comes next."""
    now = now or utcnow()
    with runtime.store.transaction() as session:
        found = session.get(Conversation, conversation_id)
        if found is None or found.window_closes_at is None:
            return "nothing held"
        lock(session, Contact, found.contact_id)  # the same order as the webhook
        conversation = lock(session, Conversation, conversation_id)
        window = runtime.settings.answer_window
        turn = conversations.take_turn(session, runtime.flows, conversation,
                                       WindowClosed(window), now, window=window)
        return _send_next(runtime, session, conversation, turn)


def _send_next(runtime: Runtime, session: Session, conversation: Conversation,
               turn: conversations.Turn) -> str:
    texts = [o.text for o in turn.says]
    if not texts:
        return "still writing" if turn.state.held else "nothing held"
    # One row, so "thank you" and the next question cannot overtake each other. It is
    # the answer to what they just sent, so it is a direct reply (quiet hours allow it).
    outbox.add(runtime, session, conversation.contact_id, "\n\n".join(texts),
               "conversation", direct_reply=True)
    return "closed"


def close_due(runtime: Runtime, now: datetime | None = None) -> int:
    """Close every window that has passed; each worker runs this every second.

    A poll of an indexed column, rather than a job per held text: the webhook then pays
    nothing to Redis for a held text, and nothing is lost when Redis restarts.
    """
    now = now or utcnow()
    with runtime.store.transaction() as session:
        ids = list(session.scalars(select(Conversation.id).where(
            Conversation.window_closes_at <= now - SLACK)))
    return sum(close(runtime, i, now) == "closed" for i in ids)
