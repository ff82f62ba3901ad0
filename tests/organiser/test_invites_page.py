"""Contacts upload and invites on the organiser pages, through the CLI's own functions."""
from __future__ import annotations

from sqlalchemy import select

from brewline.delivery.models import Outbox
from brewline.events.models import Event, Invite
from brewline.organiser.models import AuditLog
from brewline.people.models import Contact, Tag
from tests.organiser.test_uploads import multipart

PEOPLE = ("phone,name,language,invites\n07700 900101,Ann,en,yes\n07700 900102,Bo,en,no\n"
          "not a number,Cy,en,yes\n07700 900101,Ann again,en,yes\n")


def import_file(web, data: bytes, name: str = "people.csv", tag: str = "north-tyneside"):
    body, content_type = multipart({"csrf_token": web.token, "tag": tag}, name, data)
    return web.client.post("/contacts/import", data=body, content_type=content_type)


def test_a_contacts_upload_imports_like_the_command_and_lists_every_rejected_row(signed_in, runtime):
    response = import_file(signed_in, PEOPLE.encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 contact(s) added" in page and "line 4:" in page and "duplicate of line 2" in page
    with runtime.store.transaction() as db:
        assert sorted(db.scalars(select(Contact.name))) == ["Ann", "Bo"]
        assert db.scalars(select(Tag.name).distinct()).all() == ["north-tyneside"]
        assert db.scalars(select(AuditLog.action)).all() == ["import contacts"]


def test_a_file_with_semicolons_is_refused_with_the_reason(signed_in, runtime):
    response = import_file(signed_in, b"phone;name\n07700900101;Ann\n")
    assert response.status_code == 400 and "semicolons" in response.get_data(as_text=True)


EVENT = {"title": "Over a Brew: buses", "starts_at": "2099-06-26T14:00",
         "where": "Whitley Bay Library", "details": "Tea and bus fares paid."}


def test_the_preview_shows_text_segments_encoding_cost_and_audience(signed_in):
    import_file(signed_in, PEOPLE.encode())
    page = signed_in.post("/invites/preview", EVENT, headers={"X-Fragment": "1"}).get_data(as_text=True)
    assert "Over a Brew: buses" in page and "Whitley Bay Library" in page
    assert 'data-fact="audience">1 person' in page and "GSM-7" in page
    assert "&pound;0.05" in page or "&pound;0.10" in page


def test_a_bad_date_gets_a_clear_preview_message(signed_in):
    page = signed_in.post("/invites/preview", EVENT | {"starts_at": "soon"},
                          headers={"X-Fragment": "1"}).get_data(as_text=True)
    assert "cannot read" in page


def test_an_event_is_created_and_its_invites_sent_once(signed_in, runtime):
    import_file(signed_in, PEOPLE.encode())
    created = signed_in.post("/invites/events", EVENT)
    assert created.status_code == 302
    event_page = signed_in.get(created.headers["Location"]).get_data(as_text=True)
    assert "Send now to 1 person" in event_page
    with runtime.store.transaction() as db:
        event_id = db.scalars(select(Event.id)).one()
    for _ in range(2):
        assert signed_in.post(f"/invites/{event_id}/send").status_code == 302
    with runtime.store.transaction() as db:
        assert len(db.scalars(select(Invite)).all()) == 1
        [row] = db.scalars(select(Outbox).where(Outbox.purpose == "invite")).all()
        assert "Whitley Bay Library" in row.body


def test_the_overview_lists_upcoming_events(signed_in):
    signed_in.post("/invites/events", EVENT)
    assert "Over a Brew: buses" in signed_in.get("/").get_data(as_text=True)


def test_scheduling_queues_the_send_for_later(signed_in, runtime):
    signed_in.post("/invites/events", EVENT)
    with runtime.store.transaction() as db:
        event_id = db.scalars(select(Event.id)).one()
    response = signed_in.post(f"/invites/{event_id}/schedule", {"send_at": "2099-06-01T10:00"})
    assert response.status_code == 302
    from rq.registry import ScheduledJobRegistry

    [job_id] = ScheduledJobRegistry(queue=runtime.queue).get_job_ids()
    assert runtime.queue.fetch_job(job_id).args == (event_id, None)
