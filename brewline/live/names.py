"""How the organiser's page names a caller: a first name from contacts, else "caller 2".
Never a phone number."""
from __future__ import annotations

from sqlalchemy.orm import Session

from brewline.live.models import LiveCaller
from brewline.people.models import Contact


def name_of(session: Session, caller: LiveCaller) -> str:
    contact = session.get(Contact, caller.contact_id)
    first = (contact.name or "").split()[0] if contact is not None and contact.name else ""
    return first[:40] if first else f"Caller {caller.caller_no}"
