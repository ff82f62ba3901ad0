"""Suggested themes: group the open answers nobody has given a theme yet, and let
organisers rename, merge, split and accept the groups.

Nothing leaves the machine: the model runs here (`embedding.py`). `load` is a parameter so
a caller can pass another loader (the tests pass one that fails, as a missing install does).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from brewline.surveys.models import Answer
from brewline.themes import embedding, words
from brewline.themes.models import AnswerTag, SuggestedGroup, SuggestedMember

SHOWN = 3  # representative answers shown for each group
MAX_NAME = 80
Loader = Callable[[], embedding.Model]


class Problem(ValueError):
    """Something an organiser asked for that cannot be done, in plain words."""


@dataclass(frozen=True)
class Said:
    """One open answer: its id and its words (the text, or the call's transcript)."""

    answer_id: int
    text: str


@dataclass(frozen=True)
class Group:
    """A suggested group as the page shows it."""

    id: int
    name: str
    words: list[str]
    size: int
    examples: list[str]


def open_answers(session: Session, year: int | None = None) -> list[Said]:
    """Answers in people's own words that have no theme yet, oldest first."""
    tagged = select(AnswerTag.answer_id)
    query = (select(Answer.id, func.coalesce(Answer.text, Answer.transcript))
             .where(Answer.skipped.is_(False), Answer.value.is_(None),
                    func.coalesce(Answer.text, Answer.transcript).is_not(None),
                    Answer.id.not_in(tagged)).order_by(Answer.created_at, Answer.id))
    return [Said(i, t) for i, t in session.execute(query) if t and t.strip()]


def suggest(session: Session, load: Loader = embedding.load) -> list[Group]:
    """Replace the open suggestions with new groups of the answers with no theme yet."""
    model = load()  # raises embedding.Unavailable, with how to turn it on
    from brewline.themes import grouping  # numpy and scikit-learn: only with the extra

    said = open_answers(session)
    session.execute(delete(SuggestedGroup).where(SuggestedGroup.status == "open"))
    if not said:
        return []
    vectors = model.embed([s.text for s in said])
    labels = grouping.group(vectors)
    members = [[i for i, label in enumerate(labels) if label == g] for g in sorted(set(labels))]
    _save(session, model.name, said, vectors, members, grouping)
    return shown(session)


def _save(session: Session, model: str, said: list[Said], vectors, members, grouping) -> None:
    names = words.distinctive([[said[i].text for i in m] for m in members])
    for indexes, found in zip(members, names):
        order = grouping.closest(vectors, indexes, len(indexes))
        group = SuggestedGroup(name=found[0] if found else "unnamed", words=found, model=model)
        session.add(group)
        session.flush()
        session.execute(insert(SuggestedMember), [
            {"group_id": group.id, "answer_id": said[indexes[r]].answer_id, "rank": rank}
            for rank, r in enumerate(order)])


def shown(session: Session) -> list[Group]:
    """The open suggestions, biggest first, each with its answers nearest the centre."""
    groups = session.scalars(select(SuggestedGroup).where(SuggestedGroup.status == "open"))
    found = [_shown(session, g) for g in groups]
    return sorted((g for g in found if g.size), key=lambda g: (-g.size, g.id))


def _shown(session: Session, group: SuggestedGroup) -> Group:
    texts = session.execute(
        select(func.coalesce(Answer.text, Answer.transcript))
        .join(SuggestedMember, SuggestedMember.answer_id == Answer.id)
        .where(SuggestedMember.group_id == group.id).order_by(SuggestedMember.rank)).scalars().all()
    return Group(group.id, group.name, list(group.words or []), len(texts), list(texts[:SHOWN]))


def rename(session: Session, group_id: int, name: str) -> None:
    _open(session, group_id).name = _clean(name)


def merge(session: Session, group_id: int, into_id: int) -> None:
    """Move every answer of one group into another, keeping the other's name."""
    if group_id == into_id:
        raise Problem("Choose a different group to merge with.")
    source, target = _open(session, group_id), _open(session, into_id)
    already = set(session.scalars(select(SuggestedMember.answer_id).where(
        SuggestedMember.group_id == target.id)))
    last = len(already)
    for member in _members(session, source.id):
        if member.answer_id not in already:
            session.add(SuggestedMember(group_id=target.id, answer_id=member.answer_id,
                                        rank=last + member.rank))
    session.delete(source)


def split(session: Session, group_id: int, load: Loader = embedding.load) -> None:
    """Split a group in two by meaning, each half with its own suggested words."""
    group = _open(session, group_id)
    members = _members(session, group.id)
    if len(members) < 4:
        raise Problem("This group is too small to split.")
    model = load()
    from brewline.themes import grouping

    said = [Said(m.answer_id, session.get(Answer, m.answer_id).text
                 or session.get(Answer, m.answer_id).transcript or "") for m in members]
    vectors = model.embed([s.text for s in said])
    labels = grouping.group(vectors, 2)
    halves = [[i for i, label in enumerate(labels) if label == g] for g in (0, 1)]
    session.delete(group)
    session.flush()
    _save(session, model.name, said, vectors, halves, grouping)


def accept(session: Session, group_id: int, name: str, user_id: int | None) -> int:
    """Give every answer of the group the theme `name`; returns how many answers got it."""
    group = _open(session, group_id)
    theme = _clean(name or group.name).lower()
    have = set(session.scalars(select(AnswerTag.answer_id).where(AnswerTag.theme == theme)))
    added = [m.answer_id for m in _members(session, group.id) if m.answer_id not in have]
    session.add_all(AnswerTag(answer_id=a, theme=theme, user_id=user_id) for a in added)
    group.name, group.status = theme, "accepted"
    return len(added)


def _members(session: Session, group_id: int) -> list[SuggestedMember]:
    return list(session.scalars(select(SuggestedMember).where(
        SuggestedMember.group_id == group_id).order_by(SuggestedMember.rank)))


def _open(session: Session, group_id: int) -> SuggestedGroup:
    group = session.get(SuggestedGroup, group_id)
    if group is None or group.status != "open":
        raise Problem("That suggested group is no longer there. Suggest themes again.")
    return group


def _clean(name: str) -> str:
    name = " ".join((name or "").split())[:MAX_NAME]
    if not name:
        raise Problem("Give the theme a name, such as 'buses'.")
    return name
