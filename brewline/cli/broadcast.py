"""`brewline broadcast`: a "you said, we did" update to people who answered."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from brewline.cli.common import fail, runtime
from brewline.surveys import broadcast as updates
from brewline.themes import actions


@click.command("broadcast")
@click.option("--flow", "flow_id", required=True, help="Everyone who answered this flow...")
@click.option("--text", help="...and agreed to hear more gets this text.")
@click.option("--we-did", is_flag=True,
              help="Instead of --text: the text made from what was done (the We did page).")
@click.option("--dry-run", is_flag=True, help="Show who and what, send nothing.")
@with_appcontext
def broadcast(flow_id: str, text: str | None, we_did: bool, dry_run: bool) -> None:
    """Send a "you said, we did" update."""
    if bool(text) == we_did:
        fail("give either --text or --we-did")
    rt = runtime()
    try:
        with rt.store.transaction() as session:
            if we_did:
                done = actions.by_theme(session)
                if not done:
                    fail("nothing is written down on the We did page yet")
                text = actions.you_said_we_did(rt.settings.org_name, done)
            chosen = updates.plan(rt, session, flow_id, text)
            if dry_run:
                for line in chosen.lines():
                    click.echo(line)
                return
            sent = updates.send(rt, session, chosen)
    except updates.BroadcastProblem as exc:
        fail(str(exc))
    click.echo(f"{sent} update(s) written ({len(chosen.contact_ids) - sent} already had it)")
