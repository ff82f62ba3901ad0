"""The Contacts page: finding a person by name, tag, id or the last digits of their number."""
from __future__ import annotations

import re

import pytest

from brewline.people.models import Contact, Tag
from brewline.platform.database import utcnow


@pytest.fixture
def people(runtime) -> dict[str, str]:
    """Three people, by name: their participant ids."""
    found = {}
    with runtime.store.transaction() as db:
        for phone, name, tag in (("+447700900123", "Ann Smith", "north-tyneside"),
                                 ("+447700900456", "Bob Jones", "whitley-bay"),
                                 ("+442079460789", "Cy 100% Sure_", None)):
            contact = Contact(phone=phone, name=name, source="import")
            db.add(contact)
            db.flush()
            if tag:
                db.add(Tag(contact_id=contact.id, name=tag, created_at=utcnow()))
            found[name] = contact.pid
    return found


def shown(web, query: str) -> list[str]:
    page = web.get("/contacts", query_string={"q": query}).get_data(as_text=True)
    return re.findall(r'<tr id="contact-(p_[0-9a-f]+)"', page)


@pytest.mark.parametrize("query, who", [
    ("ann", ["Ann Smith"]), ("JONES", ["Bob Jones"]),
    ("north tyneside", ["Ann Smith"]), ("whitley", ["Bob Jones"]),
    ("123", ["Ann Smith"]), ("900 456", ["Bob Jones"]), ("07700 900123", ["Ann Smith"]),
    ("+44 20 7946 0789", ["Cy 100% Sure_"]), ("23", []), ("7700", []),
    ("100%", ["Cy 100% Sure_"]), ("sure_", ["Cy 100% Sure_"]), ("%", ["Cy 100% Sure_"]),
    ("nobody", []),
])
def test_a_person_is_found_by_name_tag_or_the_last_digits_of_their_number(
        signed_in, people, query, who):
    assert shown(signed_in, query) == [people[name] for name in who]


def test_a_person_is_found_by_their_participant_id(signed_in, people):
    assert shown(signed_in, people["Bob Jones"].upper()) == [people["Bob Jones"]]


def test_an_empty_search_shows_everyone_and_a_miss_says_so(signed_in, people):
    assert len(shown(signed_in, "  ")) == 3
    page = signed_in.get("/contacts", query_string={"q": "nobody"}).get_data(as_text=True)
    assert "Nobody matches &ldquo;nobody&rdquo;." in page and "Show everyone" in page


def test_the_next_page_keeps_the_search(signed_in, runtime):
    with runtime.store.transaction() as db:
        db.add_all(Contact(phone=f"+4477009{i:05d}", name=f"Dee {i}") for i in range(201))
    page = signed_in.get("/contacts", query_string={"q": "dee"}).get_data(as_text=True)
    assert "200+ people match" in page
    assert 'href="/contacts?page=2&amp;q=dee"' in page
