"""Offers by text waiting for a reply, so "yes please", "2" or "no thanks" make sense."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from brewline.people.models import Contact
from brewline.platform.runtime import Runtime
from brewline.surveys.models import Conversation
from brewline.vouchers.models import VoucherOffer, VoucherPool
from flows.model import State


def set_offer(session: Session, contact: Contact, kind: str, pools: list[VoucherPool],
              now: datetime) -> None:
    """Remember what we offered by text, so 'yes please', '2' or 'no thanks' make sense."""
    offer = session.get(VoucherOffer, contact.id)
    if offer is None:
        offer = VoucherOffer(contact_id=contact.id)
        session.add(offer)
    offer.kind, offer.pool_ids, offer.created_at = kind, [p.id for p in pools], now


def clear_offer(session: Session, contact: Contact) -> None:
    offer = session.get(VoucherOffer, contact.id)
    if offer is not None:
        session.delete(offer)


def questions_left(runtime: Runtime, conversation: Conversation) -> int:
    """How many numbered questions the person has neither answered nor skipped."""
    flow = runtime.flows.get(conversation.flow_id, conversation.flow_version)
    state = State.from_dict(conversation.state)
    done = {s for s in state.answered + state.skipped if s in flow.steps and flow.step(s).number}
    return flow.total_questions - len(done)
