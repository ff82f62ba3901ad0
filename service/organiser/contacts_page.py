"""The Contacts page: who is on the list, what they agreed to, and who asked us to stop."""
from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.organiser.guard import organiser_blueprint, runtime
from service.phones import mask
from service.store import Consent, Contact

bp = organiser_blueprint("contacts")
PAGE_SIZE = 200


@dataclass(frozen=True)
class Row:
    """One contact as the page shows it."""

    contact: Contact
    masked: str
    consents: dict  # topic -> True/False, the latest word


def _latest_consents(session: Session, ids: list[int]) -> dict[int, dict]:
    found: dict[int, dict] = {i: {} for i in ids}
    if ids:
        for consent in session.scalars(select(Consent).where(Consent.contact_id.in_(ids))
                                       .order_by(Consent.created_at, Consent.id)):
            found[consent.contact_id][consent.topic] = consent.granted
    return found


def rows(session: Session, page: int) -> tuple[list[Row], bool]:
    contacts = list(session.scalars(select(Contact).where(Contact.phone.is_not(None))
                                    .order_by(Contact.id).offset((page - 1) * PAGE_SIZE)
                                    .limit(PAGE_SIZE + 1)))
    more, contacts = len(contacts) > PAGE_SIZE, contacts[:PAGE_SIZE]
    consents = _latest_consents(session, [c.id for c in contacts])
    return [Row(c, mask(c.phone), consents[c.id]) for c in contacts], more


@bp.get("/contacts")
def contacts():
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and int(page) > 0 else 1
    with runtime().store.transaction() as db:
        shown, more = rows(db, page)
    return render_template("contacts.html", rows=shown, more=more, page=page)
