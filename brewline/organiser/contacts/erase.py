"""Erasing a person from the Contacts page: a confirmation page, then the shared erasure."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for

from brewline.organiser import audit
from brewline.organiser.guard import page_error, runtime
from brewline.people.models import Contact
from brewline.people.phones import mask
from brewline.privacy import erasure

ERASED_MESSAGE = ("The person was erased. Their phone number, answers, recordings and "
                  "messages have been deleted.")


def _gone():
    return page_error(404, "Person not found",
                      "This person is not on the list. They may have been erased already.")


def _erasable(contact: Contact | None) -> bool:
    return contact is not None and contact.phone is not None and contact.source != erasure.ERASED


def confirm_erase(contact_id: int):
    """Say plainly what will be deleted before anything is."""
    with runtime().store.transaction() as db:
        contact = db.get(Contact, contact_id)
        if not _erasable(contact):
            return _gone()
        shown = {"id": contact.id, "pid": contact.pid, "name": contact.name or "",
                 "masked": mask(contact.phone)}
    return render_template("contacts_erase.html", person=shown)


def erase_contact(contact_id: int):
    """The same erasure as `brewline contacts erase` and a texted "delete my data"."""
    rt = runtime()
    with rt.store.transaction() as db:
        contact = db.get(Contact, contact_id, with_for_update=True)
        if not _erasable(contact):
            return _gone()
        done = erasure.erase(db, contact, rt)
        audit.record(db, g.user_id, "erase contact", contact_id=contact_id, rows=done.rows,
                     recordings=len(done.recordings))
    flash(ERASED_MESSAGE)
    return redirect(url_for("contacts.contacts"))


# Added to the Contacts blueprint (contacts/page.py): (rule, view, methods).
ROUTES = [("/contacts/<int:contact_id>/erase", confirm_erase, ["GET"]),
          ("/contacts/<int:contact_id>/erase", erase_contact, ["POST"])]
