"""What an invite will cost and say, in plain words, before anything is sent."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from brewline.events import invitations
from brewline.events.models import Event
from brewline.platform.runtime import Runtime
from flows.readability import encoding, max_segments
from flows.words import catalogues

DEFAULT_PRICE = "0.05"  # pounds per SMS segment, a UK ballpark; BREWLINE_SMS_PRICE changes it


@dataclass(frozen=True)
class Preview:
    """A dry run of one invite, with the money, the errors and the warnings spelt out."""

    plan: invitations.Plan
    price: float
    errors: list[str]  # must be changed before the invite can be created, sent or scheduled
    warnings: list[str]  # worth reading before sending

    @property
    def audience(self) -> int:
        return len(self.plan.texts) + len(self.plan.calls)

    @property
    def cost(self) -> float:
        parts = sum(encoding(self.plan.words_for(cid)[0]).segments for cid in self.plan.texts)
        return parts * self.price

    @property
    def translated(self) -> list[dict]:
        """The text in each other language people on the list take part in."""
        return [{"catalogue": catalogues()[code], "people": people,
                 "text": self.plan.worded[code][0],
                 "encoding": encoding(self.plan.worded[code][0])}
                for code, people in sorted(self.plan.texted_in().items())
                if code in catalogues() and code in self.plan.worded]

    @property
    def plain(self) -> bool:
        """Only characters every phone shows, at the cheapest price per part."""
        return self.plan.encoding.name == "GSM-7"


def price_per_segment(runtime: Runtime) -> float:
    try:
        return float(runtime.settings.extra.get("BREWLINE_SMS_PRICE", DEFAULT_PRICE))
    except ValueError:
        return float(DEFAULT_PRICE)


def _quiet_now(runtime: Runtime, now: datetime) -> bool:
    hours = runtime.settings.quiet_hours
    if not hours:
        return False
    local = now.astimezone(ZoneInfo(runtime.settings.tz_default)).time()
    start, end = hours
    return local >= start or local < end if start > end else start <= local < end


def warnings(runtime: Runtime, plan: invitations.Plan, now: datetime) -> list[str]:
    """Plain-language warnings an organiser should read before sending."""
    found = list(plan.problems.warnings)
    if not plan.texts and not plan.calls:
        found.append("Nobody would get this now: no one has said yes to invites (with this "
                      "tag), or everyone has been invited already.")
    for code in sorted(plan.texted_in()):
        text = plan.worded.get(code, (plan.text,))[0]
        parts, most = encoding(text).segments, max_segments(text, code)
        if code in catalogues() and parts > most:
            found.append(f"In {catalogues()[code].english_name} this text goes as {parts} "
                         f"parts (keep to {most}): shorten the title, the place or the extra "
                         "sentence.")
    if plan.encoding.segments > 1 and not plan.errors:
        found.append(f"This text goes as {plan.encoding.segments} parts joined together, and "
                     "each part is paid for. A shorter text costs less.")
    if plan.cannot_text:
        found.append(f"{plan.cannot_text} {'person' if plan.cannot_text == 1 else 'people'} "
                     "cannot get texts and will be left out.")
    if _quiet_now(runtime, now):
        found.append("It is quiet hours now: texts will wait until the morning.")
    return found


def preview_of(runtime: Runtime, session: Session, event: Event, tag: str | None,
               now: datetime) -> Preview:
    """The same dry run as `brewline invites send --dry-run`, priced and explained."""
    plan = invitations.plan(runtime, session, event, tag)
    return Preview(plan, price_per_segment(runtime), plan.problems.errors,
                   warnings(runtime, plan, now))
