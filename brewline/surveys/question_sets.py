"""Question sets in the database: drafts, publishing, closing, the default, and files.

A set has versions. At most one is a draft, which may change; publishing makes it a
version that never changes again, and editing a published set makes a new draft. A
person keeps the version they started with. Published sets are open (anyone may start
them, by keyword or as the default) until they are closed.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from brewline.platform.database import after_commit
from brewline.platform.runtime import Runtime
from brewline.surveys.models import Conversation, QuestionSet, QuestionSetVersion
from flows import loader, sheet
from flows.invites import rsvp_answer
from flows.keywords import classify, is_greeting, normalise
from flows.model import Flow
from flows.readability import Finding, check_flow, errors_in

KEYWORD = re.compile(r"^[A-Z][A-Z0-9]{1,11}$")
MAX_TITLE = 200


class SetProblem(ValueError):
    """Something asked of a question set that cannot be done, in plain words."""


@dataclass(frozen=True)
class Row:
    """One set as lists show it."""

    set: QuestionSet
    published: int | None  # newest published version
    draft: int | None  # the draft's version number, if there is a draft


# Reading.

def get_set(session: Session, set_id: str) -> QuestionSet:
    """The set with this id, or SetProblem naming the sets there are."""
    found = session.get(QuestionSet, set_id)
    if found is None:
        known = ", ".join(session.scalars(select(QuestionSet.id).order_by(QuestionSet.id)))
        raise SetProblem(f"there is no question set '{set_id}' (there are: {known or 'none'})")
    return found


def rows(session: Session) -> list[Row]:
    """Every set with its newest published version and its draft, open ones first."""
    versions = session.execute(select(QuestionSetVersion.set_id, QuestionSetVersion.status,
                                      func.max(QuestionSetVersion.version))
                               .group_by(QuestionSetVersion.set_id, QuestionSetVersion.status))
    newest: dict[tuple[str, str], int] = {(s, st): v for s, st, v in versions}
    order = {"open": 0, "draft": 1, "closed": 2}
    sets = session.scalars(select(QuestionSet)).all()
    return [Row(s, newest.get((s.id, "published")), newest.get((s.id, "draft")))
            for s in sorted(sets, key=lambda s: (order.get(s.status, 3), s.title.lower()))]


def versions(session: Session, set_id: str) -> list[QuestionSetVersion]:
    """A set's versions, newest first."""
    return list(session.scalars(select(QuestionSetVersion).where(
        QuestionSetVersion.set_id == set_id).order_by(QuestionSetVersion.version.desc())))


def draft_of(session: Session, set_id: str) -> QuestionSetVersion | None:
    return session.scalars(select(QuestionSetVersion).where(
        QuestionSetVersion.set_id == set_id, QuestionSetVersion.status == "draft")).first()


def newest_published(session: Session, set_id: str) -> QuestionSetVersion | None:
    return session.scalars(select(QuestionSetVersion).where(
        QuestionSetVersion.set_id == set_id, QuestionSetVersion.status == "published")
        .order_by(QuestionSetVersion.version.desc())).first()


def question_ids(session: Session, set_id: str) -> set[str]:
    """Every step id any version of the set has used: a new question never reuses one,
    so an answer's question id means one question for good."""
    return {step.get("id") for v in versions(session, set_id)
            for step in v.body.get("steps") or () if isinstance(step, dict)}


# Checks, as `brewline flows check` makes them.

def findings(data: Any) -> list[Finding]:
    """Every problem with a version's data: its structure, then every text's readability."""
    try:
        flow = loader.build(data)
    except loader.FlowError as exc:
        return [Finding("error", "structure", problem) for problem in exc.problems]
    return check_flow(flow)


# Making and changing drafts.

def slug(title: str) -> str:
    """A set id from its title: 'AI and us' -> 'ai-and-us'."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", plain))[:60].strip("-") or "question-set"


def create(session: Session, title: str, now: datetime) -> QuestionSet:
    """A new set from the page: the default lines and one question, as draft version 1."""
    title = " ".join(title.split())[:MAX_TITLE]
    if not title:
        raise SetProblem("give the question set a title")
    base, n = slug(title), 1
    set_id = base
    while session.get(QuestionSet, set_id) is not None:
        n += 1
        set_id = f"{base}-{n}"
    found = QuestionSet(id=set_id, title=title, status="draft", created_at=now, updated_at=now)
    session.add(found)
    session.add(QuestionSetVersion(set_id=set_id, version=1, status="draft", created_at=now,
                                   updated_at=now,
                                   body=sheet.to_data(sheet.new(title), set_id, 1)))
    session.flush()
    return found


def edit(session: Session, set_id: str, now: datetime) -> QuestionSetVersion:
    """The set's draft, made from its newest published version if there is none yet."""
    found = get_set(session, set_id)
    current = draft_of(session, set_id)
    if current is not None:
        return current
    published = newest_published(session, set_id)
    if published is None:
        raise SetProblem(f"question set '{set_id}' has no version to start from")
    number = published.version + 1
    current = QuestionSetVersion(set_id=found.id, version=number, status="draft",
                                 body={**published.body, "version": number},
                                 created_at=now, updated_at=now)
    session.add(current)
    session.flush()
    return current


def save_draft(session: Session, draft: QuestionSetVersion, data: dict, now: datetime) -> None:
    """Keep new data for a draft (problems and all: a draft is work in progress)."""
    if draft.status != "draft":
        raise SetProblem("a published version never changes: edit the set to make a new one")
    draft.body = {**data, "id": draft.set_id, "version": draft.version}
    draft.updated_at = now
    owner = session.get(QuestionSet, draft.set_id)
    if owner.status == "draft":  # before it is ever published, the title follows the draft
        owner.title = str(data.get("title") or owner.title)[:MAX_TITLE]


def import_data(session: Session, data: Any, source: str, now: datetime) -> QuestionSetVersion:
    """A file's set as a draft (a new set, or a new draft of a known one).

    Refused with loader.FlowError listing every problem, readability errors included.
    """
    flow = loader.build(data, source=source)
    errors = errors_in(check_flow(flow))
    if errors:
        raise loader.FlowError(source, [f"{f.where}: {f.message}" for f in errors])
    owner = session.get(QuestionSet, flow.id)
    if owner is None:
        owner = QuestionSet(id=flow.id, title=flow.title[:MAX_TITLE], status="draft",
                            created_at=now, updated_at=now)
        session.add(owner)
        session.flush()
    draft = draft_of(session, flow.id)
    if draft is None:
        number = max((v.version for v in versions(session, flow.id)), default=0) + 1
        draft = QuestionSetVersion(set_id=flow.id, version=number, status="draft", body={},
                                   created_at=now, updated_at=now)
        session.add(draft)
    save_draft(session, draft, dict(data), now)
    session.flush()
    return draft


# Publishing, closing and the default.

def publish(runtime: Runtime, session: Session, set_id: str, keyword: str | None,
            make_default: bool, now: datetime) -> QuestionSetVersion:
    """Publish the set's draft (or reopen a closed set) with a keyword.

    The first open set becomes the default; `make_default` makes this one the default.
    """
    found = lock_set(session, set_id)
    version = draft_of(session, set_id)
    if version is not None:
        _publish_draft(session, found, version, now)
    else:
        version = newest_published(session, set_id)
        if version is None:
            raise SetProblem(f"question set '{set_id}' has nothing to publish")
    _take_keyword(session, found, keyword or found.keyword or version.body.get("keyword"))
    found.status, found.updated_at = "open", now
    session.flush()
    if make_default or _open_default(session) is None:
        _make_default(session, found)
    after_commit(session, runtime.flows.forget)
    return version


def _publish_draft(session: Session, found: QuestionSet, version: QuestionSetVersion,
                   now: datetime) -> None:
    _check_publishable(version)
    version.status, version.published_at, version.updated_at = "published", now, now
    found.title = str(version.body.get("title") or found.title)[:MAX_TITLE]
    # Nobody but an organiser trying it could reach a draft, so its answers are trials.
    session.execute(delete(Conversation).where(Conversation.flow_id == found.id,
                                               Conversation.flow_version == version.version))


def _check_publishable(version: QuestionSetVersion) -> None:
    errors = errors_in(findings(version.body))
    if errors:
        raise SetProblem("it needs fixing first: " + "; ".join(
            f"{f.where}: {f.message}" for f in errors))


def close(runtime: Runtime, session: Session, set_id: str, now: datetime) -> QuestionSet:
    """Close a set: nobody can start or carry on with it, and texting it says so kindly."""
    found = lock_set(session, set_id)
    if found.status != "open":
        raise SetProblem(f"question set '{set_id}' is not open")
    others = session.scalar(select(func.count()).select_from(QuestionSet).where(
        QuestionSet.status == "open", QuestionSet.id != set_id))
    if found.is_default and others:
        raise SetProblem("it is the default set: make another open set the default first")
    found.status, found.is_default, found.updated_at = "closed", False, now
    after_commit(session, runtime.flows.forget)
    return found


def make_default(runtime: Runtime, session: Session, set_id: str, now: datetime) -> None:
    """The set a new texter with no keyword starts."""
    found = lock_set(session, set_id)
    if found.status != "open":
        raise SetProblem("only an open question set can be the default: publish it first")
    _make_default(session, found)
    found.updated_at = now
    after_commit(session, runtime.flows.forget)


def lock_set(session: Session, set_id: str) -> QuestionSet:
    get_set(session, set_id)
    return session.get(QuestionSet, set_id, with_for_update=True, populate_existing=True)


def _make_default(session: Session, found: QuestionSet) -> None:
    session.execute(update(QuestionSet).where(QuestionSet.id != found.id)
                    .values(is_default=False))
    found.is_default = True


def _open_default(session: Session) -> str | None:
    return session.scalar(select(QuestionSet.id).where(QuestionSet.is_default.is_(True),
                                                       QuestionSet.status == "open"))


def _take_keyword(session: Session, found: QuestionSet, keyword: str | None) -> None:
    if not keyword:
        raise SetProblem("give it a keyword people can text to start it, such as AI")
    word = clean_keyword(keyword)
    holder = session.scalars(select(QuestionSet).where(QuestionSet.keyword == word,
                                                       QuestionSet.id != found.id)).first()
    if holder is not None and holder.status == "open":
        raise SetProblem(f"{word} is already the keyword of '{holder.title}', which is open")
    if holder is not None:
        holder.keyword = None  # a closed set gives up its keyword to a new one
        session.flush()
    found.keyword = word


def clean_keyword(raw: str) -> str:
    """A keyword in capitals, or SetProblem saying why it cannot be one."""
    word = raw.strip().upper()
    if not KEYWORD.match(word):
        raise SetProblem(f"'{raw.strip()}' cannot be a keyword: use one word of 2 to 12 "
                         "letters or numbers, starting with a letter, such as AI")
    plain = normalise(word)
    if classify(plain) or rsvp_answer(plain) or is_greeting(plain) \
            or plain in sheet.START_WORDS + sheet.NOT_NOW_WORDS:
        raise SetProblem(f"{word} already means something when people text it "
                         "(like STOP, HELP, YES or NO): choose another word")
    return word


# Files.

def to_yaml(data: dict, keyword: str | None = None) -> str:
    """A version as a YAML file, in the format of the shipped files."""
    shown = {"id": data.get("id"), "version": data.get("version"), "title": data.get("title")}
    if keyword:
        shown["keyword"] = keyword
    shown |= {k: v for k, v in data.items() if k not in shown}
    return yaml.safe_dump(shown, allow_unicode=True, sort_keys=False, width=90)


def from_yaml(text: str, source: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise loader.FlowError(source, [f"not valid YAML: {exc}"]) from None


# The shipped sets.

def seed(runtime: Runtime, now: datetime) -> list[str]:
    """Write the shipped question sets (FLOWS_DIR or flows/data) that the database lacks,
    published and open; ACTIVE_FLOW (or the first) becomes the default if there is none.

    Run by `brewline db upgrade`; safe to run again, it never changes a set it finds.
    """
    settings = runtime.settings
    files = sorted(Path(settings.flows_dir or loader.DATA_DIR).glob("*.yaml"))
    added: list[str] = []
    with runtime.store.transaction() as session:
        for path in files:
            added += _seed_file(session, path, now)
        if added and _open_default(session) is None:
            chosen = settings.active_flow if settings.active_flow in added else added[0]
            _make_default(session, session.get(QuestionSet, chosen))
        after_commit(session, runtime.flows.forget)
    return added


def _seed_file(session: Session, path: Path, now: datetime) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    flow: Flow = loader.build(data, source=str(path))
    if session.get(QuestionSet, flow.id) is not None:
        return []
    keyword = data.get("keyword")
    taken = keyword and session.scalar(select(QuestionSet.id).where(
        QuestionSet.keyword == str(keyword).upper()))
    session.add(QuestionSet(id=flow.id, title=flow.title[:MAX_TITLE], status="open",
                            keyword=str(keyword).upper() if keyword and not taken else None,
                            created_at=now, updated_at=now))
    session.flush()
    session.add(QuestionSetVersion(set_id=flow.id, version=flow.version, status="published",
                                   body=dict(data), created_at=now, updated_at=now,
                                   published_at=now))
    session.flush()
    return [flow.id]
