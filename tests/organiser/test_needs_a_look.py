"""The Needs a look page: failed and unsure texts and calls, people we cannot text, try again."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from brewline.delivery.models import Outbox
from brewline.delivery.sending import deliver
from brewline.delivery.twilio_rest import CANNOT_RECEIVE_CODES, OPTED_OUT_CODE, RATE_LIMITED_CODE
from brewline.events.models import Event, Invite
from brewline.organiser.models import AuditLog
from brewline.organiser.needs_a_look import words as problem_words
from brewline.people.models import Contact
from brewline.people.phones import mask
from brewline.platform.database import utcnow
from brewline.platform.dates import said
from brewline.platform.runtime import Runtime
from brewline.privacy import erasure
from brewline.vouchers.rules import mask_code
from brewline.web.app import create_app
from tests.conftest import ACCOUNT_SID, AUTH_TOKEN
from tests.fakes.twilio_api import FakeTwilio
from tests.organiser.conftest import Browserless, csrf_from
from tests.organiser.went_wrong import (
    CODE,
    event,
    fail,
    invite_everyone,
    opt_out,
    person,
    row,
    rows,
    voucher_text,
    worker_dies_mid_call,
)

ANN, BO = "+447700900201", "+447700900202"


@pytest.fixture
def fake():
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as fake:
        yield fake


@pytest.fixture
def settings(settings, fake):
    """The app and the worker both talk to the fake Twilio, with no rate limit."""
    return settings.with_(twilio_api_base_url=fake.url, send_rate=0)


def _page(web) -> str:
    response = web.get("/needs-a-look")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _section(page: str, anchor: str) -> str:
    """The part of the page under one section's heading."""
    start = page.index(f'id="{anchor}"')
    end = page.find("<section", start)
    return page[start:end if end > 0 else None]


def _never_a_number(page: str, *phones: str) -> None:
    for phone in phones:
        assert phone not in page and mask(phone) not in page and phone[3:] not in page


@pytest.fixture
def unsure_call(runtime, signed_in) -> int:
    """A phone-only person's invite call, whose worker died while placing it."""
    person(runtime, ANN, phone_only=True, cannot_text=True)
    [row_id] = invite_everyone(runtime, event(runtime)).values()
    assert worker_dies_mid_call(runtime, row_id) == {"unknown": 1}
    return row_id


def test_a_call_we_are_not_sure_about_is_explained_without_the_number(signed_in, unsure_call):
    page = _page(signed_in)
    unsure = _section(page, "unknown")
    assert "Invite call" in unsure and "about &#34;Over a Brew: buses&#34;" in unsure
    assert "We do not know if the phone rang" in unsure
    assert "check with them first" in unsure and "Try again" in unsure
    assert f'/needs-a-look/{unsure_call}/try-again' in unsure
    _never_a_number(page, ANN)


def test_trying_again_writes_one_new_call_that_the_worker_places_once(signed_in, runtime, fake,
                                                                      organiser, unsure_call):
    response = signed_in.post(f"/needs-a-look/{unsure_call}/try-again")
    assert response.status_code == 302 and response.location.endswith("/needs-a-look")
    old, new = rows(runtime)
    assert (old.id, old.status) == (unsure_call, "unknown")  # kept as the record it was
    assert (new.status, new.channel, new.purpose, new.ref, new.body) == (
        "pending", "call", old.purpose, old.ref, old.body)
    assert new.dedupe_key == f"organiser-retry:{unsure_call}"
    page = _page(signed_in)
    assert "Tried again for p_" in page and "a new invite call will go straight away" in page
    assert "Calls we are not sure about (0)" in page
    assert [deliver(runtime, new.id), deliver(runtime, new.id)] == ["sent", "skipped"]
    assert len(fake.calls) == 1 and fake.calls[0]["Url"].endswith(f"invite?outbox={new.id}")
    with runtime.store.transaction() as db:
        assert db.scalars(select(Invite.outbox_id)).one() == new.id
        [entry] = db.scalars(select(AuditLog)).all()
    assert (entry.user_id, entry.action, entry.detail["outbox_id"], entry.detail["new_outbox_id"]) \
        == (organiser.user_id, "try again", unsure_call, new.id)


def test_pressing_try_again_twice_writes_only_one_row(signed_in, runtime, unsure_call):
    first = signed_in.post(f"/needs-a-look/{unsure_call}/try-again")
    again = signed_in.post(f"/needs-a-look/{unsure_call}/try-again")
    assert first.status_code == 302 and again.status_code == 409
    assert "tried again already" in again.get_data(as_text=True)
    assert len(rows(runtime)) == 2


def test_try_again_without_the_csrf_token_is_refused_and_writes_nothing(signed_in, runtime,
                                                                        unsure_call):
    response = signed_in.client.post(f"/needs-a-look/{unsure_call}/try-again", data={})
    assert response.status_code == 400 and "nothing was changed" in response.get_data(as_text=True)
    assert len(rows(runtime)) == 1
    with runtime.store.transaction() as db:
        assert db.scalars(select(AuditLog)).all() == []


def test_the_page_and_try_again_need_a_signed_in_organiser(web, runtime, unsure_call):
    signed_out = web.client.application.test_client()
    assert "/sign-in" in signed_out.get("/needs-a-look").location
    assert "/sign-in" in signed_out.post(f"/needs-a-look/{unsure_call}/try-again").location
    assert len(rows(runtime)) == 1


def test_a_text_to_a_number_that_cannot_take_texts_is_explained_and_not_offered_again(
        signed_in, runtime, fake):
    ann = person(runtime, ANN)
    row_id = invite_everyone(runtime, event(runtime))[ann]
    assert fail(runtime, fake, row_id, 400, 21614) == ["cannot receive"]
    page = _page(signed_in)
    failed = _section(page, "failed")
    assert "Invite text" in failed and "This number cannot receive texts. It may be a landline." in failed
    assert "https://www.twilio.com/docs/api/errors/21614" in failed
    assert "nothing to try again" in failed and "/try-again" not in failed
    people = _section(page, "no-texts")
    assert "Cannot get texts" in people and "Invites and reminders go by text" in people
    _never_a_number(page, ANN)
    refused = signed_in.post(f"/needs-a-look/{row_id}/try-again")
    assert refused.status_code == 409 and "cannot receive texts" in refused.get_data(as_text=True)
    assert len(rows(runtime)) == 1


def test_a_delivery_failure_reported_by_twilio_later_is_shown_too(signed_in, runtime, fake,
                                                                   twilio):
    ann = person(runtime, ANN)
    row_id = invite_everyone(runtime, event(runtime))[ann]
    assert deliver(runtime, row_id) == "sent"
    callback = twilio.post(f"/twilio/message-status?outbox={row_id}", {
        "MessageSid": row(runtime, row_id).sid, "MessageStatus": "undelivered",
        "ErrorCode": "30006", "AccountSid": ACCOUNT_SID})
    assert callback.status_code == 200
    failed = _section(_page(signed_in), "failed")
    assert "the phone network would not take the text" in failed and "30006" in failed


def test_other_twilio_refusals_say_who_to_ask_and_can_be_tried_again(signed_in, runtime, fake):
    ann = person(runtime, ANN)
    row_id = invite_everyone(runtime, event(runtime))[ann]
    assert fail(runtime, fake, row_id, 400, 21408) == ["failed"]
    failed = _section(_page(signed_in), "failed")
    assert "Twilio refused to send it." in failed
    assert "ask whoever looks after your Twilio account about code 21408" in failed
    assert signed_in.post(f"/needs-a-look/{row_id}/try-again").status_code == 302
    assert deliver(runtime, rows(runtime)[-1].id) == "sent" and len(fake.messages) == 1


def test_giving_up_after_two_hours_of_tries_is_put_in_plain_words(signed_in, runtime, fake):
    ann = person(runtime, ANN)
    row_id = invite_everyone(runtime, event(runtime))[ann]
    assert fail(runtime, fake, row_id, 503, 20500, times=3) == ["retry", "retry", "failed"]
    failed = _section(_page(signed_in), "failed")
    assert ("Twilio kept having a fault on its side for 2 hours, so we stopped trying. "
            "It was not sent.") in failed


def test_a_voucher_text_shows_the_pool_and_a_masked_code_never_the_code(signed_in, runtime, fake):
    row_id = voucher_text(runtime, person(runtime, ANN))
    assert fail(runtime, fake, row_id, 400, 21408) == ["failed"]
    page = _page(signed_in)
    assert "Voucher code text" in page and f"tesco-10, code {mask_code(CODE)}" in page
    assert CODE not in page and CODE[-6:] not in page


def test_someone_who_opted_out_since_is_left_off_and_refused(signed_in, runtime, fake):
    ann = person(runtime, ANN)
    row_id = invite_everyone(runtime, event(runtime))[ann]
    fail(runtime, fake, row_id, 400, 21408)
    assert "Texts and calls that failed (1)" in _page(signed_in)
    opt_out(runtime, ann)
    assert "Texts and calls that failed (0)" in _page(signed_in)
    refused = signed_in.post(f"/needs-a-look/{row_id}/try-again")
    assert refused.status_code == 409 and "asked us to stop" in refused.get_data(as_text=True)
    assert len(rows(runtime)) == 1


def test_twilio_saying_they_replied_stop_leaves_nothing_to_look_at(signed_in, runtime, fake):
    ann = person(runtime, ANN)
    row_id = invite_everyone(runtime, event(runtime))[ann]
    assert fail(runtime, fake, row_id, 400, OPTED_OUT_CODE) == ["opted out"]
    page = _page(signed_in)
    assert "Texts and calls that failed (0)" in page and "People we cannot text (0)" in page


def test_only_the_last_thirty_days_are_shown(signed_in, runtime, fake):
    ann = person(runtime, ANN)
    row_id = invite_everyone(runtime, event(runtime))[ann]
    fail(runtime, fake, row_id, 400, 21408)
    with runtime.store.transaction() as db:
        db.get(Outbox, row_id).not_before = utcnow() - timedelta(days=31)
    page = _page(signed_in)
    assert "the last 30 days" in page and "Texts and calls that failed (0)" in page


def test_an_erased_person_is_gone_from_the_page_and_cannot_be_tried_again(signed_in, runtime,
                                                                          fake):
    ann = person(runtime, ANN)
    row_id = invite_everyone(runtime, event(runtime))[ann]
    fail(runtime, fake, row_id, 400, 21408)
    with runtime.store.transaction() as db:
        erasure.erase(db, db.get(Contact, ann), runtime)
    assert "Texts and calls that failed (0)" in _page(signed_in)
    refused = signed_in.post(f"/needs-a-look/{row_id}/try-again")
    assert refused.status_code == 409 and "erased" in refused.get_data(as_text=True)
    assert rows(runtime) == []


def test_an_invite_for_an_event_since_cancelled_is_not_tried_again(signed_in, runtime, fake):
    ann = person(runtime, ANN)
    event_id = event(runtime)
    row_id = invite_everyone(runtime, event_id)[ann]
    fail(runtime, fake, row_id, 400, 21408)
    with runtime.store.transaction() as db:
        db.get(Event, event_id).status = "cancelled"
    assert "The event was cancelled or has started." in _section(_page(signed_in), "failed")
    assert signed_in.post(f"/needs-a-look/{row_id}/try-again").status_code == 409
    assert len(rows(runtime)) == 1


def test_a_text_that_went_fine_cannot_be_tried_again(signed_in, runtime, fake):
    ann = person(runtime, ANN)
    row_id = invite_everyone(runtime, event(runtime))[ann]
    assert deliver(runtime, row_id) == "sent"
    refused = signed_in.post(f"/needs-a-look/{row_id}/try-again")
    assert refused.status_code == 409 and "Only a text or call that failed" in refused.get_data(
        as_text=True)
    assert signed_in.post("/needs-a-look/999999/try-again").status_code == 409
    assert len(fake.messages) == 1 and len(rows(runtime)) == 1


def test_trying_again_in_quiet_hours_waits_for_them_to_end(runtime, organiser, fake):
    zone = ZoneInfo(runtime.settings.tz_default)
    local = datetime.now(zone)
    quiet = (time((local.hour - 1) % 24), time((local.hour + 2) % 24))
    quiet_runtime = Runtime(runtime.settings.with_(quiet_hours=quiet))
    try:
        web = Browserless(create_app(runtime=quiet_runtime).test_client())
        assert web.sign_in().status_code == 302
        web.token = csrf_from(web.get("/needs-a-look"))
        person(runtime, ANN, phone_only=True, cannot_text=True)
        [row_id] = invite_everyone(runtime, event(runtime)).values()
        worker_dies_mid_call(runtime, row_id)
        assert web.post(f"/needs-a-look/{row_id}/try-again").status_code == 302
        page = _page(web)
    finally:
        quiet_runtime.close()
    new = rows(runtime)[-1]
    ends = datetime.combine(local.date(), quiet[1], zone)
    ends = ends if ends > local else ends + timedelta(days=1)
    assert new.not_before == ends.astimezone(timezone.utc)
    assert f"will go on {said(ends, zone)}, after quiet hours" in page
    assert deliver(runtime, new.id) == "early" and fake.calls == []


def test_each_person_links_to_their_row_on_the_contacts_page(signed_in, runtime, fake):
    ann = person(runtime, ANN)
    row_id = invite_everyone(runtime, event(runtime))[ann]
    fail(runtime, fake, row_id, 400, 30006)
    with runtime.store.transaction() as db:
        pid = db.get(Contact, ann).pid
    assert f'href="/contacts?page=1#contact-{pid}"' in _page(signed_in)
    contacts = signed_in.get("/contacts").get_data(as_text=True)
    assert f'id="contact-{pid}"' in contacts and "number cannot receive texts" in contacts


def test_the_overview_counts_what_needs_a_look(signed_in, runtime, fake):
    assert "Nothing needs a look" in signed_in.get("/").get_data(as_text=True)
    ann, bo = person(runtime, ANN), person(runtime, BO, phone_only=True, cannot_text=True)
    rows_by_person = invite_everyone(runtime, event(runtime))
    fail(runtime, fake, rows_by_person[ann], 400, 21614)
    worker_dies_mid_call(runtime, rows_by_person[bo])
    overview = signed_in.get("/").get_data(as_text=True)
    for kind, words in (("unknown", "1 call we are not sure about"),
                        ("failed", "1 text or call that failed"),
                        ("no_texts", "1 person we cannot text")):
        assert f'data-count="{kind}"' in overview and words in overview
    assert 'href="/needs-a-look#unknown"' in overview
    assert '<a href="/needs-a-look"' in overview  # in the navigation


def test_every_twilio_code_the_worker_acts_on_has_plain_words():
    for code in CANNOT_RECEIVE_CODES | {OPTED_OUT_CODE, RATE_LIMITED_CODE}:
        words = problem_words.what_happened("failed", None, f"x (twilio code {code}, HTTP 400)")
        assert words == problem_words.CODE_WORDS[code] and "twilio code" not in words.lower()
    assert problem_words.what_happened("failed", None, None) == "It could not be sent."


def test_texts_twilio_has_not_taken_yet_are_counted_as_still_being_tried(signed_in, runtime, fake):
    ann, bo = person(runtime, ANN), person(runtime, BO)
    invites = invite_everyone(runtime, event(runtime))
    fake.fail_all(status=503, code=20500)
    assert [deliver(runtime, invites[p]) for p in (ann, bo)] == ["retry", "retry"]

    trying = _section(_page(signed_in), "trying")
    assert "Still trying to send (2)" in trying
    assert "Not sent yet. Twilio is having a fault on its side" in trying
    assert "for up to 2 hours" in trying and "You do not need to do anything" in trying
    assert "None." in _section(_page(signed_in), "failed")
    assert "2 texts or calls Twilio has not taken yet" in signed_in.get("/").get_data(as_text=True)
    fake.recover()
    assert deliver(runtime, invites[ann], now=utcnow() + timedelta(minutes=1)) == "sent"
    assert "Still trying to send (1)" in _section(_page(signed_in), "trying")
