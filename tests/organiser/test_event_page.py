"""One event's page: why an invite cannot go, scheduling in local time, changing the event
until its invites go, and how the invites got on (Twilio's delivery reports)."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from brewline.delivery.sending import deliver
from brewline.events.models import Event, ScheduledInvites
from brewline.platform.database import utcnow
from tests.conftest import ACCOUNT_SID, AUTH_TOKEN
from tests.fakes.twilio_api import FakeTwilio
from tests.organiser.went_wrong import event, invite_everyone, person, rows

ANN, BO = "+447700900201", "+447700900202"
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def fake():
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as fake:
        yield fake


@pytest.fixture
def settings(settings, fake):
    """The app and the worker both talk to the fake Twilio, with no rate limit."""
    return settings.with_(twilio_api_base_url=fake.url, send_rate=0)


def page(web, event_id: int) -> str:
    response = web.get(f"/invites/{event_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def stored(runtime, event_id: int) -> Event:
    with runtime.store.transaction() as db:
        return db.get(Event, event_id)


def spoken(moment: datetime) -> str:
    """How the pages write a time, worked out here the long way: Friday 4 December at 2:52pm."""
    local = moment.astimezone(LONDON)
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    year = "" if local.year == datetime.now(LONDON).year else f" {local.year}"
    return (f"{local:%A} {local.day} {local:%B}{year} at "
            f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}")


def test_times_are_local_and_written_as_people_say_them(signed_in, runtime):
    event_id = event(runtime)
    shown = page(signed_in, event_id)
    assert spoken(stored(runtime, event_id).starts_at) in shown
    assert "UTC" not in shown and "+00:00" not in shown


def test_an_invite_with_errors_says_why_it_cannot_be_sent_or_scheduled(signed_in, runtime):
    person(runtime, ANN)
    event_id = event(runtime, title="Tea \U0001F375 and talk")
    shown = page(signed_in, event_id)
    assert "Send now" not in shown and 'name="send_at"' not in shown
    assert "cannot be sent or scheduled until the event is changed" in shown
    assert "Take out \u201c\U0001F375\u201d" in shown

    sent = signed_in.post(f"/invites/{event_id}/send")
    later = signed_in.post(f"/invites/{event_id}/schedule",
                           {"send_at": (utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")})
    assert sent.status_code == 400 and later.status_code == 400
    assert "The invites were not sent. The invite needs changing first." in sent.get_data(
        as_text=True)
    assert "The invites were not scheduled. The invite needs changing first." in later.get_data(
        as_text=True)
    assert rows(runtime) == []
    assert ScheduledJobRegistry(queue=runtime.queue).get_job_ids() == []


def test_with_nobody_to_invite_the_page_says_so_instead_of_a_greyed_out_button(signed_in,
                                                                             runtime):
    shown = page(signed_in, event(runtime))
    assert "Send now" not in shown and " disabled" not in shown
    assert "Nobody would get it now, so there is nothing to send yet." in shown


def test_scheduling_says_when_in_local_time_and_shows_the_send_waiting(signed_in, runtime):
    event_id = event(runtime)
    at = (utcnow() + timedelta(days=2)).astimezone(LONDON).replace(hour=14, minute=52, second=0,
                                                                   microsecond=0)
    response = signed_in.post(f"/invites/{event_id}/schedule",
                              {"send_at": at.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    shown = signed_in.get(response.headers["Location"]).get_data(as_text=True)

    assert f"The invites will go on {spoken(at)}." in shown
    assert "2:52pm" in shown and "UTC" not in shown and "T14:52" not in shown
    assert "waiting to go." in shown
    with runtime.store.transaction() as db:
        [row] = db.scalars(select(ScheduledInvites)).all()
    assert row.send_at == at


def test_a_scheduled_send_can_be_cancelled_from_the_page(signed_in, runtime):
    event_id = event(runtime)
    at = (utcnow() + timedelta(days=2)).astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")
    signed_in.post(f"/invites/{event_id}/schedule", {"send_at": at})
    with runtime.store.transaction() as db:
        row_id = db.scalars(select(ScheduledInvites.id)).one()

    response = signed_in.post(f"/invites/{event_id}/schedule/{row_id}/cancel")
    assert response.status_code == 302
    assert "That scheduled send was cancelled." in signed_in.get(
        response.headers["Location"]).get_data(as_text=True)
    again = signed_in.post(f"/invites/{event_id}/schedule/{row_id}/cancel")
    assert again.status_code == 409 and "nothing to cancel" in again.get_data(as_text=True)


def test_a_failed_scheduled_send_shows_on_the_event_page_needs_a_look_and_overview(
        signed_in, runtime):
    event_id = event(runtime, title="Buses")
    with runtime.store.transaction() as db:
        db.add(ScheduledInvites(event_id=event_id, send_at=utcnow() - timedelta(hours=1),
                                status="failed", done_at=utcnow(),
                                problem="The invite needs changing first. Take out \u201c#\u201d."))

    assert "did not go." in page(signed_in, event_id)
    assert "Take out \u201c#\u201d." in page(signed_in, event_id)
    needs = signed_in.get("/needs-a-look").get_data(as_text=True)
    assert "Scheduled invites that did not go (1)" in needs
    assert f'href="/invites/{event_id}">Buses</a>' in needs
    overview = signed_in.get("/").get_data(as_text=True)
    assert "1 scheduled send of invites that did not go" in overview


def test_an_event_is_changed_on_the_page_until_its_invites_go(signed_in, runtime):
    person(runtime, ANN)
    event_id = event(runtime)
    form = signed_in.get(f"/invites/{event_id}/edit").get_data(as_text=True)
    assert 'value="Over a Brew: buses"' in form and 'value="Whitley Bay Library"' in form
    starts = stored(runtime, event_id).starts_at.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{starts}"' in form

    response = signed_in.post(f"/invites/{event_id}/edit", {
        "title": "Over a Brew: trains", "starts_at": starts, "where": "Whitley Bay Library",
        "details": ""})
    assert response.status_code == 302
    assert "Saved. Changed: title." in signed_in.get(response.headers["Location"]).get_data(
        as_text=True)
    assert stored(runtime, event_id).title == "Over a Brew: trains"

    invite_everyone(runtime, event_id)
    refused = signed_in.get(f"/invites/{event_id}/edit")
    assert refused.status_code == 409
    assert "Invites have gone to 1 person" in refused.get_data(as_text=True)
    assert "It can no longer be changed. Invites have gone to 1 person" in page(signed_in,
                                                                                event_id)
    late = signed_in.post(f"/invites/{event_id}/edit", {
        "title": "Something else", "starts_at": starts, "where": "W", "details": ""})
    assert late.status_code == 400 and "cannot be changed now" in late.get_data(as_text=True)
    assert stored(runtime, event_id).title == "Over a Brew: trains"


def test_a_change_that_would_break_the_invite_is_refused_and_kept_in_the_form(signed_in,
                                                                            runtime):
    event_id = event(runtime)
    starts = stored(runtime, event_id).starts_at.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")
    response = signed_in.post(f"/invites/{event_id}/edit", {
        "title": "Tea \U0001F375", "starts_at": starts, "where": "Hall", "details": ""})
    shown = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The event was not changed" in shown and "Take out \u201c\U0001F375\u201d" in shown
    assert 'value="Tea \U0001F375"' in shown
    assert stored(runtime, event_id).title == "Over a Brew: buses"


def test_the_page_shows_how_the_invites_got_on_with_reasons_in_plain_words(
        signed_in, runtime, fake, twilio):
    person(runtime, ANN)
    person(runtime, BO)
    event_id = event(runtime)
    for row_id in invite_everyone(runtime, event_id).values():
        assert deliver(runtime, row_id) == "sent"
    first, second = (m["sid"] for m in fake.messages)
    for sid, status, code in ((first, "delivered", None), (second, "undelivered", "30006")):
        form = {"MessageSid": sid, "MessageStatus": status, "AccountSid": ACCOUNT_SID}
        assert twilio.post("/twilio/message-status",
                           form | ({"ErrorCode": code} if code else {})).status_code == 200

    shown = page(signed_in, event_id)
    assert "<li>1 delivered</li>" in shown and "<li>1 not delivered</li>" in shown
    assert "This number cannot receive texts. It may be a landline" in shown
    assert "30006" not in shown
