"""Invites, RSVPs and reminders in plain words: the word lists and texts. Pure, no I/O."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flows.keywords import normalise

# What people write back to an invite. Compared after normalising (lower case, no
# punctuation, "can't" -> "cant"); emoji are compared as sent.
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


def rsvp_answer(text: str | None) -> str | None:
    """'yes', 'no' or 'maybe' when a message answers an invite, else None."""
    raw = _EMOJI_MODIFIERS.sub("", (text or "").strip())
    for candidate in (raw, normalise(raw), _without_courtesy(normalise(raw))):
        for answer in RSVP_ANSWERS:
            if candidate and candidate in RSVP_WORDS[answer]:
                return answer
    return None


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


def when(moment: datetime) -> str:
    """Thursday 26 June at 2pm (in the zone `moment` carries)."""
    return f"{day(moment)} at {clock(moment)}"


def relative_when(starts: datetime, sent: datetime) -> str:
    """'today at 2pm', 'tomorrow at 2pm' or 'on Thursday 26 June at 2pm', seen from `sent`."""
    days = (starts.date() - sent.date()).days
    if days == 0:
        return f"today at {clock(starts)}"
    if days == 1:
        return f"tomorrow at {clock(starts)}"
    return f"on {when(starts)}"


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


def spoken_when(starts: datetime, heard: datetime | None = None) -> str:
    """'tomorrow, Wednesday the 27th of November, at half past six in the evening'.

    With `heard` (when the words are heard) "today" or "tomorrow" comes first; without
    it (a voicemail may be heard days later) the date is given as "on Wednesday ...".
    """
    days = (starts.date() - heard.date()).days if heard is not None else None
    lead = {0: "today, ", 1: "tomorrow, "}.get(days, "on ")
    return f"{lead}{spoken_day(starts)}, at {spoken_clock(starts)}"


@dataclass(frozen=True)
class EventWords:
    """The parts of an event a text mentions, already in plain words."""

    title: str
    when: str
    where: str
    details: str | None = None
    by_phone: bool = False  # people may ring in at the start time to listen


# One short sentence for events people can join by phone (brewline/live/).
LISTEN_IN = "You can ring this number then to hear it."

TEXTS = {
    "invite": (
        "Hello from Over a Brew, the friendly chats about local services. Our next "
        "session: {title}, {when}, at {where}. {details}{listen}Would you like to come? Reply YES, "
        "NO or MAYBE. Text STOP to stop texts."),
    "invite_call": (
        "Hello, this is Over a Brew, the friendly chats about local services. We would love "
        "you to come to {title}. It is on {when}, at {where}. {details}{listen}Press 1 to come, 2 if "
        "you cannot, or 3 if you might."),
    # Said on the invite call once the person has answered (they get no texts), and on a
    # call to us that asked first (brewline/events/rsvp_call.py). Ringing us asks again only
    # about a maybe or no answer at all, so only those are told to ring: a yes hears of
    # the reminder call, where 2 means "cannot come".
    "rsvp_call_yes": (
        "Thank you, we will see you there. The session is {title}. It is on {when}, at "
        "{where}. {listen}"),
    "rsvp_call_reminded": (
        "We will ring you with a reminder nearer the time. If you can no longer come, "
        "you can tell us then."),
    "rsvp_call_see_you": "We look forward to seeing you.",
    "rsvp_call_no": (
        "Thank you for letting us know. Sorry you cannot come to {title} this time. "
        "We will tell you about the next one."),
    "rsvp_call_maybe": (
        "Thank you. We have you down as a maybe for {title}. It is on {when}. "
        "If you can come, you will be very welcome. When you know, ring this number and "
        "tell us."),
    "invite_voicemail": (
        "Hello, this is Over a Brew. We rang to invite you to {title}. It is on {when}, at "
        "{where}. Sorry we missed you. To tell us if you can come, ring this number. "
        "Goodbye."),
    "rsvp_yes": (
        "Thank you, we will see you there! The session is {title}. It is on {when}, at "
        "{where}. {listen}We will text you a reminder. If your plans change, just reply NO."),
    "rsvp_no": (
        "Thank you for letting us know. Sorry you cannot come to {title} this time. "
        "We will tell you about the next one."),
    "rsvp_maybe": (
        "Thank you. We have you down as a maybe for {title}. It is on {when}. Reply YES "
        "or NO when you know."),
    "reminder": (
        "A reminder from Over a Brew. {title} is {relative}. The place is {where}. {listen}We "
        "hope to see you there. If you cannot come now, just reply NO."),
    "event_cancelled": (
        "Sorry, Over a Brew has had to cancel {title}. It was going to be on {when}. We are "
        "sorry if this spoils your plans. We will tell you when the next session is planned."),
    "survey_reminder": (
        "Hello again from Over a Brew. You have answered {answered} of {total} questions, "
        "thank you. There is no rush. When you are ready, text REPEAT to see the next "
        "question. This is our only reminder."),
}


# Said on a reminder call to someone who cannot get texts. {when} is spoken_when(...).
SPOKEN = {
    "reminder_call": (
        "Hello, this is Over a Brew, with a reminder. You said you would come to {title}. "
        "It is {when}. The place is {where}. {listen}We hope to see you there."),
    "reminder_call_keys": (
        "To hear this again, press star. If you can no longer come, press 2. "
        "If you are still coming, you do not need to do anything."),
    "reminder_call_no": (
        "That is quite all right. Thank you for letting us know. We will not expect you at "
        "{title}. We will tell you about the next one. Take care. Goodbye."),
    "reminder_call_yes": "That is lovely. We look forward to seeing you. Goodbye.",
    "reminder_call_bye": "Thank you for listening. We hope to see you there. Goodbye.",
    "reminder_voicemail": (
        "Hello, this is Over a Brew, with a reminder. You said you would come to {title}. "
        "It is {when}. The place is {where}. We hope to see you there. Goodbye."),
    # Said on a cancellation call to someone who said yes or maybe and cannot get texts.
    "cancelled_call": (
        "Hello, this is Over a Brew. We are very sorry. We have had to cancel {title}. "
        "It was going to be {when}. The place was {where}. You do not need to do anything. "
        "We will tell you when the next session is planned."),
    "cancelled_call_keys": (
        "To hear this again, press star. There is nothing else you need to do."),
    "cancelled_call_bye": "Sorry again for the change of plans. Thank you for listening. Goodbye.",
    "cancelled_voicemail": (
        "Hello, this is Over a Brew. We are very sorry. We have had to cancel {title}. "
        "It was going to be {when}. You do not need to do anything. We will tell you when "
        "the next session is planned. Goodbye."),
    # Asked first when someone rings us and their latest invite is still a maybe, or not
    # answered at all (one question, three keys); then the questions go on as usual.
    "rsvp_ask_maybe": (
        "Hello, this is Over a Brew. First, one quick question. You said you might come to "
        "{title}. It is {when}. The place is {where}."),
    "rsvp_ask_new": (
        "Hello, this is Over a Brew. First, one quick question. We asked you to come to "
        "{title}. It is {when}. The place is {where}."),
    "rsvp_ask_keys": (
        "Can you come? Press 1 if you can come, 2 if you cannot come, or 3 to decide later. "
        "To hear this again, press star."),
    "rsvp_ask_later": "No problem. You can tell us later.",
}


def render_spoken(key: str, event: EventWords, when_said: str) -> str:
    """A spoken text about an event, with the time as a voice should say it."""
    return SPOKEN[key].format(title=event.title, when=when_said, where=event.where,
                              listen=_listen(event))


def render(key: str, event: EventWords, **extra: object) -> str:
    """A text about an event, with the details (if any) as their own sentence."""
    details = _sentence(event.details) + " " if event.details else ""
    return TEXTS[key].format(title=event.title, when=event.when, where=event.where,
                             details=details, listen=_listen(event), **extra).strip()


def _listen(event: EventWords) -> str:
    """The listen-in sentence and a space, for an event people can join by phone."""
    return LISTEN_IN + " " if event.by_phone else ""


def survey_reminder(answered: int, total: int) -> str:
    return TEXTS["survey_reminder"].format(answered=answered, total=total)


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
