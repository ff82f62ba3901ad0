"""Erasing a person from the Contacts page: confirm first, CSRF required, audited."""
from __future__ import annotations

from sqlalchemy import func, select

from brewline.delivery.models import Message
from brewline.organiser.models import AuditLog
from brewline.people.models import Contact
from brewline.surveys.models import Answer
from tests.conftest import PHONE


def _person(runtime) -> int:
    with runtime.store.transaction() as db:
        return db.scalars(select(Contact.id).where(Contact.phone == PHONE)).one()


def _count(runtime, model, contact_id: int) -> int:
    with runtime.store.transaction() as db:
        return db.scalar(select(func.count()).select_from(model)
                         .where(model.contact_id == contact_id))


def test_each_contact_has_a_link_to_a_plain_confirmation_page(signed_in, runtime, answer_id):
    contact_id = _person(runtime)
    listing = signed_in.get("/contacts").get_data(as_text=True)
    assert f'href="/contacts/{contact_id}/erase"' in listing
    page = signed_in.get(f"/contacts/{contact_id}/erase").get_data(as_text=True)
    for words in ("phone number", "answer", "recordings", "texts", "cannot be undone"):
        assert words in page
    assert 'name="csrf_token"' in page and _count(runtime, Answer, contact_id) > 0


def test_erasing_without_the_csrf_token_is_refused_and_erases_nothing(signed_in, runtime,
                                                                       answer_id):
    contact_id = _person(runtime)
    before = [_count(runtime, model, contact_id) for model in (Answer, Message)]
    response = signed_in.client.post(f"/contacts/{contact_id}/erase", data={})
    assert response.status_code == 400 and "nothing was changed" in response.get_data(as_text=True)
    assert [_count(runtime, model, contact_id) for model in (Answer, Message)] == before
    assert min(before) > 0
    with runtime.store.transaction() as db:
        assert db.get(Contact, contact_id).phone == PHONE
        assert db.scalars(select(AuditLog)).all() == []


def test_confirming_erases_the_person_and_writes_the_audit_log(signed_in, runtime, organiser,
                                                               answer_id):
    contact_id = _person(runtime)
    response = signed_in.post(f"/contacts/{contact_id}/erase")
    assert response.status_code == 302 and response.location.endswith("/contacts")
    listing = signed_in.get("/contacts").get_data(as_text=True)
    assert "The person was erased" in listing and "Nobody yet." in listing
    assert _count(runtime, Answer, contact_id) == 0 and _count(runtime, Message, contact_id) == 0
    with runtime.store.transaction() as db:
        assert db.get(Contact, contact_id).phone is None
        [entry] = db.scalars(select(AuditLog)).all()
    assert (entry.user_id, entry.action, entry.detail["contact_id"]) == (
        organiser.user_id, "erase contact", contact_id)


def test_someone_already_erased_gets_a_clear_not_found(signed_in, runtime, answer_id):
    contact_id = _person(runtime)
    signed_in.post(f"/contacts/{contact_id}/erase")
    again = signed_in.post(f"/contacts/{contact_id}/erase")
    assert again.status_code == 404 and "erased already" in again.get_data(as_text=True)
    assert signed_in.get("/contacts/999999/erase").status_code == 404
