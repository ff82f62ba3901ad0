"""A simulated participant's conversation as a phone shows it: texts in, replies, later texts."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from brewline.delivery import explained
from brewline.delivery.models import Message, Outbox
from brewline.people.models import Contact


@dataclass(frozen=True)
class Bubble:
    """One bubble on the simulated phone."""

    who: str  # "you" | "brewline"
    body: str
    time: str
    note: str
    order: tuple

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("order")
        return data


def _message(m: Message) -> Bubble:
    who = "you" if m.direction == "in" else "brewline"
    return Bubble(who, m.body, m.created_at.isoformat(timespec="seconds"), "",
                  (m.created_at, 0, m.id))


def _outbox(row: Outbox, local: bool) -> Bubble:
    """A text sent later, with how it got on as Twilio reported it, in plain words."""
    note = explained.status_words(row.status, row.delivery)
    problem = explained.problem_words(row.status, row.delivery, row.error)
    if problem:
        note = f"{note}: {problem}"
    elif row.status == "sent" and (local or (row.sid or "").startswith("local-")):
        note = "sent in local mode: kept here, not really sent"
    when = row.sent_at or row.not_before
    return Bubble("brewline", row.body, when.isoformat(timespec="seconds"),
                  f"later text ({row.purpose}): {note}", (when, 1, row.id))


def bubbles(session: Session, phone: str, local: bool) -> list[Bubble]:
    """Everything this number sent and received by text, oldest first."""
    contact = session.scalars(select(Contact).where(Contact.phone == phone)).first()
    if contact is None:
        return []
    # Texts sent later are copied into messages with their sid; they show once, from the
    # outbox, where their delivery report is kept.
    messages = session.scalars(select(Message).where(
        Message.contact_id == contact.id, Message.channel == "sms",
        or_(Message.direction == "in", Message.sid.is_(None))))
    later = session.scalars(select(Outbox).where(
        Outbox.contact_id == contact.id, Outbox.channel == "sms"))
    found = [_message(m) for m in messages] + [_outbox(r, local) for r in later]
    return sorted(found, key=lambda b: b.order)
