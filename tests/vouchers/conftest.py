"""Voucher fixtures: pools of codes and people who have earned a voucher, on the real back-ends."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from brewline.events.models import Event
from brewline.people import contacts
from brewline.people.models import Contact
from brewline.surveys.models import Conversation
from brewline.vouchers import claims, ledger, loading, rules
from brewline.vouchers.models import VoucherClaim, VoucherCode

FLOW = "over-a-brew-2024-05"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


def csv_of(codes, header: str = "code") -> str:
    """A CSV file's text with one code per line."""
    return header + "\n" + "\n".join(codes) + "\n"


def codes(prefix: str, count: int, start: int = 0) -> list[str]:
    return [f"{prefix}{n:06d}" for n in range(start, start + count)]


def phone(n: int) -> str:
    return f"+4477009{n:05d}"


class Vouchers:
    """Helpers that act on the database the way the CLI and channels do."""

    def __init__(self, runtime):
        self.runtime = runtime

    def load(self, name: str, text: str, **options) -> loading.LoadReport:
        options.setdefault("value", "£10 gift card")
        with self.runtime.store.transaction() as session:
            return loading.load(self.runtime, session, text, name, options.pop("now", NOW),
                                 **options)

    def event(self) -> int:
        """A planned event; its id, as `--event` and `attended` take it."""
        with self.runtime.store.transaction() as session:
            event = Event(title="Over a Brew", starts_at=NOW, where="The library")
            session.add(event)
            session.flush()
            return event.id

    def person(self, number: int, finished: str | None = FLOW, **fields) -> int:
        """A contact, who has finished `finished` (a flow id) unless None."""
        with self.runtime.store.transaction() as session:
            contact = contacts.find_or_create(session, phone(number), **fields)
            if finished:
                session.add(Conversation(contact_id=contact.id, flow_id=finished, flow_version=1,
                                         status="finished", state={}, finished_at=NOW))
            return contact.id

    def claim(self, contact_id: int, pool: str, now: datetime = NOW):
        with self.runtime.store.transaction() as session:
            contact = session.get(Contact, contact_id)
            result = claims.claim(self.runtime, session, contact,
                                    rules.get_pool(session, pool), now)
            return _plain(result)

    def claims(self, *where) -> list[VoucherClaim]:
        with self.runtime.store.transaction() as session:
            return list(session.scalars(select(VoucherClaim).where(*where)
                                        .order_by(VoucherClaim.id)))

    def code_of(self, contact_id: int) -> str | None:
        with self.runtime.store.transaction() as session:
            return session.scalar(select(VoucherCode.code).join(
                VoucherClaim, VoucherClaim.code_id == VoucherCode.id)
                .where(VoucherClaim.contact_id == contact_id))

    def figures(self, now: datetime = NOW) -> dict[str, ledger.Figures]:
        with self.runtime.store.transaction() as session:
            return {f.pool: f for f in ledger.report(self.runtime, session, now)}


def _plain(result) -> tuple:
    """An outcome as plain values that outlive the session."""
    if isinstance(result, claims.Issued):
        return ("issued", result.code.code, result.again)
    return ("waiting", result.place, result.again)


@pytest.fixture
def pools(runtime) -> Vouchers:
    return Vouchers(runtime)
