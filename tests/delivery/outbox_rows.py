"""Helpers for the outbound pipeline tests: contacts and outbox rows written as features do."""
from __future__ import annotations

import itertools
from datetime import time

from brewline.delivery import outbox
from brewline.delivery.models import Outbox
from brewline.people.models import Contact
from brewline.platform.runtime import Runtime

_numbers = itertools.count(100)


def a_contact(runtime: Runtime, **fields) -> int:
    """A new contact with a made-up UK mobile number; returns its id."""
    with runtime.store.transaction() as session:
        contact = Contact(phone=f"+4477009{next(_numbers):05d}", source="import", **fields)
        session.add(contact)
        session.flush()
        return contact.id


def a_text(runtime: Runtime, contact_id: int, body: str = "Fancy a brew?", **fields) -> int:
    """An outbox row written the way every feature writes one; returns its id."""
    with runtime.store.transaction() as session:
        return outbox.add(runtime, session, contact_id, body, "test", **fields).id


def row(runtime: Runtime, row_id: int) -> Outbox:
    with runtime.store.transaction() as session:
        return session.get(Outbox, row_id)


def contact(runtime: Runtime, contact_id: int) -> Contact:
    with runtime.store.transaction() as session:
        return session.get(Contact, contact_id)
