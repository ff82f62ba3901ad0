"""Finding a person by their number (locked, or created if new), and what they agreed to."""
from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from brewline.people.models import Consent, Contact
from flows.words import language_of


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
    known = session.scalars(_LOCKED, {"phone": phone}).first()
    if known is not None:
        return known
    # Someone new: a racing request may add them too, so the database settles who wins
    # and both then wait on the one row.
    insert_new = _INSERT_NEW[session.get_bind().dialect.name]
    session.execute(insert_new(Contact.__table__).values(phone=phone, source="inbound")
                    .on_conflict_do_nothing(index_elements=["phone"]))
    return session.scalars(_LOCKED, {"phone": phone}).one()


# Built once: building a statement costs more than running it.
_LOCKED = select(Contact).where(Contact.phone == bindparam("phone")).with_for_update()
_INSERT_NEW = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def latest_consent(session: Session, contact_id: int, topic: str) -> bool | None:
    """What the person last said about `topic`, or None if never asked."""
    row = session.scalars(select(Consent).where(
        Consent.contact_id == contact_id, Consent.topic == topic)
        .order_by(Consent.created_at.desc(), Consent.id.desc())).first()
    return row.granted if row else None


def languages(session: Session, contact_ids: list[int]) -> dict[int, str]:
    """Each person's language (a catalogue code; English when none is known), by id."""
    found: dict[int, str] = {}
    for start in range(0, len(contact_ids), 1000):  # a bound list per query stays small
        chunk = contact_ids[start:start + 1000]
        found |= {cid: language_of(lang) for cid, lang in session.execute(
            select(Contact.id, Contact.language).where(Contact.id.in_(chunk)))}
    return found
