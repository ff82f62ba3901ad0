"""Who must not be sent to: a person who opted out, a number that cannot take texts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from brewline.delivery.models import Outbox
from brewline.people.models import Contact
from brewline.platform.database import lock


def mark_cannot_text(session: Session, contact_id: int) -> None:
    """Mark the number unable to get texts and cancel the texts waiting for it."""
    lock(session, Contact, contact_id).cannot_text = True
    session.execute(update(Outbox).where(
        Outbox.contact_id == contact_id, Outbox.status == "pending", Outbox.channel == "sms")
        .values(status="cancelled", error="number cannot receive texts"))


def opt_out(session: Session, contact: Contact, now: datetime) -> None:
    """Stop everything: mark the person and cancel whatever was waiting to go."""
    contact.opted_out_at = contact.opted_out_at or now
    session.execute(update(Outbox).where(
        Outbox.contact_id == contact.id, Outbox.status == "pending")
        .values(status="cancelled", error="opted out"))


def opt_in(session: Session, contact: Contact) -> None:
    contact.opted_out_at = None
