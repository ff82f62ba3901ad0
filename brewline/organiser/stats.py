"""Numbers for the overview: how far people got in each question set, and on which channel."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from brewline.people.models import Contact
from brewline.surveys.catalogue import Catalogue
from brewline.surveys.models import Answer, Conversation

# The rows of the overview table, in order, and what each means.
MEASURES = {
    "started": "Started (said anything back)",
    "finished": "Finished every question",
    "paused": "Taking a break",
    "declined": "Said not now",
    "opted_out": "Asked us to stop texting",
}


@dataclass
class FlowStats:
    """Counts for one flow: measure -> channel ('all', 'sms', 'voice') -> people."""

    flow_id: str
    title: str
    counts: dict = field(default_factory=lambda: defaultdict(Counter))
    questions: list = field(default_factory=list)


@dataclass(frozen=True)
class QuestionStats:
    """How many people reached, answered and skipped one question."""

    step_id: str
    label: str
    text: str
    reached: int
    answered: int
    skipped: int


def _measures(conversation: Conversation, contact: Contact) -> list[str]:
    found = ["started"] if conversation.status != "new" else []
    if conversation.status in ("finished", "paused", "declined"):
        found.append(conversation.status)
    if contact.opted_out_at is not None:
        found.append("opted_out")
    return found


def flow_stats(session: Session, flows: Catalogue, flow: str | None = None,
               version: int | None = None) -> list[FlowStats]:
    """Overview numbers for every question set anyone has started (or just `flow`, at
    `version`). Trials of a draft in the simulator are not counted."""
    rows = [(c, p) for c, p in session.execute(_narrowed(
        select(Conversation, Contact).join(Contact), Conversation, flow, version)).all()
        if flows.is_published(c.flow_id, c.flow_version)]
    answers = session.execute(_narrowed(select(
        Answer.conversation_id, Answer.question_id, Answer.channel, Answer.skipped),
        Answer, flow, version)).all()
    channels = defaultdict(set)
    for conversation_id, _q, channel, _s in answers:
        channels[conversation_id].add(channel)
    result: dict[str, FlowStats] = {}
    for conversation, contact in rows:
        stats = result.setdefault(conversation.flow_id, _new(flows, conversation.flow_id))
        for measure in _measures(conversation, contact):
            stats.counts[measure]["all"] += 1
            for channel in channels[conversation.id]:
                stats.counts[measure][channel] += 1
    for stats in result.values():
        stats.questions = _questions(flows, stats.flow_id, rows, answers, version)
    return sorted(result.values(), key=lambda s: s.flow_id)


def _narrowed(query, model, flow: str | None, version: int | None):
    if flow:
        query = query.where(model.flow_id == flow)
    if flow and version:
        query = query.where(model.flow_version == version)
    return query


def _new(flows: Catalogue, flow_id: str) -> FlowStats:
    try:
        title = flows.get(flow_id).title
    except KeyError:
        title = flow_id
    return FlowStats(flow_id, title)


def _questions(flows: Catalogue, flow_id: str, rows, answers,
               version: int | None = None) -> list[QuestionStats]:
    """Each question of the set (at `version`, else its newest), in the order asked."""
    try:
        flow = flows.get(flow_id, version)
    except KeyError:
        return []
    mine = {c.id: c for c, _ in rows if c.flow_id == flow_id}
    answered, skipped, at = defaultdict(set), defaultdict(set), Counter()
    for conversation_id, question_id, _channel, was_skipped in answers:
        if conversation_id in mine:
            (skipped if was_skipped else answered)[question_id].add(conversation_id)
    for conversation in mine.values():
        if conversation.status in ("active", "paused"):
            at[conversation.step] += 1
    return [_question(step, flow.total_questions, answered, skipped, at)
            for step in flow.steps.values() if step.is_question]


def _question(step, total, answered, skipped, at) -> QuestionStats:
    # The question's own words label it: organisers know their questions by what they ask.
    words = step.text.render("en", total=total)
    done = answered[step.id] | skipped[step.id]
    return QuestionStats(step.id, words, words, len(done) + at[step.id],
                         len(answered[step.id]), len(skipped[step.id] - answered[step.id]))
