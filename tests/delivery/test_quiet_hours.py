"""Quiet hours: property tests of the time arithmetic (DST included), and the pipeline."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from brewline.delivery.quiet_hours import first_instant, is_quiet, next_allowed
from brewline.delivery.sending import deliver
from brewline.platform.database import utcnow
from tests.delivery.outbox_rows import a_contact, a_text, row

LONDON = ZoneInfo("Europe/London")
ZONES = st.sampled_from([ZoneInfo(z) for z in (
    "Europe/London", "America/New_York", "Australia/Lord_Howe", "America/Santiago",
    "Asia/Kolkata", "UTC", "America/St_Johns")])
MOMENTS = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1),
                       timezones=st.just(timezone.utc))
TIMES = st.times().map(lambda t: t.replace(microsecond=0))
WINDOWS = st.tuples(TIMES, TIMES) | st.none()


@hsettings(max_examples=300, deadline=None)
@given(MOMENTS, WINDOWS, ZONES)
def test_the_next_allowed_time_is_never_quiet_and_never_early(moment, quiet, zone):
    allowed = next_allowed(moment, quiet, zone)

    assert allowed >= moment
    assert not is_quiet(allowed, quiet, zone)


@hsettings(max_examples=300, deadline=None)
@given(MOMENTS, WINDOWS, ZONES, st.floats(0, 1))
def test_every_moment_before_the_next_allowed_time_is_quiet(moment, quiet, zone, fraction):
    allowed = next_allowed(moment, quiet, zone)
    if allowed > moment:
        between = moment + (allowed - moment) * fraction
        assert is_quiet(min(between, allowed - timedelta(seconds=1)), quiet, zone)
        assert is_quiet(moment, quiet, zone)


@given(MOMENTS, ZONES)
def test_an_allowed_moment_is_its_own_answer(moment, zone):
    quiet = (time(20), time(9))
    if not is_quiet(moment, quiet, zone):
        assert next_allowed(moment, quiet, zone) == moment


def test_a_text_written_in_the_evening_waits_for_nine_the_next_morning():
    evening = datetime(2026, 6, 1, 21, 30, tzinfo=LONDON)

    assert next_allowed(evening, (time(20), time(9)), LONDON) == datetime(
        2026, 6, 2, 9, 0, tzinfo=LONDON)


def test_quiet_hours_ending_inside_the_spring_gap_end_when_the_clocks_jump():
    # 29 March 2026: London goes from 01:00 GMT straight to 02:00 BST.
    night = datetime(2026, 3, 29, 0, 30, tzinfo=timezone.utc)

    allowed = next_allowed(night, (time(20), time(1, 30)), LONDON)

    assert allowed == datetime(2026, 3, 29, 1, 0, tzinfo=timezone.utc)


def test_the_first_of_two_identical_autumn_times_is_taken():
    wall = datetime(2026, 10, 25, 1, 30)

    assert first_instant(wall, LONDON) == datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc)


def test_the_pipeline_defers_a_text_written_during_quiet_hours(night, fake):
    row_id = a_text(night, a_contact(night))
    assert row(night, row_id).not_before > utcnow()
    assert deliver(night, row_id, now=utcnow()) == "early"
    assert fake.messages == []


def test_the_worker_defers_a_due_row_if_quiet_hours_began_while_it_waited(sender, night, fake):
    row_id = a_text(sender, a_contact(sender))
    assert deliver(night, row_id) == "deferred"
    assert row(sender, row_id).not_before > utcnow() and fake.messages == []


def test_a_direct_reply_goes_even_in_quiet_hours(night, fake):
    row_id = a_text(night, a_contact(night), direct_reply=True)
    assert deliver(night, row_id) == "sent"
    assert len(fake.messages) == 1
