"""`brewline events|invites|reminders`: plan events, invite people, nudge quiet surveys."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from brewline.cli.common import fail, now, runtime
from brewline.events import events as planning
from brewline.events import invitations
from brewline.events.models import Event
from brewline.people import tags
from brewline.platform.database import lock
from brewline.surveys import reminders as nudges
from flows.invites import when


@click.group()
def events() -> None:
    """Sessions people are invited to."""


@events.command("create")
@click.option("--title", required=True)
@click.option("--starts-at", required=True, help="Local time, e.g. '2026-06-26 14:00'.")
@click.option("--where", required=True)
@click.option("--details", help="One short sentence, e.g. 'Tea and bus fares paid.'")
@with_appcontext
def events_create(title: str, starts_at: str, where: str, details: str | None) -> None:
    """Plan an event; prints its id."""
    rt = runtime()
    try:
        moment = planning.parse_starts_at(starts_at, ZoneInfo(rt.settings.tz_default), now())
        with rt.store.transaction() as session:
            event = planning.create(session, title, moment, where, details)
    except planning.EventProblem as exc:
        fail(str(exc))
    click.echo(event.id)


@events.command("cancel")
@click.argument("event_id", type=int)
@with_appcontext
def events_cancel(event_id: int) -> None:
    """Cancel an event and tell everyone who said they were coming."""
    rt = runtime()
    try:
        with rt.store.transaction() as session:
            event = lock(session, Event, event_id)
            if event is None:
                raise planning.EventProblem(f"there is no event {event_id}")
            told = planning.cancel(rt, session, event, now())
    except planning.EventProblem as exc:
        fail(str(exc))
    click.echo(f"event {event_id} cancelled; {told} people who said yes or maybe will be told")


@events.command("list")
@with_appcontext
def events_list() -> None:
    """Every event, with invites sent and answers so far."""
    rt = runtime()
    zone = ZoneInfo(rt.settings.tz_default)
    with rt.store.transaction() as session:
        rows = planning.summary(session)
    if not rows:
        click.echo("no events yet: brewline events create --title ... --starts-at ... --where ...")
    for row in rows:
        event = row["event"]
        click.echo(f"{event.id}\t{when(event.starts_at.astimezone(zone))}\t{event.status}\t"
                   f"{event.title} ({event.where})\tinvited {row['invited']}, "
                   f"yes {row.get('yes', 0)}, maybe {row.get('maybe', 0)}, no {row.get('no', 0)}")


@click.group()
def invites() -> None:
    """Inviting people to events."""


@invites.command("send")
@click.argument("event_id", type=int)
@click.option("--tag", help="Only people with this tag.")
@click.option("--dry-run", is_flag=True, help="Show who and what, send nothing.")
@with_appcontext
def invites_send(event_id: int, tag: str | None, dry_run: bool) -> None:
    """Invite everyone who agreed to hear from us (once per event)."""
    rt = runtime()
    try:
        tag = tags.clean(tag) if tag else None
        with rt.store.transaction() as session:
            event = lock(session, Event, event_id)
            if event is None:
                raise planning.EventProblem(f"there is no event {event_id}")
            chosen = invitations.plan(rt, session, event, tag)
            if dry_run:
                for line in chosen.lines():
                    click.echo(line)
                return
            sent = invitations.send(rt, session, chosen, now())
    except ValueError as exc:
        fail(str(exc))
    except IntegrityError:
        fail("another invite run for this event finished first; run it again to check")
    click.echo(f"{sent} invite(s) written: {len(chosen.texts)} by text, "
               f"{len(chosen.calls)} by phone call")


@click.group()
def reminders() -> None:
    """Reminders (the worker also does this every few minutes)."""


@reminders.command("run")
@with_appcontext
def reminders_run() -> None:
    """Write the one gentle reminder for each survey that has gone quiet."""
    click.echo(f"{nudges.nudge_quiet_surveys(runtime())} survey reminder(s) written")
