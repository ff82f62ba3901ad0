"""Finding answers for the Answers page: filters, grouping by question, themes."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from brewline.organiser.models import AnswerTag
from brewline.people.models import Contact
from brewline.surveys.models import Answer
from brewline.surveys.catalogue import Catalogue

PAGE_SIZE = 200
CHANNELS = {"sms": "Text", "voice": "Phone call"}


@dataclass(frozen=True)
class Filters:
    """What the organiser asked to see; blank means everything."""

    flow: str = ""
    question: str = ""
    channel: str = ""
    theme: str = ""
    page: int = 1
    version: int | None = None

    @classmethod
    def from_args(cls, args) -> "Filters":
        try:
            page = max(int(args.get("page", "1")), 1)
        except ValueError:
            page = 1
        raw = args.get("version", "")
        version = int(raw) if raw.isdigit() and args.get("flow") else None
        return cls(args.get("flow", ""), args.get("question", ""), args.get("channel", ""),
                   args.get("theme", "").strip().lower(), page, version)

    @property
    def chosen(self) -> bool:
        return bool(self.flow or self.question or self.channel or self.theme)


@dataclass(frozen=True)
class Shown:
    """One answer as the page shows it."""

    answer: Answer
    pid: str
    themes: tuple[str, ...]


def _where(filters: Filters) -> list:
    where = []
    if filters.flow:
        where.append(Answer.flow_id == filters.flow)
    if filters.flow and filters.version:
        where.append(Answer.flow_version == filters.version)
    if filters.question:
        where.append(Answer.question_id == filters.question)
    if filters.channel:
        where.append(Answer.channel == filters.channel)
    if filters.theme:
        where.append(Answer.id.in_(select(AnswerTag.answer_id).where(
            AnswerTag.theme == filters.theme)))
    return where


def find(session: Session, filters: Filters) -> tuple[list[Shown], bool]:
    """One page of answers (oldest first) and whether there is another page."""
    rows = session.execute(
        select(Answer, Contact.pid).join(Contact, Answer.contact_id == Contact.id)
        .where(*_where(filters)).order_by(Answer.created_at, Answer.id)
        .offset((filters.page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    more, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
    tags = themes_of(session, [a.id for a, _ in rows])
    return [Shown(a, pid, tuple(tags[a.id])) for a, pid in rows], more


def themes_of(session: Session, answer_ids: list[int]) -> dict[int, list[str]]:
    found = defaultdict(list)
    if answer_ids:
        for answer_id, theme in session.execute(
                select(AnswerTag.answer_id, AnswerTag.theme)
                .where(AnswerTag.answer_id.in_(answer_ids)).order_by(AnswerTag.theme)):
            found[answer_id].append(theme)
    return found


def all_themes(session: Session) -> list[str]:
    return list(session.scalars(select(AnswerTag.theme).distinct().order_by(AnswerTag.theme)))


def by_question(flows: Catalogue, shown: list[Shown]) -> list[tuple[str, str, list[Shown]]]:
    """(question id, question text, answers) in the order the flow asks them."""
    groups: dict[tuple[str, str], list[Shown]] = defaultdict(list)
    for item in shown:
        groups[(item.answer.flow_id, item.answer.question_id)].append(item)
    order = {key: i for i, key in enumerate(question_keys(flows))}
    keys = sorted(groups, key=lambda k: (order.get(k, len(order)), k))
    return [(q, groups[(f, q)][0].answer.question_text, groups[(f, q)]) for f, q in keys]


def question_keys(flows: Catalogue) -> list[tuple[str, str]]:
    """(flow id, question id) for every question of every current flow, in order."""
    return [(flow_id, step.id) for flow_id in flows.ids()
            for step in flows.get(flow_id).steps.values() if step.is_question]


def question_choices(flows: Catalogue, flow_id: str = "") -> list[tuple[str, str]]:
    """(question id, label) for the question filter: the chosen set's questions by number,
    or every set's, each named with its set's title."""
    chosen = [flow_id] if flow_id else flows.ids()
    return [(step.id, _label(flows.get(f), step, bool(flow_id))) for f in chosen
            for step in flows.get(f).steps.values() if step.is_question]


def _label(flow, step, narrowed: bool) -> str:
    name = f"Question {step.number}" if step.number else step.id.replace("_", " ").capitalize()
    return name if narrowed else f"{flow.title}: {name}"
