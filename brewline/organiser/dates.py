"""Times on the organiser pages, in local time (TZ_DEFAULT) as people say them.

Registered as template filters: `{{ moment|when }}` gives "Friday 4 December at 2:52pm",
`{{ moment|day }}` "Friday 4 December". Never ISO, never UTC.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask

from brewline.organiser.guard import runtime
from brewline.platform import dates


def zone() -> ZoneInfo:
    return ZoneInfo(runtime().settings.tz_default)


def when(moment: datetime | None) -> str:
    return dates.said(moment, zone())


def day(moment: datetime | None) -> str:
    return dates.day(moment, zone()) if moment else ""


def register(app: Flask) -> None:
    app.add_template_filter(when, "when")
    app.add_template_filter(day, "day")
