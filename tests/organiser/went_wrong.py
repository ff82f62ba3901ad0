"""Texts and calls that went wrong, made the way the real pipeline makes them: invites and
vouchers written by the service, sent by the worker to the fake Twilio, which fails them."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from brewline.delivery import claiming, stopping
from brewline.delivery.models import Outbox
from brewline.delivery.sending import deliver
from brewline.delivery.sweeper import LEASE, settle_stale
from brewline.events import events, invitations
from brewline.events.models import Event, Invite
from brewline.people.models import Consent, Contact
from brewline.platform.database import utcnow
from brewline.vouchers import claims, loading
from brewline.vouchers.models import VoucherPool

CODE = "TESCO-SECRET-4321"


def person(runtime, phone: str, **fields) -> int:
    """Someone who said yes to invites (as if in the survey)."""
    with runtime.store.transaction() as db:
        contact = Contact(phone=phone, source="import", **fields)
        db.add(contact)
        db.flush()
        db.add(Consent(contact_id=contact.id, topic="invites", granted=True, channel="sms",
                       source="flow:over-a-brew-2024-05"))
        return contact.id


def event(runtime, title: str = "Over a Brew: buses", days: int = 30) -> int:
    with runtime.store.transaction() as db:
        return events.create(db, title, utcnow() + timedelta(days=days), "Whitley Bay Library",
                             None).id


def invite_everyone(runtime, event_id: int) -> dict[int, int]:
    """Invite everyone who agreed (texts, or calls for phone-only people): person -> row."""
    with runtime.store.transaction() as db:
        found = db.get(Event, event_id)
        invitations.send(runtime, db, invitations.plan(runtime, db, found, None), utcnow())
        return dict(db.execute(select(Invite.contact_id, Invite.outbox_id)
                               .where(Invite.event_id == event_id)).all())


def voucher_text(runtime, contact_id: int) -> int:
    """An organiser grants a voucher; its code is written to the outbox to be texted."""
    with runtime.store.transaction() as db:
        loading.load(runtime, db, f"code\n{CODE}\n", "tesco-10", utcnow(),
                      value="£10 Tesco gift card")
        pool = db.scalars(select(VoucherPool)).one()
        claims.grant(runtime, db, pool, db.get(Contact, contact_id), utcnow())
        return db.scalars(select(Outbox.id).where(Outbox.purpose == "voucher")).one()


def fail(runtime, fake, row_id: int, status: int, code: int, times: int = 1) -> list[str]:
    """The worker sends the row and Twilio answers with this error (`times` tries)."""
    fake.fail_next(status=status, code=code, message="refused", times=times)
    return [deliver(runtime, row_id, now=utcnow() + timedelta(hours=n)) for n in range(times)]


def worker_dies_mid_call(runtime, row_id: int) -> dict[str, int]:
    """The worker claims the call and dies; the sweeper cannot ask Twilio about calls."""
    claiming.claim_due(runtime, [row_id], utcnow())
    return settle_stale(runtime, now=utcnow() + LEASE + timedelta(seconds=1))


def opt_out(runtime, contact_id: int) -> None:
    """The person texts STOP (or Twilio tells us they did)."""
    with runtime.store.transaction() as db:
        stopping.opt_out(db, db.get(Contact, contact_id), utcnow())


def row(runtime, row_id: int) -> Outbox:
    with runtime.store.transaction() as db:
        return db.get(Outbox, row_id)


def rows(runtime) -> list[Outbox]:
    with runtime.store.transaction() as db:
        return list(db.scalars(select(Outbox).order_by(Outbox.id)))
