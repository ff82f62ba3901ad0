"""RSVP words, event dates in plain words and the invite texts (pure, no I/O)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from flows.invites import (
    EventWords,
    clock,
    ordinal,
    parse_reminders,
    relative_when,
    reminder_time,
    render,
    render_spoken,
    rsvp_answer,
    spoken_clock,
    spoken_when,
    survey_reminder,
    when,
)
from flows.readability import check_text, encoding
from flows.words import catalogues, words

LONDON = ZoneInfo("Europe/London")
EVENT = EventWords(
    title="The ethical use of AI and digital technology",
    when="Thursday 26 June at 2pm", where="Whitley Bay Library, Park Road",
    details="Tea, cake and bus fares paid.")


@pytest.mark.parametrize("said, meant", [
    ("YES", "yes"), ("yes please", "yes"), ("Yes please!", "yes"), ("👍", "yes"),
    ("👍🏽", "yes"), ("I'll be there", "yes"), ("yes thanks x", "yes"), ("Count me in", "yes"),
    ("No", "no"), ("can't make it", "no"), ("Sorry, I can't make it", "no"), ("👎", "no"),
    ("no thank you", "no"), ("MAYBE", "maybe"), ("might come", "maybe"),
    ("Not sure yet", "maybe"), ("🤔", "maybe"),
])
def test_plain_replies_to_an_invite_are_read_as_rsvps(said, meant):
    assert rsvp_answer(said) == meant


@pytest.mark.parametrize("said", [
    "", "   ", "What time does it start?", "yes but only if there is parking",
    "The tea and the chat", "🫖", "thanks",
])
def test_other_words_are_not_rsvps(said):
    assert rsvp_answer(said) is None


def test_times_read_the_way_people_say_them():
    assert clock(datetime(2026, 6, 26, 14, 0)) == "2pm"
    assert clock(datetime(2026, 6, 26, 9, 30)) == "9:30am"
    assert clock(datetime(2026, 6, 26, 12, 0)) == "12 noon"
    assert when(datetime(2026, 6, 26, 14, 0)) == "Friday 26 June at 2pm"


def test_a_reminder_says_today_or_tomorrow_when_it_is():
    starts = datetime(2026, 6, 26, 14, 0, tzinfo=LONDON)
    assert relative_when(starts, datetime(2026, 6, 26, 9, 0, tzinfo=LONDON)) == "today at 2pm"
    assert relative_when(starts, datetime(2026, 6, 25, 14, 0, tzinfo=LONDON)) == "tomorrow at 2pm"
    assert relative_when(starts, datetime(2026, 6, 20, 9, 0, tzinfo=LONDON)).startswith("on Friday")


def test_reminder_times_are_read_from_settings_and_bad_ones_are_named():
    assert parse_reminders("1d, morning") == ("1d", "morning")
    assert parse_reminders("") == ()
    with pytest.raises(ValueError, match="'soon'"):
        parse_reminders("1d,soon")


def test_reminders_fall_the_day_before_and_at_nine_on_the_morning():
    starts = datetime(2026, 3, 29, 14, 0, tzinfo=LONDON)  # the day the clocks go forward
    day_before = reminder_time("1d", starts)
    assert (day_before.day, day_before.hour, day_before.utcoffset().seconds) == (28, 14, 0)
    morning = reminder_time("morning", starts)
    assert (morning.day, morning.hour, morning.utcoffset().seconds) == (29, 9, 3600)
    assert reminder_time("2h", starts).hour == 12


def test_the_invite_says_who_we_are_what_when_where_and_how_to_reply():
    text = render("invite", EVENT)
    assert text.startswith("Hello from Over a Brew")
    for part in (EVENT.title, EVENT.when, EVENT.where, "Tea, cake and bus fares paid.",
                 "YES", "NO", "MAYBE", "STOP"):
        assert part in text


TEXTS = sorted(k.partition(".")[2] for k in catalogues()["en"].lines if k.startswith("invites."))
SPOKEN = sorted(k.partition(".")[2] for k in catalogues()["en"].lines
                if k.startswith("event_calls."))


@pytest.mark.parametrize("key", sorted(set(TEXTS) - {"survey_reminder"}))
def test_every_event_text_is_plain_gsm7_and_at_most_two_segments(key):
    text = render(key, EVENT, relative="tomorrow at 2pm")
    assert encoding(text).name == "GSM-7"
    assert encoding(text).segments <= 2
    assert [f for f in check_text(text, key) if f.level == "error"] == []


def test_the_survey_reminder_is_gentle_short_and_plain():
    text = survey_reminder(2, 5)
    assert "2 of 5" in text and "no rush" in text and "only reminder" in text
    assert encoding(text).segments <= 2 and check_text(text, "survey_reminder") == []


# The same times, as a voice says them on a reminder call.

@pytest.mark.parametrize("hour, minute, said", [
    (18, 30, "half past six in the evening"), (14, 0, "two o'clock in the afternoon"),
    (12, 0, "twelve noon"), (0, 0, "midnight"), (9, 15, "quarter past nine in the morning"),
    (10, 45, "quarter to eleven in the morning"), (12, 30, "half past twelve in the afternoon"),
    (19, 7, "seven minutes past seven in the evening"), (16, 55, "five to five in the afternoon"),
    (10, 1, "one minute past ten in the morning"), (13, 25, "twenty-five past one in the afternoon"),
    (21, 40, "twenty to ten at night"),
])
def test_a_voice_says_the_time_the_way_people_do(hour, minute, said):
    assert spoken_clock(datetime(2024, 11, 27, hour, minute)) == said


def test_dates_are_said_with_ordinals():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "31st"]


def test_a_call_says_today_or_tomorrow_and_a_message_left_for_later_says_the_date():
    starts = datetime(2024, 11, 27, 18, 30, tzinfo=LONDON)
    assert spoken_when(starts, datetime(2024, 11, 26, 9, 0, tzinfo=LONDON)) == (
        "tomorrow, Wednesday the 27th of November, at half past six in the evening")
    assert spoken_when(starts, datetime(2024, 11, 27, 9, 0, tzinfo=LONDON)).startswith(
        "today, Wednesday the 27th")
    assert spoken_when(starts, datetime(2024, 11, 20, 9, 0, tzinfo=LONDON)).startswith(
        "on Wednesday the 27th")
    assert spoken_when(starts) == "on Wednesday the 27th of November, at half past six in the evening"


@pytest.mark.parametrize("key", sorted(SPOKEN))
def test_every_reminder_call_text_is_plain_and_short_sentences(key):
    text = render_spoken(key, EVENT, "tomorrow, Thursday the 26th of June, at two o'clock")
    assert "{" not in text
    assert check_text(text, f"{key}.voice", spoken=True) == []  # no jargon, no long sentences


def test_the_reminder_call_says_what_when_where_and_the_keys():
    said = render_spoken("reminder_call", EVENT, "tomorrow, Thursday the 26th of June, at two")
    assert EVENT.title in said and EVENT.where in said and "tomorrow, Thursday the 26th" in said
    keys = words("event_calls.reminder_call_keys")
    assert "press star" in keys and "press 2" in keys
    assert render_spoken("reminder_voicemail", EVENT, "on Thursday").endswith("Goodbye.")
