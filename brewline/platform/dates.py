"""Times as organisers say them: "Friday 4 December at 2:52pm", in local time (TZ_DEFAULT).

Pages and command output use this, never ISO with UTC. (What participants read is worded
in flows/invites.py: "tomorrow, Wednesday the 27th of November, at half past six".)
"""
from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo


def clock(moment: time) -> str:
    """2pm, 2:52pm, midday, midnight."""
    if (moment.hour, moment.minute) == (12, 0):
        return "midday"
    if (moment.hour, moment.minute) == (0, 0):
        return "midnight"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


def day(moment: datetime, zone: ZoneInfo, now: datetime | None = None) -> str:
    """Friday 4 December (with the year when it is not this year's)."""
    local = moment.astimezone(zone)
    this_year = (now or datetime.now(zone)).astimezone(zone).year
    year = "" if local.year == this_year else f" {local.year}"
    return f"{local:%A} {local.day} {local:%B}{year}"


def said(moment: datetime | None, zone: ZoneInfo, now: datetime | None = None) -> str:
    """Friday 4 December at 2:52pm (with the year when it is not this year's)."""
    if moment is None:
        return ""
    return f"{day(moment, zone, now)} at {clock(moment.astimezone(zone).time())}"
