"""RSVPs: a YES / NO / MAYBE (in any plain words) to the latest open invite.

Precedence with the survey: an RSVP word goes to the invite unless the person's survey
(in the question set their texts go to) is waiting on a choice question (YES/NO) asked after the invite was sent; then the survey
gets it, because that question is what they are answering. A reply from someone with no
open invite is not an RSVP and goes on to their conversation, which keeps and answers it.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from brewline.delivery.models import Outbox
from brewline.events import events, reminders
from brewline.events.models import Event, Invite, Rsvp
from brewline.people.models import Contact
from brewline.platform.runtime import Runtime
from brewline.surveys import conversations
from brewline.surveys.models import Conversation
from brewline.texts.inbound import Context
from flows.invites import render, rsvp_answer


def open_invite(session: Session, contact_id: int, now: datetime) -> tuple[Invite, Event] | None:
    """The person's latest invite to an event that is neither cancelled nor started."""
    return session.execute(_OPEN_INVITE, {"contact_id": contact_id, "now": now}).first()


# Built once (every call to us asks it): building the statement costs more than running it.
_OPEN_INVITE = (select(Invite, Event).join(Event, Event.id == Invite.event_id)
                .where(Invite.contact_id == bindparam("contact_id"), Event.status == "planned",
                       Event.starts_at > bindparam("now"))
                .order_by(Invite.created_at.desc(), Invite.id.desc()))


def latest(session: Session, event_id: int, contact_id: int) -> Rsvp | None:
    """What the person last said about coming to this event (None: nothing yet)."""
    return session.scalars(select(Rsvp).where(
        Rsvp.event_id == event_id, Rsvp.contact_id == contact_id)
        .order_by(Rsvp.created_at.desc(), Rsvp.id.desc())).first()


def before_conversation(ctx: Context) -> list[str] | None:
    """inbound hook: take an RSVP if this text is one, else pass (None)."""
    answer = rsvp_answer(ctx.body)
    found = open_invite(ctx.session, ctx.contact.id, ctx.now) if answer else None
    if found is None or _survey_asked_since(ctx, found[0]):
        return None
    return record(ctx.runtime, ctx.session, found[1], ctx.contact, answer, ctx.body, ctx.now)


def _survey_asked_since(ctx: Context, invite: Invite) -> bool:
    # The person's own question set: the one their texts go to.
    conversation = ctx.conversation or ctx.session.scalars(select(Conversation).where(
        Conversation.contact_id == ctx.contact.id,
        Conversation.flow_id == conversations.set_of(ctx.runtime.flows, ctx.contact))).first()
    if conversation is None or conversation.status != "active" or not conversation.step:
        return False
    flow = ctx.runtime.flows.get(conversation.flow_id, conversation.flow_version)
    return (flow.step(conversation.step).kind == "choice"
            and conversation.updated_at > _sent_at(ctx.session, invite))


def _sent_at(session: Session, invite: Invite) -> datetime:
    # Quiet hours may hold an invite back; what counts is when the person got it.
    row = session.get(Outbox, invite.outbox_id) if invite.outbox_id else None
    return row.sent_at if row is not None and row.sent_at else invite.created_at


def record(runtime: Runtime, session: Session, event: Event, contact: Contact, answer: str,
           said: str | None, now: datetime, channel: str = "sms") -> list[str]:
    """Keep the RSVP, arrange or drop reminders, and confirm it in words."""
    session.add(Rsvp(event_id=event.id, contact_id=contact.id, answer=answer, said=said,
                     channel=channel, created_at=now))
    if answer == "yes":
        reminders.for_event(runtime, session, event, contact.id, now)
    else:
        _drop_reminders(session, event.id, contact.id)
    about = events.words(event, ZoneInfo(runtime.settings.tz_default))
    return [render(f"rsvp_{answer}", about, contact.language)]


def _drop_reminders(session: Session, event_id: int, contact_id: int) -> None:
    session.execute(update(Outbox).where(
        Outbox.contact_id == contact_id, Outbox.ref == events.ref(event_id),
        Outbox.purpose.in_(reminders.PURPOSES), Outbox.status == "pending")
        .values(status="cancelled", error="no longer coming"))
