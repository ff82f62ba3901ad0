"""Writing the audit log: who did something sensitive, and when."""
from __future__ import annotations

from sqlalchemy.orm import Session

from brewline.organiser.models import AuditLog


def record(session: Session, user_id: int | None, action: str, **detail) -> None:
    """Keep one audit entry in the caller's transaction."""
    session.add(AuditLog(user_id=user_id, action=action, detail=detail))
