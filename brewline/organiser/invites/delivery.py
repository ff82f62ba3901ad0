"""How an event's invites got on: counts by delivery status, and those that did not arrive."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from brewline.delivery import explained
from brewline.delivery.models import Outbox
from brewline.events.models import Invite
from brewline.people.models import Contact


@dataclass(frozen=True)
class NotArrived:
    """One invite that failed or was not delivered, as the event's page shows it."""

    outbox_id: int
    pid: str
    channel: str
    why: str


@dataclass(frozen=True)
class Delivery:
    """Every invite written for an event: how many are in each state, and what went wrong."""

    counts: dict[str, int]
    not_arrived: list[NotArrived]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def of_event(session: Session, event_id: int, most: int = 50) -> Delivery:
    """The latest row of each invite (a row tried again replaces the old one)."""
    rows = session.execute(
        select(Outbox.id, Outbox.channel, Outbox.status, Outbox.delivery, Outbox.error,
               Contact.pid)
        .join(Invite, Invite.outbox_id == Outbox.id).join(Contact, Contact.id == Invite.contact_id)
        .where(Invite.event_id == event_id).order_by(Outbox.id)).all()
    counts = Counter(explained.status_words(r.status, r.delivery, r.channel, r.error)
                     for r in rows)
    wrong = [NotArrived(r.id, r.pid, r.channel,
                        explained.what_happened(r.status, r.delivery, r.error))
             for r in rows if explained.went_wrong(r.status, r.delivery)]
    return Delivery(dict(counts), wrong[:most])
