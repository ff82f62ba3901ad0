"""Asking people to answer a question set: `brewline flows send` and the page's "Ask people".

Only people who agreed to hear from us, and never twice for one set. A text is the set's
welcome, sent at civil hours and at the send rate; someone who cannot get texts is rung
instead, and the call starts the set. Their texts go to the set from then on; their place
in any other set is kept.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from brewline.delivery import outbox
from brewline.delivery.models import Outbox
from brewline.people import audience
from brewline.people.models import Contact
from brewline.platform.runtime import Runtime
from brewline.surveys import conversations
from brewline.surveys.models import Conversation, QuestionSet
from brewline.surveys.question_sets import SetProblem
from flows.engine import advance, new_state
from flows.model import Ask, Flow, Start
from flows.readability import (
    Encoding,
    Finding,
    check_text,
    encoding,
    errors_in,
    finding_lines,
    text_lines,
)

TEXT_PURPOSE = "question_set"
CALL_PURPOSE = "question_set_call"
PURPOSES = (TEXT_PURPOSE, CALL_PURPOSE)


@dataclass(frozen=True)
class Plan:
    """Who would be asked, how, and exactly what they would get."""

    set_id: str
    title: str
    audience: str  # "people tagged north-tyneside", "people who came to event 3"
    texts: list[int]
    calls: list[int]
    cannot_text: int
    already: int
    text: str
    call_text: str
    encoding: Encoding
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return errors_in(self.findings)

    def lines(self) -> list[str]:
        """What a dry run prints."""
        out = [f'Ask {self.audience} to answer "{self.title}": {len(self.texts)} by text, '
               f"{len(self.calls)} by phone call (they cannot get texts)"] + text_lines(self.text)
        if self.calls:
            out += ["What the call says first:", "", self.call_text, ""]
        if self.cannot_text:
            out.append(f"Left out: {self.cannot_text} whose number cannot receive texts")
        if self.already:
            out.append(f"Left out: {self.already} already asked, or already answering it")
        return out + finding_lines(self.findings)


def plan(runtime: Runtime, session: Session, set_id: str, people: Select, described: str) -> Plan:
    """Work out who and what, writing nothing. `people` selects (id, phone_only,
    cannot_text) of people who agreed to hear from us (people.audience.consenting)."""
    flow = _open_flow(runtime, session, set_id)
    found = session.execute(people).all()
    started = _already(session, set_id, [row[0] for row in found])
    fresh = [row for row in found if row[0] not in started]
    calls = [cid for cid, phone_only, _ in fresh if phone_only]
    texts = [cid for cid, phone_only, no_text in fresh if not phone_only and not no_text]
    welcome = _welcome(flow)
    return Plan(set_id, flow.title, described, texts, calls,
                len(fresh) - len(texts) - len(calls), len(found) - len(fresh), welcome.text,
                welcome.voice_text or welcome.text, encoding(welcome.text),
                check_text(welcome.text, "welcome"))


def send(runtime: Runtime, session: Session, chosen: Plan, now: datetime) -> int:
    """Start the set for everyone in the plan and write their text or call to the outbox."""
    if chosen.errors:
        raise SetProblem("the welcome needs fixing first: "
                         + "; ".join(f.message for f in chosen.errors))
    flows = runtime.flows
    people = {c.id: c for c in session.scalars(select(Contact).where(
        Contact.id.in_(chosen.texts + chosen.calls)).with_for_update())}
    rows = [_text_row(runtime, session, people[cid], chosen, now) for cid in chosen.texts]
    for cid in chosen.calls:
        conversations.join(session, flows, people[cid], chosen.set_id)
    rung = {"not_before": outbox.civil_time(runtime.settings, now)}
    rows += [_row(cid, chosen, "", CALL_PURPOSE, "call") | rung for cid in chosen.calls]
    outbox.add_many(runtime, session, rows)
    return len(rows)


def _text_row(runtime: Runtime, session: Session, contact: Contact, chosen: Plan,
              now: datetime) -> dict:
    # Started now, so their reply ("yes") answers the welcome they are about to get.
    conversation = conversations.join(session, runtime.flows, contact, chosen.set_id)
    turn = conversations.take_turn(session, runtime.flows, conversation, Start("sms"), now)
    body = "\n\n".join(o.text for o in turn.says) or chosen.text
    return _row(contact.id, chosen, body, TEXT_PURPOSE, "sms")


def _row(contact_id: int, chosen: Plan, body: str, purpose: str, channel: str) -> dict:
    return {"contact_id": contact_id, "body": body, "purpose": purpose, "channel": channel,
            "ref": f"flow:{chosen.set_id}",
            "dedupe_key": f"question-set:{chosen.set_id}:{contact_id}"}


def _open_flow(runtime: Runtime, session: Session, set_id: str) -> Flow:
    found = session.get(QuestionSet, set_id)
    if found is None:
        raise SetProblem(f"there is no question set '{set_id}'")
    if found.status != "open":
        raise SetProblem(f"'{found.title}' is {found.status}: only an open question set "
                         "can be sent, so publish it first")
    return runtime.flows.get(set_id)


def _welcome(flow: Flow) -> Ask:
    result = advance(flow, new_state(flow), Start("sms"), datetime.now(timezone.utc))
    return next(o for o in result.outputs if isinstance(o, Ask))


def _already(session: Session, set_id: str, ids: list[int]) -> set[int]:
    """People already asked to answer this set, or already answering it."""
    if not ids:
        return set()
    begun = session.scalars(select(Conversation.contact_id).where(
        Conversation.flow_id == set_id, Conversation.status != "new",
        Conversation.contact_id.in_(ids)))
    keys = [f"question-set:{set_id}:{cid}" for cid in ids]
    asked = {int(k.rsplit(":", 1)[1]) for k in outbox.existing_keys(session, keys)}
    return set(begun) | asked


def still_wanted(session: Session, row: Outbox) -> str | None:
    """An ask goes only while the person agrees, the set is open and they have not begun."""
    why = audience.no_longer_agrees(session, row.contact_id)
    if why:
        return why
    set_id = (row.ref or "").partition(":")[2]
    found = session.get(QuestionSet, set_id)
    if found is None or found.status != "open":
        return "the question set has closed"
    conversation = session.scalars(select(Conversation).where(
        Conversation.contact_id == row.contact_id, Conversation.flow_id == set_id)).first()
    if conversation is None:
        return "their answers have gone"
    moved = conversation.updated_at > row.created_at if row.channel == "sms" \
        else conversation.status != "new"
    return "they have started it already" if moved else None
