"""Who may be contacted: invite consent granted (their latest word), not opted out."""
from __future__ import annotations

from sqlalchemy import Select, exists, func, select, true
from sqlalchemy.orm import Session

from brewline.people.contacts import latest_consent as latest_word
from brewline.people.models import Consent, Contact, Tag

TOPIC = "invites"  # the consent the survey asks for and an import records


def latest_consent(topic: str = TOPIC):
    """A subquery of (contact_id, granted) holding each person's latest answer on `topic`."""
    ranked = select(Consent.contact_id, Consent.granted, func.row_number().over(
        partition_by=Consent.contact_id,
        order_by=(Consent.created_at.desc(), Consent.id.desc())).label("n")
    ).where(Consent.topic == topic).subquery()
    return select(ranked.c.contact_id, ranked.c.granted).where(ranked.c.n == 1).subquery()


def consenting(tag: str | None = None) -> Select:
    """(id, phone_only, cannot_text) of everyone who said yes to hearing from us and still does."""
    consent = latest_consent()
    query = (select(Contact.id, Contact.phone_only, Contact.cannot_text)
             .join(consent, consent.c.contact_id == Contact.id)
             .where(consent.c.granted == true(), Contact.phone.is_not(None),
                    Contact.opted_out_at.is_(None))
             .order_by(Contact.id))
    if tag:
        query = query.where(exists().where(Tag.contact_id == Contact.id, Tag.name == tag))
    return query


def no_longer_agrees(session: Session, contact_id: int) -> str | None:
    """Why something about invites or updates must not go to this person now, or None."""
    granted = latest_word(session, contact_id, TOPIC)
    return None if granted else "no longer agrees to hear from us"
