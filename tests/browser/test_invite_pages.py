"""Contacts upload and invites in a real browser: upload, live preview, send."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from brewline.delivery.models import Outbox
from brewline.events.models import Event, Invite
from tests.browser.conftest import no_serious_axe_violations, sign_in

PEOPLE = b"phone,name,language,invites\n07700 900101,Ann,en,yes\n07700 900102,Bo,en,no\nnope,Cy,en,yes\n"


def upload_contacts(page) -> None:
    page.get_by_role("link", name="Contacts").click()
    page.get_by_text("Add people from a spreadsheet").click()
    page.get_by_label("CSV file").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": PEOPLE})
    page.get_by_label("Tag everyone in the file").fill("north-tyneside")
    page.get_by_role("button", name="Import").click()


def test_an_organiser_uploads_contacts_and_sees_what_was_refused(page, organiser):
    sign_in(page)
    upload_contacts(page)
    expect(page.get_by_role("status")).to_contain_text("2 contact(s) added")
    expect(page.get_by_role("status")).to_contain_text("line 4: not a phone number")
    expect(page.locator("tbody")).to_contain_text("north-tyneside")
    no_serious_axe_violations(page)


def test_a_file_that_is_not_csv_is_refused_in_plain_words(page, organiser):
    sign_in(page)
    page.goto("/contacts")
    page.get_by_text("Add people from a spreadsheet").click()
    page.get_by_label("CSV file").set_input_files(
        {"name": "people.xlsx", "mimeType": "application/vnd.ms-excel", "buffer": b"PK\x03\x04"})
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("alert")).to_contain_text("not a CSV file")
    no_serious_axe_violations(page)


def test_an_organiser_previews_and_sends_an_invite(page, live, organiser):
    sign_in(page)
    upload_contacts(page)
    page.get_by_role("link", name="Invites").click()
    page.get_by_label("What it is").fill("Over a Brew: buses")
    page.get_by_label("When it starts").fill("2099-06-26T14:00")
    page.get_by_label("Where").fill("Whitley Bay Library")
    page.get_by_label("One short sentence more").fill("Tea and bus fares paid.")
    preview = page.locator("#preview")
    expect(preview.locator("[data-fact=audience]")).to_contain_text("1 person")
    expect(preview.locator("blockquote")).to_contain_text("Whitley Bay Library")
    expect(preview.locator("[data-fact=encoding]")).to_have_text(
        "plain letters only: the cheapest kind of text")
    expect(preview.locator("[data-fact=cost]")).to_contain_text("£")
    no_serious_axe_violations(page)
    page.get_by_role("button", name="Create the event").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Over a Brew: buses")
    no_serious_axe_violations(page)
    page.get_by_role("button", name="Send now to 1 person").click()
    expect(page.get_by_role("status")).to_contain_text("1 invite(s) written")
    with live.runtime.store.transaction() as db:
        assert len(db.scalars(select(Invite)).all()) == 1
        assert db.scalars(select(Outbox.purpose)).all() == ["invite"]


def test_an_organiser_uploads_voucher_codes_and_sees_the_stock(page, organiser):
    sign_in(page)
    page.get_by_role("link", name="Vouchers").click()
    page.get_by_label("CSV file of codes").set_input_files(
        {"name": "codes.csv", "mimeType": "text/csv",
         "buffer": b"code\nTESCO-AAAA-1111\nTESCO-BBBB-2222\nTESCO-AAAA-1111\n"})
    page.get_by_label("Pool name").fill("tesco-10")
    page.get_by_label("What a code is worth").fill("£10 Tesco gift card")
    page.get_by_label("Earned by finishing").select_option("over-a-brew-2024-05")
    page.get_by_role("button", name="Load codes").click()
    expect(page.get_by_role("status")).to_contain_text("loaded 2 codes")
    expect(page.get_by_role("status")).to_contain_text("line 4: refused a duplicate code")
    expect(page.locator("#low-stock")).to_contain_text("tesco-10: only 2 codes left")
    no_serious_axe_violations(page)


def test_the_live_preview_tells_errors_from_warnings_and_creating_is_refused_with_why(
        page, live, organiser):
    sign_in(page)
    page.goto("/invites")
    page.get_by_label("What it is").fill("Tea \u2615 and talk")
    page.get_by_label("When it starts").fill("2099-06-26T14:00")
    page.get_by_label("Where").fill("Whitley Bay Library")
    page.get_by_label("One short sentence more").fill("About the engagement framework.")
    errors = page.locator("#preview [data-preview=errors]")
    expect(errors).to_contain_text("Must change before the invite can go")
    expect(errors).to_contain_text("Take out \u201c\u2615\u201d: this character makes every "
                                   "text cost about twice as much")
    expect(errors).to_contain_text("The event cannot be created until these are changed.")
    warnings = page.locator("#preview [data-preview=warnings]")
    expect(warnings).to_contain_text("\u201cengagement\u201d is not a word everyone uses")
    assert "GSM" not in page.content() and "UCS" not in page.content()
    no_serious_axe_violations(page)

    page.get_by_role("button", name="Create the event").click()
    expect(page.get_by_role("alert")).to_contain_text("The event was not created")
    expect(page.get_by_role("alert")).to_contain_text("Take out \u201c\u2615\u201d")
    expect(page.get_by_label("What it is")).to_have_value("Tea \u2615 and talk")
    no_serious_axe_violations(page)
    with live.runtime.store.transaction() as db:
        assert db.scalars(select(Event)).all() == []


def test_an_organiser_schedules_invites_and_sees_the_time_as_people_say_it(page, live,
                                                                          organiser):
    sign_in(page)
    upload_contacts(page)
    page.goto("/invites")
    page.get_by_label("What it is").fill("Over a Brew: buses")
    page.get_by_label("When it starts").fill("2099-06-26T14:00")
    page.get_by_label("Where").fill("Whitley Bay Library")
    page.get_by_role("button", name="Create the event").click()
    expect(page.locator("[data-fact=when]")).to_have_text("Friday 26 June 2099 at 2pm")
    page.get_by_label("Or send later, at (local time)").fill("2099-06-01T14:52")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_role("status")).to_have_text(
        "The invites will go on Monday 1 June 2099 at 2:52pm.")
    expect(page.locator("#scheduled").locator("..")).to_contain_text("waiting to go.")
    assert "UTC" not in page.content()
    no_serious_axe_violations(page)
    page.get_by_role("link", name="Change the event").first.click()
    page.get_by_label("Where").fill("Whitley Bay Library, room 2")
    page.get_by_role("button", name="Save the changes").click()
    expect(page.get_by_role("status")).to_have_text("Saved. Changed: place.")
    no_serious_axe_violations(page)
