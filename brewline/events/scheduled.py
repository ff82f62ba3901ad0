"""The RQ job for invites an organiser scheduled on the Invites page."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from sqlalchemy.exc import IntegrityError

from brewline.events import invitations
from brewline.events.models import Event
from brewline.platform import runtime as process
from brewline.platform.database import lock

log = logging.getLogger("brewline.invites")


def send_invites(event_id: int, tag: str | None) -> int:
    """Invite everyone not yet invited, now (the same as `brewline invites send`)."""
    runtime = process.current()
    try:
        with runtime.store.transaction() as db:
            event = lock(db, Event, event_id)
            if event is None:
                return 0
            chosen = invitations.plan(runtime, db, event, tag)
            return invitations.send(runtime, db, chosen, datetime.now(timezone.utc))
    except (ValueError, IntegrityError) as exc:
        log.warning("scheduled invites for event %s not sent: %s", event_id, exc)
        return 0
