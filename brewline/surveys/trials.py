"""Trying a question set before it goes live: an organiser's made-up number is put at the
start of the set's draft, so texts and calls from that number reach the draft.

Nobody else can reach a draft: new people start the newest published version, and a
draft has no keyword until it is published. Publishing clears the answers given in trials.
"""
from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from brewline.people import contacts
from brewline.people.models import Contact
from brewline.surveys import question_sets
from brewline.surveys.models import Conversation
from brewline.surveys.question_sets import SetProblem
from flows import loader
from flows.engine import new_state


def start(session: Session, set_id: str, phone: str) -> Conversation:
    """Put `phone` at the start of the set's draft (or, with none, its newest version)."""
    version = question_sets.draft_of(session, set_id) or question_sets.newest_published(
        session, set_id)
    if version is None:
        raise SetProblem(f"there is no question set '{set_id}'")
    try:
        flow = loader.build(version.body)
    except loader.FlowError as exc:
        raise SetProblem("it cannot be tried yet: " + "; ".join(exc.problems)) from None
    contact: Contact = contacts.locked(session, phone)
    session.execute(delete(Conversation).where(Conversation.contact_id == contact.id,
                                               Conversation.flow_id == set_id))
    state = new_state(flow, contact.language or "en")
    conversation = Conversation(contact_id=contact.id, flow_id=set_id,
                                flow_version=version.version, status=state.status,
                                state=state.to_dict())
    contact.current_flow = set_id
    session.add(conversation)
    session.flush()
    return conversation
