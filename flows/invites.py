"""Invites, RSVPs and reminders in plain words: the word lists and texts. Pure, no I/O."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flows.keywords import is_answer, normalise
from flows.words import catalogues, words

# What people write back to an invite, in English. Compared after normalising (lower case,
# no punctuation, "can't" -> "cant"); emoji are compared as sent. Other languages' words
# are in their catalogues' keywords (yes, no, maybe, and coming, not_coming for invites).
RSVP_WORDS: dict[str, frozenset[str]] = {
    "yes": frozenset({
        "yes", "y", "yeah", "yea", "yep", "yup", "aye", "sure", "ok", "okay", "definitely",
        "yes please", "yes i will", "yes i can", "yes i will come", "yes ill come",
        "ill be there", "i will be there", "ill come", "i will come", "i can come",
        "im coming", "i am coming", "coming", "count me in", "see you there", "yes definitely",
        "sounds good", "lovely", "yes ill be there", "yes i will be there", "i would love to",
        "id love to", "love to", "👍", "✅", "👌", "🙋", "🙋‍♀️", "🙋‍♂️", "😀", "🙂", "😊",
    }),
    "no": frozenset({
        "no", "n", "nope", "nah", "no thanks", "no thank you", "not this time", "sorry no",
        "no sorry", "cant make it", "cannot make it", "i cant make it", "i cannot make it",
        "sorry i cant make it", "sorry cant make it", "cant come", "cannot come", "i cant come",
        "i cannot come", "not coming", "im not coming", "i am not coming", "wont be there",
        "i wont be there", "i will not be there", "cant go", "i cant go", "unable to come",
        "not able to come", "im busy that day", "👎", "❌",
    }),
    "maybe": frozenset({
        "maybe", "might", "might come", "i might come", "i might", "might do", "possibly",
        "perhaps", "not sure", "im not sure", "unsure", "dont know yet", "i dont know yet",
        "dont know", "i dont know", "not sure yet", "hopefully", "probably", "maybe yes",
        "i will try", "ill try", "will try", "i hope so", "hope so", "🤔", "🤷", "🤷‍♀️", "🤷‍♂️",
    }),
}
# Polite words people add around an answer ("yes please, thanks x"): ignored when matching.
COURTESY = frozenset({"thanks", "thank", "you", "thankyou", "ta", "cheers", "x", "xx", "xxx",
                      "love", "please", "hi", "hello", "oh", "and", "very", "much", "so"})
# Skin tones and emoji presentation selectors do not change what an emoji means.
_EMOJI_MODIFIERS = re.compile("[\U0001F3FB-\U0001F3FF\uFE0F]")
RSVP_ANSWERS = ("yes", "no", "maybe")
# The catalogue keyword names that give each answer to an invite.
CATALOGUE_WORDS = {"yes": ("yes", "coming"), "no": ("no", "not_coming"), "maybe": ("maybe",)}


def rsvp_answer(text: str | None) -> str | None:
    """'yes', 'no' or 'maybe' when a message answers an invite, else None."""
    raw = _EMOJI_MODIFIERS.sub("", (text or "").strip())
    for candidate in (raw, normalise(raw), _without_courtesy(normalise(raw))):
        for answer in RSVP_ANSWERS:
            if candidate and candidate in RSVP_WORDS[answer]:
                return answer
    # The catalogues' own words ("TAK", "przyjdę", "«ربما»"), as the invite lines ask.
    return next((answer for answer in RSVP_ANSWERS
                 if any(is_answer(raw, name) for name in CATALOGUE_WORDS[answer])), None)


def _without_courtesy(plain: str) -> str:
    words = plain.split()
    while words and words[-1] in COURTESY:
        words.pop()
    while words and words[0] in ("hi", "hello", "oh", "ok", "well") and len(words) > 1:
        words.pop(0)
    return " ".join(words)


# Dates and times as people say them: "Thursday 26 June at 2pm".

def clock(moment: datetime) -> str:
    """2pm, 2:30pm, 12 noon."""
    if moment.hour == 12 and moment.minute == 0:
        return "12 noon"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def day(moment: datetime | date) -> str:
    """Thursday 26 June."""
    return f"{moment:%A} {moment.day} {moment:%B}"


def when(moment: datetime, language: str = "en") -> str:
    """Thursday 26 June at 2pm (in the zone `moment` carries), or as `language` says it."""
    calendar = catalogues().get(language, catalogues()["en"]).calendar
    if not calendar:
        return f"{day(moment)} at {clock(moment)}"
    return _dated(calendar, "when", moment)


def relative_when(starts: datetime, sent: datetime, language: str = "en") -> str:
    """'today at 2pm', 'tomorrow at 2pm' or 'on Thursday 26 June at 2pm', seen from `sent`."""
    days = (starts.date() - sent.date()).days
    calendar = catalogues().get(language, catalogues()["en"]).calendar
    if calendar:
        lead = {0: "today", 1: "tomorrow"}.get(days, "on")
        return _dated(calendar, lead, starts)
    if days == 0:
        return f"today at {clock(starts)}"
    if days == 1:
        return f"tomorrow at {clock(starts)}"
    return f"on {when(starts)}"


def _dated(calendar, form: str, moment: datetime) -> str:
    """A date in a catalogue's own words: its `form` ("when", "today"...) filled in."""
    return str(calendar[form]).format(
        weekday=calendar["days"][moment.weekday()], day=moment.day,
        month=calendar["months"][moment.month - 1], clock=f"{moment:%H:%M}")


# The same, as a voice says them slowly: "tomorrow, Wednesday the 27th of November, at
# half past six in the evening". Spoken words never go by text, so no SMS limits apply.
_NUMBERS = ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
            "eighteen", "nineteen", "twenty")


def _number(n: int) -> str:
    """1 to 29 in words: 'seven', 'twenty-five'."""
    return _NUMBERS[n] if n <= 20 else f"twenty-{_NUMBERS[n - 20]}"


def _minutes(n: int) -> str:
    """'quarter', 'half', 'ten', 'seven minutes' (how far past or to the hour)."""
    named = {15: "quarter", 30: "half"}
    if n in named:
        return named[n]
    return _number(n) if n % 5 == 0 else f"{_number(n)} minute{'s' if n > 1 else ''}"


def _part_of_day(hour: int) -> str:
    if hour < 12:
        return "in the morning"
    if hour < 17:
        return "in the afternoon"
    return "in the evening" if hour < 21 else "at night"


def spoken_clock(moment: datetime) -> str:
    """'half past six in the evening', 'two o'clock in the afternoon', 'twelve noon'."""
    hour, minute = moment.hour, moment.minute
    if minute == 0 and hour in (0, 12):
        return "midnight" if hour == 0 else "twelve noon"
    if minute == 0:
        said = f"{_number(hour % 12 or 12)} o'clock"
    elif minute <= 30:
        said = f"{_minutes(minute)} past {_number(hour % 12 or 12)}"
    else:
        said = f"{_minutes(60 - minute)} to {_number((hour + 1) % 12 or 12)}"
    return f"{said} {_part_of_day(hour)}"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 11th, 22nd: a voice reads these as 'twenty-second'."""
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def spoken_day(moment: datetime | date) -> str:
    """Wednesday the 27th of November."""
    return f"{moment:%A} the {ordinal(moment.day)} of {moment:%B}"


def spoken_when(starts: datetime, heard: datetime | None = None, language: str = "en") -> str:
    """'tomorrow, Wednesday the 27th of November, at half past six in the evening'.

    With `heard` (when the words are heard) "today" or "tomorrow" comes first; without
    it (a voicemail may be heard days later) the date is given as "on Wednesday ...".
    """
    days = (starts.date() - heard.date()).days if heard is not None else None
    calendar = catalogues().get(language, catalogues()["en"]).calendar
    if calendar:
        return _dated(calendar, "spoken_" + {0: "today", 1: "tomorrow"}.get(days, "on"), starts)
    lead = {0: "today, ", 1: "tomorrow, "}.get(days, "on ")
    return f"{lead}{spoken_day(starts)}, at {spoken_clock(starts)}"


@dataclass(frozen=True)
class EventWords:
    """The parts of an event a text mentions, already in plain words."""

    title: str
    when: str
    where: str
    details: str | None = None
    starts: datetime | None = None  # local time, so other languages can word the date
    by_phone: bool = False  # people may ring in at the start time to listen (brewline/live/)

    def when_in(self, language: str) -> str:
        """When it is, in `language`'s words (English's are `when`)."""
        return when(self.starts, language) if self.starts and language != "en" else self.when


# Lines about an event people can ring into that end with the listen-in sentence (the
# invites carry it with their details, before the question).
LISTEN_AFTER = frozenset({"rsvp_yes", "rsvp_call_yes", "reminder", "reminder_call"})


def render_spoken(key: str, event: EventWords, when_said: str, language: str = "en") -> str:
    """A spoken line about an event (catalogue section `event_calls`), with the time as a
    voice should say it."""
    said = words(f"event_calls.{key}", language, title=event.title, when=when_said,
                 where=event.where)
    return _listen_after(key, event, said, language)


def render(key: str, event: EventWords, language: str = "en", **extra: object) -> str:
    """A text about an event (catalogue section `invites`), with the details (if any) as
    their own sentence, and for an event people can ring into the listen-in sentence."""
    details = _sentence(event.details) + " " if event.details else ""
    details += listen_in(event, language)
    said = words(f"invites.{key}", language, title=event.title, when=event.when_in(language),
                 where=event.where, details=details, **extra)
    return _listen_after(key, event, said, language)


def listen_in(event: EventWords, language: str = "en") -> str:
    """"You can ring this number then to hear it. " for an event joined by phone, else ""."""
    return words("invites.listen_in", language) + " " if event.by_phone else ""


def _listen_after(key: str, event: EventWords, said: str, language: str) -> str:
    if key not in LISTEN_AFTER or not event.by_phone:
        return said
    return f"{said} {listen_in(event, language)}".strip()


def survey_reminder(answered: int, total: int, language: str = "en") -> str:
    return words("invites.survey_reminder", language, answered=answered, total=total)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


# Reminder times before an event: "1d" (a day before), "2h", "30m", or "morning"
# (09:00 on the day, local time).
_SPEC = re.compile(r"^(\d+)([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}
MORNING_HOUR = 9


def parse_reminders(value: str) -> tuple[str, ...]:
    """'1d, morning' -> ('1d', 'morning'); ValueError naming a spec it cannot read."""
    specs = tuple(part.strip().lower() for part in value.split(",") if part.strip())
    for spec in specs:
        if spec != "morning" and not _SPEC.match(spec):
            raise ValueError(f"REMINDERS: cannot read {spec!r}; use e.g. 1d, 2h, 30m or morning")
    return specs


def reminder_time(spec: str, starts_local: datetime) -> datetime:
    """When a reminder for an event starting at `starts_local` (an aware local time) is due."""
    if spec == "morning":
        return starts_local.replace(hour=MORNING_HOUR, minute=0, second=0, microsecond=0)
    amount, unit = _SPEC.match(spec).groups()
    return starts_local - timedelta(**{_UNITS[unit]: int(amount)})
