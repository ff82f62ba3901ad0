"""Fixtures for the outbound pipeline: a runtime aimed at the fake Twilio, and contacts."""
from __future__ import annotations

import itertools
from datetime import time

import pytest

from service import outbox
from service.runtime import Runtime
from service.store import Contact, Outbox
from tests.conftest import using_fake
from tests.fakes.twilio_api import FakeTwilio
from workers import context

_numbers = itertools.count(100)


@pytest.fixture
def sender(runtime: Runtime, fake: FakeTwilio) -> Runtime:
    """A runtime whose texts go to the fake Twilio, with no rate limit."""
    sending = Runtime(using_fake(runtime.settings, fake).with_(send_rate=0))
    context.use(sending)
    yield sending
    context.use(None)
    sending.close()


@pytest.fixture
def night(sender: Runtime) -> Runtime:
    """The sending runtime with quiet hours all day (UTC), so every moment is quiet."""
    quiet = Runtime(sender.settings.with_(quiet_hours=(time(0), time(23, 59, 59)),
                                          tz_default="UTC"))
    yield quiet
    quiet.close()


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
