"""The details of an event organisers fill in, read and checked in one place, and changing
them until the event's invites go.

The Invites page (its form) and `brewline events create|edit` (their options) are built
from FIELDS. To add a detail: a column on Event (events/models.py), then a Field here;
a yes/no detail is `kind="checkbox"`. Nothing else needs to change.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Mapping
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from brewline.events import events, invitations
from brewline.events.models import Event, Invite, ScheduledInvites
from brewline.platform.runtime import Runtime

YES = ("on", "yes", "true", "1")


@dataclass(frozen=True)
class Context:
    """What reading a field may need: the organiser's time zone and the time now."""

    zone: ZoneInfo
    now: datetime


def _words(raw: str, _ctx: Context) -> str | None:
    return events.plain(raw) or None


def _starts(raw: str, ctx: Context) -> datetime | None:
    return events.parse_starts_at(raw.replace("T", " "), ctx.zone, ctx.now) if raw.strip() else None


def _yes(raw: str, _ctx: Context) -> bool:
    return raw.strip().lower() in YES


def _as_typed(event: Event, name: str, zone: ZoneInfo) -> str:
    value = getattr(event, name)
    return "" if value is None else str(value)


def _checked(event: Event, name: str, zone: ZoneInfo) -> str:
    return "yes" if getattr(event, name) else ""


def _start_as_typed(event: Event, name: str, zone: ZoneInfo) -> str:
    return event.starts_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


@dataclass(frozen=True)
class Field:
    """One detail of an event: the Event attribute, the form field and `--name` option."""

    name: str
    label: str
    example: str
    noun: str  # what a refusal calls it: "An event needs a title"
    kind: str = "text"  # text | datetime-local | checkbox
    required: bool = True
    max_length: int = 200
    read: Callable[[str, Context], object] = _words
    as_typed: Callable[[Event, str, ZoneInfo], str] = _as_typed  # for the form, when editing

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")


FIELDS: tuple[Field, ...] = (
    Field("title", "What it is", "Over a Brew: buses", "a title"),
    Field("starts_at", "When it starts (local time)", "2027-06-26 14:00", "a start time",
          kind="datetime-local", read=_starts, as_typed=_start_as_typed),
    Field("where", "Where", "Whitley Bay Library", "a place"),
    Field("details", "One short sentence more (optional)", "Tea and bus fares paid.",
          "details", required=False, max_length=300),
    Field("by_phone", "People can ring in to listen (from 15 minutes before the start)",
          "", "joining by phone", kind="checkbox", required=False, read=_yes,
          as_typed=_checked),
    Field("record_live", "Record the phone call (callers are told first)", "",
          "recording", kind="checkbox", required=False, read=_yes, as_typed=_checked),
)


def read(given: Mapping[str, str | None], zone: ZoneInfo, now: datetime,
         partial: bool = False) -> dict:
    """Checked values from a form or the command line; EventProblem says what is wrong.

    With `partial` (an edit from the command line), fields not given are left out.
    """
    ctx, values, missing = Context(zone, now), {}, []
    for field in FIELDS:
        raw = given.get(field.name)
        if raw is None and partial:
            continue
        value = field.read((raw or "")[:field.max_length * 2], ctx)
        if isinstance(value, str):
            value = value[:field.max_length]
        if field.required and value is None:
            missing.append(field.noun)
        values[field.name] = value
    if missing:
        raise events.EventProblem("An event needs " + " and ".join(missing) + ".")
    return values


def as_typed(event: Event, zone: ZoneInfo) -> dict[str, str]:
    """The event's details as the form shows them for editing."""
    return {field.name: field.as_typed(event, field.name, zone) for field in FIELDS}


def draft(values: dict) -> Event:
    """An unsaved event with these details: enough to word its invite."""
    return Event(status="planned", **values)


def create(runtime: Runtime, session: Session, values: dict) -> Event:
    """A new event, refused if its invite could never be sent as it is."""
    refuse_invite_errors(runtime, draft(values))
    return events.create(session, **values)


def refuse_invite_errors(runtime: Runtime, event: Event) -> None:
    """EventProblem, in plain words, if this event's invite has errors."""
    found = invitations.check(runtime, event)
    if found.errors:
        raise events.EventProblem(found.refusal())


def why_fixed(session: Session, event: Event, now: datetime) -> str | None:
    """Why this event can no longer be changed, or None while it can."""
    if event.status == "cancelled":
        return "It is cancelled."
    if event.starts_at <= now:
        return "It has started."
    invited = session.scalar(select(func.count()).select_from(Invite)
                             .where(Invite.event_id == event.id))
    if invited:
        return (f"Invites have gone to {invited} {'person' if invited == 1 else 'people'}, "
                "and they would still have the old details. To change it, cancel it "
                "(those coming are told) and plan a new one.")
    return None


def change(runtime: Runtime, session: Session, event: Event, values: dict,
           now: datetime) -> list[str]:
    """Change the event's details (locked by the caller); what changed ("title", ...).

    EventProblem if it can no longer be changed, if the invite would have errors, or if
    invites are scheduled for after the new start.
    """
    reason = why_fixed(session, event, now)
    if reason:
        raise events.EventProblem(f"This event cannot be changed now. {reason}")
    changed = [f for f in FIELDS if f.name in values and _differs(f, event, values[f.name])]
    for field in changed:
        setattr(event, field.name, values[field.name])
    refuse_invite_errors(runtime, event)
    _refuse_late_schedules(session, event)
    return [field.noun.removeprefix("a ") for field in changed]


def _differs(field: Field, event: Event, value: object) -> bool:
    """Whether a value changes the event as the form shows it (a start time the form
    gives to the minute is not a change of the seconds the event was made with)."""
    utc = ZoneInfo("UTC")
    return (field.as_typed(event, field.name, utc)
            != field.as_typed(Event(**{field.name: value}), field.name, utc))


def _refuse_late_schedules(session: Session, event: Event) -> None:
    late = session.scalar(select(func.count()).select_from(ScheduledInvites).where(
        ScheduledInvites.event_id == event.id, ScheduledInvites.status == "waiting",
        ScheduledInvites.send_at >= event.starts_at))
    if late:
        raise events.EventProblem("Invites are scheduled to go after the new start time. "
                                  "Cancel them on the event's page first, or choose a later "
                                  "start.")
