"""Quiet hours as pure time arithmetic: is a moment quiet, and when may we next text."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

Window = tuple[time, time]
# A DST gap can land the end of quiet hours inside another quiet stretch; a few hops settle it.
MAX_HOPS = 4


def is_quiet(moment: datetime, quiet: Window | None, zone: ZoneInfo) -> bool:
    """Whether the local wall-clock time of `moment` falls in [start, end)."""
    return _end_day(moment.astimezone(zone), quiet) is not None


def next_allowed(moment: datetime, quiet: Window | None, zone: ZoneInfo) -> datetime:
    """`moment` itself if texting is allowed then, else the first instant quiet hours end."""
    for _hop in range(MAX_HOPS):
        local = moment.astimezone(zone)
        day = _end_day(local, quiet)
        if day is None:
            return moment
        moment = first_instant(datetime.combine(day, quiet[1]), zone)
    return moment


def _end_day(local: datetime, quiet: Window | None) -> date | None:
    """The local date on which the current quiet stretch ends, or None if not quiet."""
    if quiet is None or quiet[0] == quiet[1]:
        return None
    start, end = quiet
    now = local.time().replace(tzinfo=None)
    if start < end:
        return local.date() if start <= now < end else None
    if now >= start:  # the window wraps midnight: 20:00-09:00
        return local.date() + timedelta(days=1)
    return local.date() if now < end else None


def first_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The first UTC instant whose local wall-clock time is at or after naive `wall`."""
    one, two = (wall.replace(tzinfo=zone, fold=f).astimezone(timezone.utc) for f in (0, 1))
    early, late = min(one, two), max(one, two)
    if _wall(early, zone) == wall:
        return early  # exists (the first of two when the clocks go back)
    # `wall` is skipped when the clocks go forward: find the jump between the two readings.
    low, high = int(early.timestamp()), int(late.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if _wall(datetime.fromtimestamp(middle, timezone.utc), zone) >= wall:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, timezone.utc)


def _wall(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None, fold=0)
