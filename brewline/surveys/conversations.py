"""Run a person's conversation: load state, advance the pure engine, keep what it says."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, and_, bindparam, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from brewline.people import contacts
from brewline.people.models import Consent, Contact
from brewline.surveys.catalogue import Catalogue
from brewline.surveys.models import Answer, Conversation
from flows.engine import advance, current_question, new_state
from flows.model import Ask, Finished, Flow, Result, SaveAnswer, SaveConsent, Say, State


@dataclass
class Turn:
    """One step of a conversation: where it stands now and what to tell the person."""

    conversation: Conversation
    flow: Flow
    state: State
    outputs: tuple

    @property
    def says(self) -> list:
        """The outputs a channel renders (Say and Ask), in order."""
        return [o for o in self.outputs if isinstance(o, (Say, Ask))]


# Built once: building a statement costs more than running it (SQLAlchemy's cache key).
# Both rows are locked: after waiting for a lock, PostgreSQL re-reads only the rows it
# locked, so a conversation merely joined to a locked person could be a stale version.
# The conversation is the one in the person's own set, or the default for someone new.
_PERSON = (select(Contact, Conversation)
           .join(Conversation, and_(
               Conversation.contact_id == Contact.id,
               Conversation.flow_id == func.coalesce(Contact.current_flow,
                                                     bindparam("flow_id", type_=String))))
           .where(Contact.phone == bindparam("phone")).with_for_update())
_ANSWER = insert(Answer.__table__)
_SAVED = ("state", "status", "step", "updated_at", "finished_at", "window_closes_at")
_SAVE = (update(Conversation.__table__)
         .where(Conversation.__table__.c.id == bindparam("conversation_id"))
         .values({name: bindparam(f"new_{name}") for name in _SAVED}))


def locked_person(session: Session, phone: str,
                  default_flow: str | None) -> tuple[Contact, Conversation | None]:
    """The person and their conversation in their set, locked: one query for nearly every text.

    Someone new, or not yet in a set, is locked alone; the conversation is then looked up
    (or made) after the lock is held.
    """
    row = session.execute(_PERSON, {"phone": phone, "flow_id": default_flow}).first()
    if row is not None:
        return row[0], row[1]
    return contacts.locked(session, phone), None


def set_of(flows: Catalogue, contact: Contact) -> str | None:
    """The question set a person's texts and calls go to: their own, else the default."""
    return contact.current_flow or flows.default_id()


def current(session: Session, flows: Catalogue, contact: Contact) -> Conversation | None:
    """The person's conversation in their set (created, not started, if new); None when
    they have no set and no set is open."""
    flow_id = set_of(flows, contact)
    return join(session, flows, contact, flow_id) if flow_id else None


def join(session: Session, flows: Catalogue, contact: Contact, flow_id: str) -> Conversation:
    """The person's conversation in this set, created at its newest version if new; their
    texts and calls go to it from now on. Their place in any other set is kept."""
    if contact.current_flow != flow_id:
        contact.current_flow = flow_id
    found = session.scalars(select(Conversation).where(
        Conversation.contact_id == contact.id, Conversation.flow_id == flow_id)).first()
    if found:
        return found
    flow = flows.get(flow_id)
    state = new_state(flow, contact.language or "en")
    conversation = Conversation(contact_id=contact.id, flow_id=flow.id, flow_version=flow.version,
                                status=state.status, state=state.to_dict())
    session.add(conversation)
    session.flush()
    return conversation


def speak_in(session: Session, contact: Contact, language: str) -> None:
    """From now on, everything to this person is in `language`; their place in every set
    is kept (each conversation's state carries the language its texts are rendered in)."""
    contact.language = language
    for conversation in session.scalars(select(Conversation).where(
            Conversation.contact_id == contact.id)):
        conversation.state = {**conversation.state, "language": language}


def take_turn(session: Session, flows: Catalogue, conversation: Conversation, event,
              now: datetime, window: int | None = None) -> Turn:
    """Advance one conversation by one event and keep answers, consent and state.

    With `window` (ANSWER_WINDOW, for texts), also note when held texts are to be joined.
    """
    flow = flows.get(conversation.flow_id, conversation.flow_version)
    state = State.from_dict(conversation.state)
    if state.step and state.step not in flow.steps:
        # Only a draft changes under a conversation (an organiser trying it): start again.
        state = new_state(flow, state.language)
    result: Result = advance(flow, state, event, now)
    for output in result.outputs:
        _KEEP.get(type(output), _nothing)(session, conversation, flow, output, now)
    _save_state(session, conversation, result.state, now, window)
    return Turn(conversation, flow, result.state, result.outputs)


def pending_question(flows: Catalogue, conversation: Conversation) -> Ask | None:
    """The question the person is on, to ask again (nothing changes), or None."""
    flow = flows.get(conversation.flow_id, conversation.flow_version)
    return current_question(flow, State.from_dict(conversation.state))


def window_closes_at(state: State, window: int) -> datetime | None:
    """When texts held for an open answer are joined: `window` seconds after the last."""
    if not state.held or not state.held_at:
        return None
    return datetime.fromisoformat(state.held_at) + timedelta(seconds=window)


def _save_state(session: Session, conversation: Conversation, state: State, now: datetime,
                window: int | None) -> None:
    # One prebuilt UPDATE, then the object is told these are its stored values: the
    # unit of work's flush cost more than the rest of a turn.
    values = {"state": state.to_dict(), "status": state.status, "step": state.step,
              "updated_at": now, "finished_at": conversation.finished_at,
              "window_closes_at": (conversation.window_closes_at if window is None
                                   else window_closes_at(state, window))}
    session.execute(_SAVE, {"conversation_id": conversation.id,
                            **{f"new_{name}": value for name, value in values.items()}})
    for name, value in values.items():
        set_committed_value(conversation, name, value)


def _keep_answer(session: Session, conversation: Conversation, flow: Flow,
                 output: SaveAnswer, now: datetime) -> None:
    recording = output.recording
    # Core rather than the unit of work: nothing reads the answer back in this transaction.
    session.execute(_ANSWER, dict(
        conversation_id=conversation.id, contact_id=conversation.contact_id,
        flow_id=flow.id, flow_version=flow.version, question_id=output.step_id,
        question_text=output.question, text=output.text, value=output.value,
        skipped=output.skipped, channel=output.channel, created_at=now,
        language=conversation.state.get("language") or "en",
        recording_url=recording.url if recording else None,
        recording_sid=recording.sid if recording else None,
        recording_duration=recording.duration if recording else None,
    ))


def _keep_consent(session: Session, conversation: Conversation, flow: Flow,
                  output: SaveConsent, now: datetime) -> None:
    session.add(Consent(contact_id=conversation.contact_id, topic=output.topic,
                        granted=output.granted, channel=output.channel,
                        source=f"flow:{flow.id}", created_at=now))


def _keep_finish(session: Session, conversation: Conversation, flow: Flow,
                 output: Finished, now: datetime) -> None:
    conversation.finished_at = now


def _nothing(*_args) -> None:
    return None


_KEEP = {SaveAnswer: _keep_answer, SaveConsent: _keep_consent, Finished: _keep_finish}
