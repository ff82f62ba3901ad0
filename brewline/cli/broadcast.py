"""`brewline broadcast`: a "you said, we did" update to people who answered."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from brewline.cli.common import fail, runtime
from brewline.surveys import broadcast as updates


@click.command("broadcast")
@click.option("--flow", "flow_id", required=True, help="Everyone who answered this flow...")
@click.option("--text", required=True, help="...and agreed to hear more gets this text.")
@click.option("--dry-run", is_flag=True, help="Show who and what, send nothing.")
@with_appcontext
def broadcast(flow_id: str, text: str, dry_run: bool) -> None:
    """Send a "you said, we did" update."""
    rt = runtime()
    try:
        with rt.store.transaction() as session:
            chosen = updates.plan(rt, session, flow_id, text)
            if dry_run:
                for line in chosen.lines():
                    click.echo(line)
                return
            sent = updates.send(rt, session, chosen)
    except updates.BroadcastProblem as exc:
        fail(str(exc))
    click.echo(f"{sent} update(s) written ({len(chosen.contact_ids) - sent} already had it)")
