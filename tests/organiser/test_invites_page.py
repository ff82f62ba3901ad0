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


def test_the_preview_shows_text_parts_characters_cost_and_audience(signed_in):
    import_file(signed_in, PEOPLE.encode())
    page = preview(signed_in)
    assert "Over a Brew: buses" in page and "Whitley Bay Library" in page
    assert 'data-fact="audience">1 person' in page
    assert "plain letters only: the cheapest kind of text" in page
    assert "&pound;0.05" in page or "&pound;0.10" in page
    assert "GSM" not in page and "UCS" not in page


def preview(web, **changes) -> str:
    return web.post("/invites/preview", EVENT | changes,
                    headers={"X-Fragment": "1"}).get_data(as_text=True)


def test_errors_and_warnings_are_told_apart_and_say_what_to_change_and_why(signed_in):
    page = preview(signed_in, title="Tea \U0001F375 and talk",
                   details="We will talk about the engagement framework.")
    errors = page[page.index('data-preview="errors"'):page.index("The text people will get")]
    warnings = page[page.index('data-preview="warnings"'):]
    assert "Must change before the invite can go" in errors
    assert ("Take out \u201c\U0001F375\u201d: this character makes every text cost about twice "
            "as much") in errors
    assert "The event cannot be created until these are changed." in errors
    assert "Worth checking" in warnings and "\u201cengagement\u201d is not a word" in warnings
    assert "engagement" not in errors and "\U0001F375" not in warnings
    assert "GSM" not in page and "UCS" not in page


def test_a_clean_invite_has_no_errors_section(signed_in):
    page = preview(signed_in)
    assert 'data-preview="errors"' not in page and "Must change" not in page


def test_an_event_whose_invite_has_errors_is_not_created_and_the_page_says_why(signed_in,
                                                                              runtime):
    response = signed_in.post("/invites/events", EVENT | {"details": "Lots of words. " * 25})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The event was not created" in page
    assert "The invite needs changing first. Make it shorter by about" in page
    assert 'value="Over a Brew: buses"' in page  # what was typed is kept
    with runtime.store.transaction() as db:
        assert db.scalars(select(Event)).all() == []


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


