"""`brewline events|invites|reminders`: plan events, invite people, nudge quiet surveys."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from brewline.cli.common import fail, now, runtime
from brewline.events import editing, invitations
from brewline.events import events as planning
from brewline.events.models import Event
from brewline.people import tags
from brewline.platform.database import lock
from brewline.platform.dates import said
from brewline.surveys import reminders as nudges


@click.group()
def events() -> None:
    """Sessions people are invited to."""


def detail_options(required: bool):
    """An option per event detail (events/editing.py FIELDS), so a new detail needs no
    change here: --title, --starts-at, --where, --details, and --NAME/--no-NAME for yes/no."""
    def add(command):
        for field in reversed(editing.FIELDS):
            help_text = f"{field.label}, e.g. {field.example!r}."
            if field.kind == "checkbox":
                flag = f"{field.option}/--no-{field.option[2:]}"
                command = click.option(flag, field.name, default=None, help=field.label)(command)
            else:
                command = click.option(field.option, field.name, help=help_text,
                                       required=required and field.required)(command)
        return command
    return add


def _as_given(values: dict) -> dict:
    """Options as the form would give them: text, and yes or no for a checkbox."""
    return {name: ({True: "yes", False: "no"}[value] if isinstance(value, bool) else value)
            for name, value in values.items() if value is not None}


@events.command("create")
@detail_options(required=True)
@with_appcontext
def events_create(**given) -> None:
    """Plan an event; says what was made and what to do next."""
    rt = runtime()
    zone = ZoneInfo(rt.settings.tz_default)
    try:
        values = editing.read(_as_given(given), zone, now())
        with rt.store.transaction() as session:
            event = editing.create(rt, session, values)
    except planning.EventProblem as exc:
        fail(str(exc))
    click.echo(f"Event {event.id} planned: {event.title}, {said(event.starts_at, zone)}, "
               f"at {event.where}.")
    click.echo(f"Next: see the invite and who would get it with "
               f"`brewline invites send {event.id} --dry-run`, then send it with "
               f"`brewline invites send {event.id}`. Until then you can change it with "
               f"`brewline events edit {event.id}`.")


@events.command("edit")
@click.argument("event_id", type=int)
@detail_options(required=False)
@with_appcontext
def events_edit(event_id: int, **given) -> None:
    """Change an event's details, until its invites have gone."""
    rt = runtime()
    zone = ZoneInfo(rt.settings.tz_default)
    try:
        values = editing.read(_as_given(given), zone, now(), partial=True)
        with rt.store.transaction() as session:
            event = lock(session, Event, event_id)
            if event is None:
                raise planning.EventProblem(f"there is no event {event_id}")
            changed = editing.change(rt, session, event, values, now())
    except planning.EventProblem as exc:
        fail(str(exc))
    if not changed:
        click.echo(f"Event {event_id} is unchanged: give what to change, such as "
                   f"--title or --starts-at (see --help).")
        return
    click.echo(f"Event {event_id} changed ({', '.join(changed)}): {event.title}, "
               f"{said(event.starts_at, zone)}, at {event.where}.")


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
        click.echo("No events yet. Plan one with: brewline events create --title ... "
                   "--starts-at ... --where ...")
    for row in rows:
        event = row["event"]
        click.echo(f"{event.id}\t{said(event.starts_at, zone)}\t{event.status}\t"
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
