"""Writing outbox rows, and queuing their ids once the transaction has committed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from service.runtime import Runtime
from service.store import Contact, Outbox, after_commit, utcnow

SEND_JOB = "workers.outbound.send_outbound"


def add(runtime: Runtime, session: Session, contact_id: int, body: str, purpose: str,
        not_before: datetime | None = None, channel: str = "sms", **fields) -> Outbox:
    """Write an outbound row in this transaction; its id is queued after commit."""
    row = Outbox(contact_id=contact_id, body=body, purpose=purpose, channel=channel,
                 not_before=not_before or utcnow(), **fields)
    session.add(row)
    contact = session.get(Contact, contact_id)
    if channel == "sms" and contact is not None and contact.phone_only:
        # They told us they cannot get texts: keep the row as a record, never send it.
        row.status, row.error = "cancelled", "phone only"
    session.flush()
    row_id = row.id
    # The job carries only the id; if Redis is down the sweeper picks the row up later.
    after_commit(session, lambda: runtime.enqueue(SEND_JOB, row_id))
    return row
