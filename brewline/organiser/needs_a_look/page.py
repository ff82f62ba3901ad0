"""The Needs a look page: texts and calls that went wrong, people we cannot text, and
"try again", which writes a new outbox row (rows.py) and never resends one."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import flash, g, redirect, render_template, url_for
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from brewline.delivery.backoff import retry_for
from brewline.organiser import audit
from brewline.organiser.contacts.page import page_of
from brewline.organiser.dates import when
from brewline.organiser.guard import organiser_blueprint, runtime
from brewline.organiser.needs_a_look import rows
from brewline.organiser.needs_a_look import words as words
from brewline.people.models import Contact
from brewline.platform.dates import clock

bp = organiser_blueprint("problems")
ALREADY = "This was tried again already. Nothing more was sent."
SOON = timedelta(minutes=1)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _person_links(db: Session, found: rows.Found) -> dict[int, str]:
    """Each person's row on the Contacts page (the page that shows their details)."""
    people = {p.contact_id: p.pid for p in found.unknown + found.failed + found.no_texts}
    return {cid: url_for("contacts.contacts", page=page_of(db, cid)) + f"#contact-{pid}"
            for cid, pid in people.items()}


def _quiet_words() -> str:
    hours = runtime().settings.quiet_hours
    if not hours:
        return "straight away"
    return f"as soon as it can, but never between {clock(hours[0])} and {clock(hours[1])}"


def _page(error: str | None = None, status: int = 200):
    with runtime().store.transaction() as db:
        found = rows.find(db, _now())
        links = _person_links(db, found)
    return render_template("needs_a_look.html", found=found, links=links,
                           goes=_quiet_words(), known_codes=words.CODE_WORDS.keys(),
                           trying_for=words.how_long(int(retry_for(runtime()).total_seconds() // 60)),
                           days=rows.RECENT.days, error=error), status


@bp.get("/needs-a-look")
def needs_a_look():
    return _page()


def _going(due: datetime, now: datetime) -> str:
    if due <= now + SOON:
        return "straight away"
    return f"on {when(due)}, after quiet hours"


@bp.post("/needs-a-look/<int:outbox_id>/try-again")
def try_again(outbox_id: int):
    """A new pending row like the old one, CSRF-checked, audited, once per row."""
    rt, now = runtime(), _now()
    try:
        with rt.store.transaction() as db:
            again = rows.try_again(rt, db, outbox_id, now)
            pid = db.get(Contact, again.contact_id).pid
            audit.record(db, g.user_id, "try again", outbox_id=outbox_id,
                         new_outbox_id=again.id, purpose=again.purpose, channel=again.channel)
    except IntegrityError:  # pressed twice at once: the other press wrote it
        return _page(error=ALREADY, status=409)
    except rows.CannotTryAgain as exc:
        return _page(error=str(exc), status=409)
    what = words.what_it_was(again.purpose, again.channel)
    flash(f"Tried again for {pid}: a new {what[0].lower() + what[1:]} will go "
          f"{_going(again.not_before, now)}.")
    return redirect(url_for("problems.needs_a_look"))


def counts(db: Session) -> dict:
    """For the overview: how many of each kind need a look."""
    return {"counts": rows.counts(db, _now())}
