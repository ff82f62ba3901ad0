"""Needs a look in a real browser: from the overview's counts to trying a call again."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from brewline.delivery.models import Outbox
from tests.browser.conftest import no_serious_axe_violations, sign_in
from tests.organiser.went_wrong import (
    event,
    fail,
    invite_everyone,
    person,
    voucher_text,
    worker_dies_mid_call,
)

ANN, BO, CY = "+447700900201", "+447700900202", "+447700900203"


@pytest.fixture
def went_wrong(live, fake_twilio) -> dict[str, int]:
    """One text to a number that cannot take texts, one call we are not sure about, and a
    voucher text Twilio gave up on."""
    rt = live.runtime
    ann, bo = person(rt, ANN), person(rt, BO, phone_only=True, cannot_text=True)
    rows = invite_everyone(rt, event(rt, title="Over a Brew: <b>buses</b>"))
    assert fail(rt, fake_twilio, rows[ann], 400, 21614) == ["cannot receive"]
    assert worker_dies_mid_call(rt, rows[bo]) == {"unknown": 1}
    voucher = voucher_text(rt, person(rt, CY))
    assert fail(rt, fake_twilio, voucher, 503, 20500, times=3)[-1] == "failed"
    return {"text": rows[ann], "call": rows[bo], "voucher": voucher}


def test_an_organiser_follows_the_overview_counts_and_tries_a_call_again(page, live, organiser,
                                                                         went_wrong):
    sign_in(page)
    expect(page.locator("[data-count=unknown]")).to_have_text("1 call we are not sure about")
    expect(page.locator("[data-count=failed]")).to_have_text("2 texts or calls that failed")
    expect(page.locator("[data-count=no_texts]")).to_have_text("1 person we cannot text")
    no_serious_axe_violations(page)
    page.get_by_role("link", name="1 call we are not sure about").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs a look")
    expect(page.locator(f"#outbox-{went_wrong['text']} h3")).to_contain_text("<b>buses</b>")
    assert all(number not in page.content() for number in (ANN, BO, CY, "7700900"))
    no_serious_axe_violations(page)
    button = page.get_by_role("button", name=re.compile(r"^Try again \(invite call for p_"))
    button.focus()
    expect(button).to_be_focused()
    button.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("a new invite call will go straight away")
    expect(page.get_by_role("heading", name="Calls we are not sure about (0)")).to_be_visible()
    no_serious_axe_violations(page)
    with live.runtime.store.transaction() as db:
        assert db.scalar(select(func.count()).select_from(Outbox)
                         .where(Outbox.status == "pending", Outbox.channel == "call")) == 1


def test_a_refused_try_again_says_why_in_an_alert(page, live, organiser, went_wrong):
    from tests.organiser.went_wrong import opt_out

    sign_in(page)
    page.goto("/needs-a-look")
    with live.runtime.store.transaction() as db:
        cy = db.get(Outbox, went_wrong["voucher"]).contact_id
    opt_out(live.runtime, cy)  # while the page is open
    page.get_by_role("button", name=re.compile(r"^Try again \(voucher code text for p_")).click()
    expect(page.get_by_role("alert")).to_contain_text("asked us to stop")
    no_serious_axe_violations(page)


def test_a_person_links_to_their_row_on_the_contacts_page(page, organiser, went_wrong):
    sign_in(page)
    page.goto("/needs-a-look#no-texts")
    link = page.locator("[aria-labelledby=no-texts] .problem a.pid").first
    pid = link.inner_text()
    link.click()
    expect(page).to_have_url(re.compile(rf"/contacts\?page=1#contact-{pid}$"))
    expect(page.locator(f"#contact-{pid}")).to_contain_text("number cannot receive texts")


def test_needs_a_look_fits_the_window_at_200_percent_zoom(page, organiser, went_wrong):
    sign_in(page)
    page.set_viewport_size({"width": 640, "height": 450})  # 1280 x 900 at 200% zoom
    for path in ("/needs-a-look", "/"):
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 200% zoom"
    no_serious_axe_violations(page)
