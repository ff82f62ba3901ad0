"""One gentle nudge for a survey left quiet: never after PAUSE or STOP, never twice."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from brewline.delivery import outbox
from brewline.delivery.models import Outbox
from brewline.people.models import Contact
from brewline.platform.database import utcnow
from brewline.platform.runtime import Runtime
from brewline.surveys.models import Conversation, QuestionSet
from flows.invites import survey_reminder

PURPOSE = "survey_reminder"


SURVEY_KEY = "survey-reminder:{}"


def nudge_quiet_surveys(runtime: Runtime, now: datetime | None = None) -> int:
    """Write one gentle reminder for each survey left quiet for SURVEY_REMINDER_HOURS."""
    hours = runtime.settings.survey_reminder_hours
    if not hours:
        return 0
    now = now or utcnow()
    with runtime.store.transaction() as session:
        quiet = _quiet_conversations(session, now - timedelta(hours=hours))
        return sum(_nudge(runtime, session, conversation) for conversation in quiet)


def _quiet_conversations(session: Session, before: datetime) -> list[Conversation]:
    # Only "active": a paused survey (PAUSE) is never nudged, nor a finished or declined one.
    candidates = session.scalars(
        select(Conversation).join(Contact, Contact.id == Conversation.contact_id)
        .where(Conversation.status == "active", Conversation.updated_at <= before,
               Contact.opted_out_at.is_(None), Contact.phone.is_not(None),
               Contact.phone_only.is_(False), Contact.cannot_text.is_(False))).all()
    keys = {SURVEY_KEY.format(c.id) for c in candidates}
    done = set(session.scalars(select(Outbox.dedupe_key).where(Outbox.dedupe_key.in_(keys))))
    # Someone who never began answering did not agree to start, so is not nudged.
    return [c for c in candidates if SURVEY_KEY.format(c.id) not in done
            and (c.state.get("answered") or c.state.get("skipped"))]


def _nudge(runtime: Runtime, session: Session, conversation: Conversation) -> int:
    flow = runtime.flows.get(conversation.flow_id, conversation.flow_version)
    answered = sum(1 for s in conversation.state.get("answered", ()) if flow.step(s).number)
    language = conversation.state.get("language") or "en"
    try:
        with session.begin_nested():
            outbox.add(runtime, session, conversation.contact_id,
                       survey_reminder(answered, flow.total_questions, language), PURPOSE,
                       ref=f"conversation:{conversation.id}",
                       dedupe_key=SURVEY_KEY.format(conversation.id))
        return 1
    except IntegrityError:
        return 0  # another worker nudged them a moment ago


def survey_reminder_wanted(session: Session, row: Outbox) -> str | None:
    """A survey nudge goes only if the survey is still unfinished, unpaused and quiet, and
    its question set still open (not closed, and not a draft an organiser was trying)."""
    kind, _, number = (row.ref or "").partition(":")
    conversation = session.get(Conversation, int(number)) if number.isdigit() else None
    if conversation is None or conversation.status != "active":
        return "survey finished, paused or gone"
    found = session.get(QuestionSet, conversation.flow_id)
    if found is None or found.status != "open":
        return "the question set is not open"
    if conversation.updated_at > row.created_at:
        return "they carried on by themselves"
    return None
