"""An event joined by phone: `brewline events create --by-phone`, the event form, and the
one sentence its invite, reminder and RSVP confirmation add."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from brewline.delivery.models import Outbox
from brewline.events import editing
from brewline.events.models import Event, Invite
from flows.words import words

LISTEN_IN = words("invites.listen_in")
from tests.conftest import PHONE
from tests.events.fixtures import (  # noqa: F401  (local mode)
    add_contact,
    add_event,
    cli,
    get,
    registered,
    rows,
)
from tests.texts.test_sms_webhook import replies


def _year() -> int:
    return datetime.now(timezone.utc).year + 1


def _created(result) -> int:
    return int(re.match(r"Event (\d+) planned", result.output).group(1))


def test_an_event_is_made_joinable_by_phone_from_the_command_line(cli, runtime):
    result = cli("events", "create", "--title", "Buses", "--starts-at", f"{_year()}-06-26 14:00",
                 "--where", "Whitley Bay Library", "--by-phone")
    event = get(runtime, Event, _created(result))
    assert (event.by_phone, event.record_live) == (True, False)


def test_recording_is_off_unless_asked_for(cli, runtime):
    made = cli("events", "create", "--title", "Buses", "--starts-at", f"{_year()}-06-26 14:00",
               "--where", "Whitley Bay Library", "--by-phone", "--record-live")
    event_id = _created(made)
    assert get(runtime, Event, event_id).record_live is True
    cli("events", "edit", str(event_id), "--no-record-live")
    assert get(runtime, Event, event_id).record_live is False
    assert get(runtime, Event, event_id).by_phone is True


def test_the_invite_of_an_event_joined_by_phone_says_to_ring_in(cli, runtime):
    add_contact(runtime, PHONE)
    by_phone, plain = add_event(runtime, by_phone=True), add_event(runtime, days=8)
    cli("invites", "send", str(by_phone))
    cli("invites", "send", str(plain))
    texts = {row.ref: row.body for row in rows(runtime, Outbox.purpose == "invite")}
    assert LISTEN_IN in texts[f"event:{by_phone}"]
    assert LISTEN_IN not in texts[f"event:{plain}"]
    assert texts[f"event:{by_phone}"].index(LISTEN_IN) < texts[f"event:{by_phone}"].index(
        "Would you like to come?")


def test_the_rsvp_confirmation_and_the_reminder_say_it_too(twilio, runtime, registered):
    contact_id, event_id = add_contact(runtime, PHONE), add_event(runtime, by_phone=True)
    with runtime.store.transaction() as session:
        session.add(Invite(event_id=event_id, contact_id=contact_id,
                           created_at=datetime.now(timezone.utc) - timedelta(hours=1)))
    [confirm] = replies(twilio.text("yes"))
    assert LISTEN_IN in confirm
    reminders = rows(runtime, Outbox.purpose == "reminder")
    assert reminders and all(LISTEN_IN in row.body for row in reminders)


def test_the_event_form_has_both_switches_and_keeps_them_when_editing(runtime, app):
    names = [f.name for f in editing.FIELDS if f.kind == "checkbox"]
    assert names == ["by_phone", "record_live"]
    event = Event(title="Buses", where="Library", by_phone=True, record_live=False,
                  starts_at=datetime(2027, 6, 26, 13, tzinfo=timezone.utc))
    typed = editing.as_typed(event, timezone.utc)
    assert (typed["by_phone"], typed["record_live"]) == ("yes", "")
