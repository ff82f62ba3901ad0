"""Organiser commands: contacts import, events, invites, broadcast, reminders."""
from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from flows.invites import when


def _runtime():
    return current_app.extensions["brewline"]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


@click.group()
def contacts() -> None:
    """People we may text: import them from a spreadsheet."""


@contacts.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tag", help="Label everyone in the file (e.g. north-tyneside).")
@with_appcontext
def contacts_import(file: Path, tag: str | None) -> None:
    """Import FILE.csv with the header phone,name,language,invites."""
    from service import contacts_import as importing, tags

    runtime = _runtime()
    try:
        tag = tags.clean(tag) if tag else None
        people, rejected = importing.parse(importing.read_text(file),
                                           runtime.settings.default_region)
    except ValueError as exc:
        _fail(str(exc))
    report = importing.Report(rejected=rejected)
    with runtime.store.transaction() as session:
        importing.import_people(session, people, tag, _now(), report)
    for line in report.lines():
        click.echo(line)


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
    from service import events as planning

    runtime = _runtime()
    try:
        moment = planning.parse_starts_at(starts_at, ZoneInfo(runtime.settings.tz_default), _now())
        with runtime.store.transaction() as session:
            event = planning.create(session, title, moment, where, details)
    except planning.EventProblem as exc:
        _fail(str(exc))
    click.echo(event.id)


@events.command("cancel")
@click.argument("event_id", type=int)
@with_appcontext
def events_cancel(event_id: int) -> None:
    """Cancel an event and tell everyone who said they were coming."""
    from service import events as planning
    from service.store import Event, lock

    runtime = _runtime()
    try:
        with runtime.store.transaction() as session:
            event = lock(session, Event, event_id)
            if event is None:
                raise planning.EventProblem(f"there is no event {event_id}")
            told = planning.cancel(runtime, session, event, _now())
    except planning.EventProblem as exc:
        _fail(str(exc))
    click.echo(f"event {event_id} cancelled; {told} people who said yes or maybe will be told")


@events.command("list")
@with_appcontext
def events_list() -> None:
    """Every event, with invites sent and answers so far."""
    from service import events as planning

    runtime = _runtime()
    zone = ZoneInfo(runtime.settings.tz_default)
    with runtime.store.transaction() as session:
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
    from service import events as planning, invitations, tags
    from service.store import Event, lock

    runtime = _runtime()
    try:
        tag = tags.clean(tag) if tag else None
        with runtime.store.transaction() as session:
            event = lock(session, Event, event_id)
            if event is None:
                raise planning.EventProblem(f"there is no event {event_id}")
            chosen = invitations.plan(runtime, session, event, tag)
            if dry_run:
                for line in chosen.lines():
                    click.echo(line)
                return
            sent = invitations.send(runtime, session, chosen, _now())
    except ValueError as exc:
        _fail(str(exc))
    except IntegrityError:
        _fail("another invite run for this event finished first; run it again to check")
    click.echo(f"{sent} invite(s) written: {len(chosen.texts)} by text, "
               f"{len(chosen.calls)} by phone call")


@click.command("broadcast")
@click.option("--flow", "flow_id", required=True, help="Everyone who answered this flow...")
@click.option("--text", required=True, help="...and agreed to hear more gets this text.")
@click.option("--dry-run", is_flag=True, help="Show who and what, send nothing.")
@with_appcontext
def broadcast(flow_id: str, text: str, dry_run: bool) -> None:
    """Send a "you said, we did" update."""
    from service import broadcast as updates

    runtime = _runtime()
    try:
        with runtime.store.transaction() as session:
            chosen = updates.plan(runtime, session, flow_id, text)
            if dry_run:
                for line in chosen.lines():
                    click.echo(line)
                return
            sent = updates.send(runtime, session, chosen)
    except updates.BroadcastProblem as exc:
        _fail(str(exc))
    click.echo(f"{sent} update(s) written ({len(chosen.contact_ids) - sent} already had it)")


@click.group()
def reminders() -> None:
    """Reminders (the worker also does this every few minutes)."""


@reminders.command("run")
@with_appcontext
def reminders_run() -> None:
    """Write the one gentle reminder for each survey that has gone quiet."""
    from service import reminders as reminding

    click.echo(f"{reminding.nudge_quiet_surveys(_runtime())} survey reminder(s) written")


COMMANDS = [contacts, events, invites, broadcast, reminders]
