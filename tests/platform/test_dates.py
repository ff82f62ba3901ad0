"""Times as organisers say them, in local time: "Friday 4 December at 2:52pm"."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from brewline.platform.dates import said

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("utc, words", [
    (datetime(2026, 12, 4, 14, 52), "Friday 4 December at 2:52pm"),
    (datetime(2026, 12, 4, 14, 0), "Friday 4 December at 2pm"),
    (datetime(2026, 12, 4, 12, 0), "Friday 4 December at midday"),
    (datetime(2026, 12, 5, 0, 0), "Saturday 5 December at midnight"),
    (datetime(2026, 12, 5, 9, 5), "Saturday 5 December at 9:05am"),
    (datetime(2027, 6, 26, 13, 0), "Saturday 26 June 2027 at 2pm"),  # summer time: UTC+1
])
def test_a_moment_is_written_in_local_time_as_people_say_it(utc, words):
    assert said(utc.replace(tzinfo=timezone.utc), LONDON, now=NOW) == words


def test_the_year_is_left_out_only_for_this_year_in_the_organisers_zone():
    new_year_eve = datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)
    assert said(datetime(2027, 1, 1, 10, 0, tzinfo=timezone.utc), LONDON,
                now=new_year_eve) == "Friday 1 January 2027 at 10am"
    tokyo = ZoneInfo("Asia/Tokyo")  # already 2027 there
    assert said(datetime(2027, 1, 1, 10, 0, tzinfo=timezone.utc), tokyo,
                now=new_year_eve) == "Friday 1 January at 7pm"
