"""The Contacts page: who is on the list, what they agreed to, and who asked us to stop."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from flask import g, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from brewline.organiser import audit
from brewline.organiser.contacts import erase, search
from brewline.organiser.guard import organiser_blueprint, runtime
from brewline.organiser.uploads import UploadError, accepts_uploads, csv_text
from brewline.people import importing, tags
from brewline.people.models import Consent, Contact
from brewline.people.phones import mask

bp = organiser_blueprint("contacts")
for rule, view, methods in erase.ROUTES:
    bp.add_url_rule(rule, view_func=view, methods=methods)
PAGE_SIZE = 200


@dataclass(frozen=True)
class Row:
    """One contact as the page shows it."""

    contact: Contact
    masked: str
    consents: dict  # topic -> True/False, the latest word


def _latest_consents(session: Session, ids: list[int]) -> dict[int, dict]:
    found: dict[int, dict] = {i: {} for i in ids}
    if ids:
        for consent in session.scalars(select(Consent).where(Consent.contact_id.in_(ids))
                                       .order_by(Consent.created_at, Consent.id)):
            found[consent.contact_id][consent.topic] = consent.granted
    return found


def rows(session: Session, page: int, query: str = "") -> tuple[list[Row], bool]:
    """One page of the list (of those matching a search), and whether there are more."""
    contacts = list(session.scalars(select(Contact).where(Contact.phone.is_not(None),
                                                          search.matching(query))
                                    .order_by(Contact.id).offset((page - 1) * PAGE_SIZE)
                                    .limit(PAGE_SIZE + 1)))
    more, contacts = len(contacts) > PAGE_SIZE, contacts[:PAGE_SIZE]
    consents = _latest_consents(session, [c.id for c in contacts])
    return [Row(c, mask(c.phone), consents[c.id]) for c in contacts], more


def page_of(session: Session, contact_id: int) -> int:
    """Which page of the list shows this contact (for links to their row)."""
    before = session.scalar(select(func.count(Contact.id)).where(
        Contact.phone.is_not(None), Contact.id < contact_id))
    return before // PAGE_SIZE + 1


@bp.get("/contacts")
def contacts():
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and int(page) > 0 else 1
    return _page(page, query=request.args.get("q", "").strip()[:100])


def _page(page: int = 1, report: list[str] | None = None, error: str | None = None,
          status: int = 200, query: str = ""):
    with runtime().store.transaction() as db:
        shown, more = rows(db, page, query)
        tagged = tags.of(db)
    return render_template("contacts.html", rows=shown, more=more, page=page, tagged=tagged,
                           report=report, error=error, q=query), status


@bp.post("/contacts/import")
@accepts_uploads
def import_contacts():
    """The same import as `brewline contacts import FILE --tag TAG`."""
    rt = runtime()
    try:
        tag = tags.clean(request.form["tag"]) if request.form.get("tag", "").strip() else None
        name, text = csv_text("file")
        people, rejected = importing.parse(text, rt.settings.default_region)
    except (UploadError, ValueError) as exc:
        return _page(error=str(exc), status=400)
    report = importing.Report(rejected=rejected)
    with rt.store.transaction() as db:
        importing.import_people(db, people, tag, datetime.now(timezone.utc), report)
        audit.record(db, g.user_id, "import contacts", file=name[:100], added=report.added)
    return _page(report=[f"{name}:"] + report.lines())
