"""`brewline events create | cancel | list`, with times in TZ_DEFAULT."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from brewline.delivery.models import Outbox
from brewline.events.models import Event, Rsvp
from tests.events.fixtures import (  # noqa: F401  (local mode)
    add_contact,
    add_event,
    cli,
    count,
    get,
    registered,
    rows,
    settings,
)

LONDON = ZoneInfo("Europe/London")


def next_year() -> int:
    return datetime.now(timezone.utc).year + 1


def created_id(result) -> int:
    found = re.match(r"Event (\d+) planned: ", result.output)
    assert found, result.output
    return int(found.group(1))


def test_creating_an_event_says_what_was_made_and_what_to_do_next(cli, runtime):
    result = cli("events", "create", "--title", "The ethical use of AI",
                 "--starts-at", f"{next_year()}-06-26 14:00", "--where", "Whitley Bay Library",
                 "--details", "Tea and bus fares paid")
    assert result.exit_code == 0, result.output
    event_id = created_id(result)
    weekday = datetime(next_year(), 6, 26).strftime("%A")
    assert result.output.splitlines()[0] == (
        f"Event {event_id} planned: The ethical use of AI, {weekday} 26 June {next_year()} "
        "at 2pm, at Whitley Bay Library.")
    assert f"`brewline invites send {event_id} --dry-run`" in result.output
    assert f"`brewline events edit {event_id}`" in result.output
    event = get(runtime, Event, event_id)
    assert event.starts_at.astimezone(LONDON).hour == 14
    assert event.starts_at.astimezone(timezone.utc).hour == 13  # British Summer Time
    assert (event.title, event.details, event.status) == (
        "The ethical use of AI", "Tea and bus fares paid", "planned")


def test_curly_quotes_pasted_into_a_title_are_made_plain(cli, runtime):
    result = cli("events", "create", "--title", "\u201cYou said, we did\u201d",
                 "--starts-at", f"{next_year()}-01-10 10:30", "--where", "St Mary\u2019s Hall")
    event = get(runtime, Event, created_id(result))
    assert (event.title, event.where) == ('"You said, we did"', "St Mary's Hall")


def test_an_event_whose_invite_could_never_go_is_not_created_and_says_what_to_change(
        cli, runtime):
    result = cli("events", "create", "--title", "Tea \U0001F375 and talk",
                 "--starts-at", f"{next_year()}-01-10 10:30", "--where", "Hall")
    assert result.exit_code == 2
    assert ("The invite needs changing first. Take out \u201c\U0001F375\u201d: this character "
            "makes every text cost about twice as much") in result.output
    assert "GSM" not in result.output and "UCS" not in result.output
    assert count(runtime, Event) == 0


def test_an_event_is_changed_from_the_command_line_until_its_invites_go(cli, runtime):
    event_id = add_event(runtime)
    result = cli("events", "edit", str(event_id), "--where", "Whitley Bay Library, room 2",
                 "--starts-at", f"{next_year()}-03-05 18:30")
    assert result.exit_code == 0, result.output
    assert f"Event {event_id} changed (start time, place): " in result.output
    assert "at 6:30pm, at Whitley Bay Library, room 2." in result.output
    event = get(runtime, Event, event_id)
    assert (event.where, event.title) == ("Whitley Bay Library, room 2", "The ethical use of AI")
    assert event.starts_at.astimezone(LONDON).hour == 18

    add_contact(runtime, "+447700900101")
    assert cli("invites", "send", str(event_id)).exit_code == 0
    refused = cli("events", "edit", str(event_id), "--title", "Something else")
    assert refused.exit_code == 2
    assert "cannot be changed now. Invites have gone to 1 person" in refused.output
    assert get(runtime, Event, event_id).title == "The ethical use of AI"


def test_an_edit_that_would_break_the_invite_or_changes_nothing_is_refused(cli, runtime):
    event_id = add_event(runtime)
    too_long = cli("events", "edit", str(event_id), "--details", "Lots of words here. " * 12)
    assert too_long.exit_code == 2 and "Make it shorter by about" in too_long.output
    assert get(runtime, Event, event_id).details is None
    assert "is unchanged" in cli("events", "edit", str(event_id)).output
    assert "there is no event 999999" in cli("events", "edit", "999999", "--title", "T").output


def test_a_start_in_the_past_is_refused_with_the_reason(cli, runtime):
    result = cli("events", "create", "--title", "T", "--starts-at", "2020-06-26 14:00",
                 "--where", "W")
    assert result.exit_code == 2
    assert "'2020-06-26 14:00' is in the past" in result.output
    assert count(runtime, Event) == 0


def test_a_start_that_is_not_a_date_is_refused_with_an_example(cli, runtime):
    result = cli("events", "create", "--title", "T", "--starts-at", "next thursday-ish",
                 "--where", "W")
    assert result.exit_code == 2
    assert "cannot read 'next thursday-ish'" in result.output
    assert f"write it like {next_year()}-06-26 14:00" in result.output
    assert count(runtime, Event) == 0


def test_a_blank_title_is_refused(cli, runtime):
    result = cli("events", "create", "--title", "  ", "--starts-at", f"{next_year()}-01-10 10:30",
                 "--where", "Hall")
    assert result.exit_code == 2 and "An event needs a title." in result.output


def test_the_list_shows_each_event_with_its_answers(cli, runtime):
    event_id = add_event(runtime)
    people = [add_contact(runtime, f"+4477009001{i:02d}") for i in range(3)]
    with runtime.store.transaction() as session:
        for contact_id, answer in zip(people, ["yes", "no", "yes"]):
            session.add(Rsvp(event_id=event_id, contact_id=contact_id, answer=answer))
    result = cli("events", "list")
    assert result.exit_code == 0
    assert f"{event_id}\t" in result.output and "The ethical use of AI" in result.output
    assert "yes 2, maybe 0, no 1" in result.output


def test_an_empty_list_says_how_to_create_one(cli):
    assert "brewline events create" in cli("events", "list").output


def rsvp(runtime, event_id, contact_id, answer, minutes_ago=0):
    with runtime.store.transaction() as session:
        session.add(Rsvp(event_id=event_id, contact_id=contact_id, answer=answer,
                         created_at=datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)))


def test_cancelling_tells_those_still_coming_and_drops_what_was_waiting(cli, runtime):
    event_id = add_event(runtime)
    coming, changed_mind, maybe = (add_contact(runtime, f"+44770090012{i}") for i in range(3))
    rsvp(runtime, event_id, coming, "yes")
    rsvp(runtime, event_id, changed_mind, "yes", minutes_ago=10)
    rsvp(runtime, event_id, changed_mind, "no")
    rsvp(runtime, event_id, maybe, "maybe")
    with runtime.store.transaction() as session:
        session.add(Outbox(contact_id=coming, body="reminder", purpose="reminder",
                           ref=f"event:{event_id}",
                           not_before=datetime.now(timezone.utc) + timedelta(days=6)))
    result = cli("events", "cancel", str(event_id))
    assert result.exit_code == 0, result.output
    told = rows(runtime, Outbox.purpose == "event_cancelled")
    assert sorted(r.contact_id for r in told) == sorted([coming, maybe])
    assert "cancel The ethical use of AI" in told[0].body
    [reminder] = rows(runtime, Outbox.purpose == "reminder")
    assert (reminder.status, reminder.error) == ("cancelled", "event cancelled")
    assert get(runtime, Event, event_id).status == "cancelled"


def test_cancelling_twice_or_an_unknown_event_is_refused(cli, runtime):
    event_id = add_event(runtime)
    assert cli("events", "cancel", str(event_id)).exit_code == 0
    again = cli("events", "cancel", str(event_id))
    assert again.exit_code == 2 and "already cancelled" in again.output
    unknown = cli("events", "cancel", "999999")
    assert unknown.exit_code == 2 and "there is no event 999999" in unknown.output


def test_reminder_settings_are_read_from_the_environment_and_bad_ones_refused(tmp_path):
    from brewline.platform.settings import from_env

    env = {"BREWLINE_INSTANCE": str(tmp_path), "SECRET_KEY": "k"}
    assert from_env(env).reminders == ("1d", "morning")
    assert from_env(env | {"REMINDERS": "2h, 1d"}).reminders == ("2h", "1d")
    assert from_env(env | {"SURVEY_REMINDER_HOURS": "0"}).survey_reminder_hours == 0
    with pytest.raises(ValueError, match="REMINDERS"):
        from_env(env | {"REMINDERS": "soonish"})
