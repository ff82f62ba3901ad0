"""`brewline invites send`: invite everyone who agreed to hear from us, once per event."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import exists
from sqlalchemy.orm import Session

from brewline.delivery import outbox
from brewline.events import events, invite_words
from brewline.events.models import Event, Invite
from brewline.people import audience, contacts
from brewline.people.models import Contact
from brewline.platform import bulk
from brewline.platform.runtime import Runtime
from flows.invites import render
from flows.readability import (
    Encoding,
    Finding,
    check_text,
    encoding,
    errors_in,
)


@dataclass(frozen=True)
class Plan:
    """Who an invite would go to and exactly what it says."""

    event: Event
    texts: list[int]
    calls: list[int]
    cannot_text: int
    text: str
    call_text: str
    encoding: Encoding
    findings: list[Finding]
    # The text and the call's words in each language of the people it goes to.
    worded: dict[str, tuple[str, str]] = field(default_factory=dict)
    language_of: dict[int, str] = field(default_factory=dict)

    def words_for(self, contact_id: int) -> tuple[str, str]:
        """(text, call words) in this person's language."""
        return self.worded.get(self.language_of.get(contact_id, "en"),
                               (self.text, self.call_text))

    def texted_in(self) -> dict[str, int]:
        """How many people get the text in each language other than English."""
        found: dict[str, int] = {}
        for cid in self.texts:
            language = self.language_of.get(cid, "en")
            if language != "en":
                found[language] = found.get(language, 0) + 1
        return found

    @property
    def errors(self) -> list[Finding]:
        return errors_in(self.findings)

    @property
    def problems(self) -> invite_words.Problems:
        """The findings in an organiser's words: what to change, and why."""
        return invite_words.problems(self.text, self.findings)

    def lines(self) -> list[str]:
        """What a dry run prints."""
        parts = self.encoding.segments
        out = [f"Invite to event {self.event.id}: {len(self.texts)} by text, "
               f"{len(self.calls)} by phone call (phone-only)",
               f"The text ({parts} SMS part{'' if parts == 1 else 's'}, each paid for; "
               f"{self.encoding.units} characters):", "", self.text, ""]
        if self.calls:
            out += ["What the call says:", "", self.call_text, ""]
        if self.cannot_text:
            out.append(f"Left out: {self.cannot_text} whose number cannot receive texts")
        return out + problem_lines(self.problems)


def problem_lines(found: invite_words.Problems) -> list[str]:
    """Errors, then warnings, as a terminal shows them (or that all is well)."""
    errors = ["Must change before it can go:"] + [f"  - {e}" for e in found.errors]
    warnings = ["Worth checking:"] + [f"  - {w}" for w in found.warnings]
    return ((errors if found.errors else []) + (warnings if found.warnings else [])
            or ["No problems found with the wording."])


def plan(runtime: Runtime, session: Session, event: Event, tag: str | None) -> Plan:
    """Work out the audience and the texts, writing nothing."""
    query = audience.consenting(tag).where(~exists().where(
        Invite.event_id == event.id, Invite.contact_id == Contact.id))
    people = session.execute(query).all()
    said = events.words(event, ZoneInfo(runtime.settings.tz_default))
    text = invite_text(runtime, event)
    # Phone-only people are rung; others whose number cannot take texts are left out.
    calls = [cid for cid, phone_only, _ in people if phone_only]
    texts = [cid for cid, phone_only, no_text in people if not phone_only and not no_text]
    language_of = contacts.languages(session, texts + calls)
    worded = {lang: (render("invite", said, lang), render("invite_call", said, lang))
              for lang in sorted(set(language_of.values()))}
    return Plan(event, texts=texts, calls=calls, cannot_text=len(people) - len(texts) - len(calls),
                text=text, call_text=render("invite_call", said), encoding=encoding(text),
                findings=check_text(text, "invite"), worded=worded, language_of=language_of)


def invite_text(runtime: Runtime, event: Event) -> str:
    """The invite's exact words for this event, in the organiser's time zone."""
    return render("invite", events.words(event, ZoneInfo(runtime.settings.tz_default)))


def check(runtime: Runtime, event: Event) -> invite_words.Problems:
    """What is wrong with this event's invite, whoever it would go to."""
    text = invite_text(runtime, event)
    return invite_words.problems(text, check_text(text, "invite"))


def send(runtime: Runtime, session: Session, chosen: Plan, now: datetime) -> int:
    """Write every invite and its outbox row in this transaction; ids are queued after commit."""
    if not events.is_open(chosen.event, now):
        raise events.EventProblem("The event is cancelled or has started, so no invites "
                                  "can go.")
    if chosen.errors:
        raise events.EventProblem(chosen.problems.refusal())
    event_id, ref = chosen.event.id, events.ref(chosen.event.id)
    rows = [_row(cid, chosen.words_for(cid)[0], "invite", "sms", event_id, ref)
            for cid in chosen.texts]
    # Calls wait for civil hours from `now`, as every call does (outbox.civil_time).
    rung = {"not_before": outbox.civil_time(runtime.settings, now)}
    rows += [_row(cid, chosen.words_for(cid)[1], "invite_call", "call", event_id, ref) | rung
             for cid in chosen.calls]
    ids = outbox.add_many(runtime, session, rows)
    if rows:
        bulk.insert_rows(session, Invite, [
            {"event_id": event_id, "contact_id": row["contact_id"], "channel": row["channel"],
             "outbox_id": oid, "created_at": now} for row, oid in zip(rows, ids)])
    return len(rows)


def _row(contact_id: int, body: str, purpose: str, channel: str, event_id: int, ref: str) -> dict:
    return {"contact_id": contact_id, "body": body, "purpose": purpose, "channel": channel,
            "ref": ref, "dedupe_key": f"invite:{event_id}:{contact_id}"}
