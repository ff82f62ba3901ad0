"""Keeping nothing longer than needed: erase confirmed requests, people past RETENTION_DAYS
who never agreed to hear from us, and who was in live calls over that long ago."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from brewline.delivery.models import Message
from brewline.live import sessions
from brewline.people.contacts import latest_consent
from brewline.people.models import Consent, Contact
from brewline.platform.database import utcnow
from brewline.platform.runtime import Runtime
from brewline.privacy.erasure import ERASED, erase_by_id
from brewline.privacy.models import ErasureRequest


def sweep_retention(runtime: Runtime, now: datetime | None = None) -> int:
    """Erase confirmed requests still waiting, and people past RETENTION_DAYS without consent."""
    now = now or utcnow()
    with runtime.store.transaction() as session:
        sessions.forget_callers_before(session,
                                       now - timedelta(days=runtime.settings.retention_days))
    ids = _confirmed_waiting(runtime) + _past_retention(runtime, now)
    for contact_id in sorted(set(ids)):
        erase_by_id(runtime, contact_id)
    return len(set(ids))


def _confirmed_waiting(runtime: Runtime) -> list[int]:
    with runtime.store.transaction() as session:
        return list(session.scalars(select(ErasureRequest.contact_id).where(
            ErasureRequest.confirmed_at.is_not(None))))


def _past_retention(runtime: Runtime, now: datetime) -> list[int]:
    """People whose last message is older than the retention period and who never said yes."""
    cutoff = now - timedelta(days=runtime.settings.retention_days)
    last = (select(Message.contact_id, func.max(Message.created_at).label("at"))
            .where(Message.direction == "in").group_by(Message.contact_id).subquery())
    with runtime.store.transaction() as session:
        rows = session.execute(
            select(Contact.id).outerjoin(last, last.c.contact_id == Contact.id)
            .where(Contact.source != ERASED, func.coalesce(last.c.at, Contact.created_at) < cutoff)
        ).scalars().all()
        return [i for i in rows if not _consented(session, i)]


def _consented(session: Session, contact_id: int) -> bool:
    topics = session.scalars(select(Consent.topic).where(Consent.contact_id == contact_id).distinct())
    return any(latest_consent(session, contact_id, topic) for topic in topics)
