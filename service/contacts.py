"""Finding and creating contacts, and opting them in and out."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.store import Contact, Outbox, lock


def find_or_create(session: Session, phone: str, source: str = "inbound", **fields) -> Contact:
    """The contact with this E.164 number, created if new (safe against a racing insert)."""
    found = session.scalars(select(Contact).where(Contact.phone == phone)).first()
    if found:
        return found
    try:
        with session.begin_nested():
            contact = Contact(phone=phone, source=source, **fields)
            session.add(contact)
        return contact
    except IntegrityError:
        # Another request created the same person a moment ago.
        return session.scalars(select(Contact).where(Contact.phone == phone)).one()


def locked(session: Session, phone: str) -> Contact:
    """The contact for a number, held until the transaction ends (serialises one person)."""
    # Someone we know (nearly every text): found and locked in one query.
    known = session.scalars(select(Contact).where(Contact.phone == phone)
                            .with_for_update()).first()
    if known is not None:
        return known
    contact = find_or_create(session, phone)
    return lock(session, Contact, contact.id)


def opt_out(session: Session, contact: Contact, now: datetime) -> None:
    """Stop everything: mark the person and cancel whatever was waiting to go."""
    contact.opted_out_at = contact.opted_out_at or now
    session.execute(update(Outbox).where(
        Outbox.contact_id == contact.id, Outbox.status == "pending")
        .values(status="cancelled", error="opted out"))


def opt_in(session: Session, contact: Contact) -> None:
    contact.opted_out_at = None
