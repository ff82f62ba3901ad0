"""A question set as organisers write it on a page: a title, questions, and its own lines.

The page edits a `Sheet`; `to_data` turns it into flow data (the same mapping a YAML file
holds, which `flows.loader.build` validates), and `from_data` reads flow data back into a
sheet, but only when the sheet would give exactly that flow again: a set written by hand
with branches the page cannot show stays a file, and is never changed by the page.

Each kind of question is a row in `KINDS`, and each question asked about consent (the
invite question) is a row in `CONSENTS`, so a new kind or a new consent question is one
entry more. A new sheet's own lines (the welcome, help, thanks...) come from the word
catalogues' `new_set` section in every shipped language, built when the sheet is made.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Mapping

from flows import loader
from flows.keywords import classify, normalise
from flows.model import Flow, Step, Text
from flows.readability import Finding
from flows.words import catalogues, org

MAX_OPTIONS = 9
MAX_OPTION_LENGTH = 60
# On a call keys 6 to 9 always mean something else (6 delete my data, 7 skip, 8 no texts,
# 9 slower), so options after the fifth are said rather than pressed.
MAX_KEYED_OPTIONS = 5
YES_NO_TEXT = " Reply YES or NO."
YES_NO_VOICE = " Say yes or press 1. Say no or press 2."
OPTIONS_TEXT = "Reply with the number."
# Steps every sheet has, besides its questions; question ids must not take these.
WELCOME, THANKS, NOT_NOW = "welcome", "thanks", "not_now"
YES_WORDS = ("yes", "y", "yeah", "yep", "ok", "okay", "sure", "yes please", "please do", "👍")
NO_WORDS = ("no", "n", "nope", "no thanks", "no thank you")
START_WORDS = ("yes", "y", "yeah", "yep", "ok", "okay", "sure", "go on", "go", "yes please",
               "start", "lets go", "👍")
NOT_NOW_WORDS = ("no", "n", "nope", "no thanks", "no thank you", "not today")


def en(words: str) -> Text:
    return Text({"en": words})


# A new set's own lines are in the word catalogues (flows/data/words/<language>.yaml,
# section `new_set`), so a new set starts translated and names the organisation from
# settings. Good defaults: an organiser may change any of them.
SECTION = "new_set"
# The set's shared lines, by their names in the flow and in the catalogues. {total} is the
# number of questions, {answered} how many are done: the flow fills those as it is sent.
SHARED_TEXTS = ("question_prefix", "help", "skipped", "paused", "no_match", "after_end",
                "take_your_time", "welcome_back", "help_voice", "paused_voice",
                "no_match_voice", "after_end_voice", "welcome_back_voice")


def default_line(key: str) -> Text:
    """A new set's line `key` in every shipped language that has it, with the
    organisation's values (from settings) filled in and the flow's own left for the flow."""
    found = {language: _with_org(catalogue.lines[f"{SECTION}.{key}"])
             for language, catalogue in catalogues().items()
             if f"{SECTION}.{key}" in catalogue.lines}
    if key == "question_prefix":
        # The catalogues keep no space at a line's end; the question follows this one.
        found = {language: line + " " for language, line in found.items()}
    return Text(found)


def _with_org(line: str) -> str:
    # Only the organisation's values: {total} and the like are the flow's, filled in as
    # each text is sent, so they stay placeholders here.
    for name, value in org().items():
        line = line.replace("{" + name + "}", value)
    return line


def default_texts() -> dict[str, Text]:
    """The shared lines a new set starts from, built now (settings may have changed)."""
    return {key: default_line(key) for key in SHARED_TEXTS}


@dataclass(frozen=True)
class Part:
    """One of the set's own messages that is a step: the welcome, a consent question, the
    thanks at the end, or the goodbye to someone who said not now."""

    text: Text
    voice: Text | None = None
    no_match: Text | None = None
    yes: tuple[str, ...] = ()  # words that mean yes (the welcome and consent questions)
    no: tuple[str, ...] = ()


def default_part(step: str, yes: tuple[str, ...] = (), no: tuple[str, ...] = ()) -> Part:
    """A step's default lines from the catalogues: `<step>`, `<step>_voice` and, for a
    question, `<step>_no_match`."""
    return Part(default_line(step), default_line(f"{step}_voice"),
                default_line(f"{step}_no_match") if yes else None,
                yes, no)  # "tak", "نعم"...: the engine takes each catalogue's yes and no


@dataclass(frozen=True)
class Consent:
    """A question about what a person agrees to (a row of CONSENTS)."""

    label: str  # what the page's checkbox says
    topic: str  # its step's id, and its lines' names in the catalogues

    @property
    def default(self) -> Part:
        """The question as a new set asks it, built now from the catalogues."""
        return default_part(self.topic, YES_WORDS, NO_WORDS)


CONSENTS: dict[str, Consent] = {
    "invites": Consent("Ask if they would like to hear about future sessions", "invites"),
    # Only answers from people who said yes here are ever quoted in public (the report).
    "quotes": Consent("Ask if we may share their words, without their name", "quotes"),
}
DEFAULT_CONSENTS = ("invites",)  # a new set asks these; the page can add the others


def default_parts() -> dict[str, Part]:
    """The steps a new set starts from besides its questions, built now."""
    return {WELCOME: default_part(WELCOME, START_WORDS, NOT_NOW_WORDS),
            THANKS: default_part(THANKS), NOT_NOW: default_part(NOT_NOW),
            **{topic: consent.default for topic, consent in CONSENTS.items()}}


FIXED_STEPS = frozenset({WELCOME, THANKS, NOT_NOW, *CONSENTS})


@dataclass(frozen=True)
class Question:
    """One question: its words, optional words for calls and why we ask, and its options."""

    id: str
    kind: str = "open"
    text: Text = field(default_factory=lambda: en(""))
    voice: Text | None = None
    why: Text | None = None
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    """A whole question set as the page shows it."""

    title: str
    questions: tuple[Question, ...] = ()
    parts: Mapping[str, Part] = field(default_factory=default_parts)
    texts: Mapping[str, Text] = field(default_factory=default_texts)
    consents: tuple[str, ...] = DEFAULT_CONSENTS  # the consent questions asked, in order
    offers_voucher: bool = False

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


def new(title: str) -> Sheet:
    """A new set: the default lines and one empty question to start from."""
    return Sheet(title=title, questions=(Question("q1"),))


# Each kind of question as flow data, and back.

def _plain_step(question: Question) -> dict:
    return {"kind": "open", "text": _out(question.text), **_optional(voice=question.voice)}


def _yes_no_step(question: Question) -> dict:
    spoken = question.voice or question.text
    return {"kind": "choice", "text": _out(_suffixed(question.text, YES_NO_TEXT)),
            "voice": _out(_suffixed(spoken, YES_NO_VOICE)),
            "choices": [_choice("yes", YES_WORDS, ["1"]), _choice("no", NO_WORDS, ["2"])]}


def _options_step(question: Question) -> dict:
    options = question.options
    listed = "\n" + "\n".join(f"{n} {o}" for n, o in enumerate(options, 1)) + "\n" + OPTIONS_TEXT
    spoken = question.voice or question.text
    keyed = min(len(options), MAX_KEYED_OPTIONS)
    return {"kind": "choice", "text": _out(_suffixed(question.text, listed)),
            "voice": _out(_suffixed(spoken, " " + _spoken_options(options))),
            "no_match": f"Sorry, I did not catch that. Please reply with a number from 1 to "
                        f"{len(options)}.",
            "no_match_voice": f"Sorry, I did not catch that. Please press a number from 1 to "
                              f"{keyed}, or say your answer.",
            "choices": [_choice(o, [str(n), o], [str(n)] if n <= MAX_KEYED_OPTIONS else [])
                        for n, o in enumerate(options, 1)]}


def _spoken_options(options: tuple[str, ...]) -> str:
    return " ".join(f"For {o}, press {n}." if n <= MAX_KEYED_OPTIONS else f"For {o}, say {o}."
                    for n, o in enumerate(options, 1))


def _read_plain(step: Step) -> Question | None:
    if step.kind != "open":
        return None
    return Question(step.id, "open", step.text, step.voice, step.why)


def _read_yes_no(step: Step) -> Question | None:
    if step.kind != "choice" or [c.value for c in step.choices] != ["yes", "no"]:
        return None
    text = _unsuffixed(step.text, YES_NO_TEXT)
    spoken = _unsuffixed(step.voice, YES_NO_VOICE) if step.voice else None
    return Question(step.id, "yes_no", text, None if spoken == text else spoken, step.why)


def _read_options(step: Step) -> Question | None:
    if step.kind != "choice" or not step.choices:
        return None
    options = tuple(c.value for c in step.choices)
    listed = "\n" + "\n".join(f"{n} {o}" for n, o in enumerate(options, 1)) + "\n" + OPTIONS_TEXT
    text = _unsuffixed(step.text, listed)
    spoken = _unsuffixed(step.voice, " " + _spoken_options(options)) if step.voice else None
    return Question(step.id, "choice", text, None if spoken == text else spoken, step.why,
                    options)


@dataclass(frozen=True)
class Kind:
    """A kind of question: what the page calls it, and how it becomes flow data and back."""

    label: str
    step: Callable[[Question], dict]
    read: Callable[[Step], Question | None]


KINDS: dict[str, Kind] = {
    "open": Kind("Open: they answer in their own words", _plain_step, _read_plain),
    "yes_no": Kind("Yes or no", _yes_no_step, _read_yes_no),
    "choice": Kind("One of a few options (up to 9)", _options_step, _read_options),
}


# Sheet -> flow data.

def to_data(sheet: Sheet, flow_id: str, version: int) -> dict:
    """The flow data (as in a YAML file) this sheet makes."""
    after = [q.id for q in sheet.questions] + list(sheet.consents) + [THANKS]
    steps = [_welcome(sheet, after[0])]
    for number, question in enumerate(sheet.questions, 1):
        step = {"id": question.id, **KINDS[question.kind].step(question), "number": number,
                **_optional(why=question.why)}
        steps.append(_route(step, after[number]))
    offset = len(sheet.questions) + 1
    steps += [_consent(sheet, topic, after[offset + i]) for i, topic in enumerate(sheet.consents)]
    steps += [_end(sheet, THANKS, "finished"), _end(sheet, NOT_NOW, "declined")]
    data = {"id": flow_id, "version": version, "title": sheet.title, "start": WELCOME,
            "texts": {k: _out(v) for k, v in sheet.texts.items()}, "steps": steps}
    if sheet.offers_voucher:
        data["offers_voucher"] = True
    return data


def _welcome(sheet: Sheet, first: str) -> dict:
    part = sheet.parts[WELCOME]
    return {"id": WELCOME, "kind": "choice", **_part_texts(part),
            "choices": [_choice("yes", part.yes, ["1"], first),
                        _choice("no", part.no, ["2"], NOT_NOW)], "next": first}


def _consent(sheet: Sheet, topic: str, following: str) -> dict:
    part = sheet.parts[topic]
    return {"id": topic, "kind": "choice", "consent": topic, **_part_texts(part),
            "choices": [_choice("yes", part.yes, ["1"], following),
                        _choice("no", part.no, ["2"], following)], "next": following}


def _end(sheet: Sheet, step_id: str, outcome: str) -> dict:
    step = {"id": step_id, "kind": "end", **_part_texts(sheet.parts[step_id])}
    return step | ({"outcome": outcome} if outcome != "finished" else {})


def _route(step: dict, following: str) -> dict:
    for choice in step.get("choices", ()):
        choice["next"] = following
    return step | {"next": following}


def _part_texts(part: Part) -> dict:
    return {"text": _out(part.text), **_optional(voice=part.voice, no_match=part.no_match)}


def _choice(value: str, words, digits, following: str = "") -> dict:
    return {"value": value, "words": list(words), "digits": list(digits), "next": following}


def _optional(**texts: Text | None) -> dict:
    return {k: _out(v) for k, v in texts.items() if v is not None and v.translations.get("en")}


def _out(text: Text) -> str | dict:
    """A text as YAML holds it: a plain string when it is English only."""
    if set(text.translations) == {"en"}:
        return text.translations["en"]
    return dict(text.translations)


def _suffixed(text: Text, suffix: str) -> Text:
    # Only the English words get the answer instructions; a translation is written whole.
    return Text({**text.translations, "en": text.translations.get("en", "") + suffix})


def _unsuffixed(text: Text, suffix: str) -> Text:
    words = text.translations.get("en", "")
    if not words.endswith(suffix):
        raise _NotASheet(f"'{words[-30:]}' lacks '{suffix.strip()[:30]}'")
    return Text({**text.translations, "en": words[:-len(suffix)]})


# Flow -> sheet.

class _NotASheet(ValueError):
    """A flow whose shape the page cannot show."""


def from_data(data) -> Sheet | None:
    """The sheet that makes exactly this flow data (a draft may be unfinished), or None
    when the page cannot edit it (a set written by hand with branches, say)."""
    try:
        flow = loader.unchecked(data)
        sheet = _read(flow)
        again = loader.unchecked(to_data(sheet, flow.id, flow.version))
    except (_NotASheet, loader.FlowError, KeyError, IndexError, TypeError, ValueError):
        return None
    return sheet if again == flow else None


def _read(flow: Flow) -> Sheet:
    welcome = flow.step(WELCOME)
    if flow.start != WELCOME or [c.value for c in welcome.choices] != ["yes", "no"]:
        raise _NotASheet("no welcome with yes and no")
    questions, consents, current = [], [], welcome.choices[0].next
    while current != THANKS:
        if len(questions) + len(consents) > len(flow.steps):
            raise _NotASheet("the questions go round in a circle")
        step = flow.step(current)
        if step.consent in CONSENTS and step.id == step.consent:
            consents.append(step.consent)
        else:
            questions.append(_question(step))
        current = step.next
    parts = {WELCOME: _part(welcome), THANKS: _part(flow.step(THANKS)),
             NOT_NOW: _part(flow.step(NOT_NOW))}
    parts |= {topic: _part(flow.step(topic)) if topic in consents else CONSENTS[topic].default
              for topic in CONSENTS}
    return Sheet(flow.title, tuple(questions), parts, dict(flow.texts), tuple(consents),
                 flow.offers_voucher)


def _question(step: Step) -> Question:
    # The first kind that reads it; the whole sheet is checked against the flow afterwards.
    for kind in KINDS.values():
        try:
            found = kind.read(step)
        except _NotASheet:
            continue
        if found is not None:
            return found
    raise _NotASheet(f"question '{step.id}' is of no kind the page knows")


def _part(step: Step) -> Part:
    words = [c.words for c in step.choices]
    return Part(step.text, step.voice, step.no_match, *(tuple(w) for w in words[:2]))


# Changes the page makes.

def next_id(sheet: Sheet, taken: set[str] = frozenset()) -> str:
    """A question id not used in this sheet nor in `taken` (earlier versions)."""
    used = {q.id for q in sheet.questions} | set(taken) | FIXED_STEPS
    numbers = [int(i[1:]) for i in used if i[:1] == "q" and i[1:].isdigit()]
    return f"q{max(numbers, default=0) + 1}"


def add_question(sheet: Sheet, taken: set[str] = frozenset()) -> Sheet:
    return replace(sheet, questions=sheet.questions + (Question(next_id(sheet, taken)),))


def remove_question(sheet: Sheet, question_id: str) -> Sheet:
    return replace(sheet, questions=tuple(q for q in sheet.questions if q.id != question_id))


def move_question(sheet: Sheet, question_id: str, by: int) -> Sheet:
    """Move a question up (-1) or down (+1); at either end it stays where it is."""
    order = list(sheet.questions)
    index = next((i for i, q in enumerate(order) if q.id == question_id), None)
    if index is None or not 0 <= index + by < len(order):
        return sheet
    order[index], order[index + by] = order[index + by], order[index]
    return replace(sheet, questions=tuple(order))


# What the page must fix before the set can be published, by field.

def problems(sheet: Sheet) -> list[Finding]:
    """Things missing or that cannot work, named by the field they belong to."""
    found = [] if sheet.title.strip() else [
        Finding("error", "title", "give the question set a title")]
    if not sheet.questions:
        found.append(Finding("error", "questions", "add at least one question"))
    for number, question in enumerate(sheet.questions, 1):
        found += _question_problems(number, question)
    for name, part in sheet.parts.items():
        if (name not in CONSENTS or name in sheet.consents) and not _words(part.text):
            found.append(Finding("error", f"{name}.text", "write the words for this message"))
    found += [Finding("error", f"texts.{key}", "write the words for this message")
              for key in loader.REQUIRED_TEXTS if not _words(sheet.texts.get(key))]
    return found


def _question_problems(number: int, question: Question) -> list[Finding]:
    where = question.id
    found = [] if _words(question.text) else [
        Finding("error", f"{where}.text", "write the question")]
    if question.kind not in KINDS:
        found.append(Finding("error", f"{where}.kind", "choose what kind of answer it takes"))
    if question.kind == "choice":
        found += _option_problems(where, question.options)
    return found


def _option_problems(where: str, options: tuple[str, ...]) -> list[Finding]:
    found = []
    if len(options) < 2:
        found.append(Finding("error", f"{where}.options", "give at least 2 options, one on each line"))
    if len(options) > MAX_OPTIONS:
        found.append(Finding("error", f"{where}.options",
                             f"{len(options)} options: keep to {MAX_OPTIONS} at most"))
    plain = [normalise(o) or o for o in options]
    for option in sorted({o for o, p in zip(options, plain) if plain.count(p) > 1}):
        found.append(Finding("error", f"{where}.options", f"'{option}' is there twice"))
    for option in options:
        if len(option) > MAX_OPTION_LENGTH:
            found.append(Finding("error", f"{where}.options", f"'{option[:20]}...' is long: "
                                 f"keep each option to {MAX_OPTION_LENGTH} characters"))
        elif classify(option) is not None:
            found.append(Finding("error", f"{where}.options", f"'{option}' already means "
                                 "something when texted (like SKIP or STOP): use other words"))
    return found


def _words(text: Text | None) -> str:
    return (text.translations.get("en") or "").strip() if text else ""


def checkable(sheet: Sheet) -> tuple[Sheet, set[str]]:
    """The sheet with every empty text filled with '?' (and a choice question given two
    options), so the texts written so far can be checked while others are still empty;
    and the fields so filled, whose findings mean nothing."""
    filled: set[str] = set()

    def fill(text: Text | None, where: str) -> Text:
        if _words(text):
            return text
        filled.add(where)
        return Text({**(text.translations if text else {}), "en": "?"})

    questions = tuple(replace(
        q, text=fill(q.text, f"{q.id}.text"),
        options=q.options if len(q.options) >= 2 or q.kind != "choice" else ("?", "??"))
        for q in sheet.questions)
    parts = {name: replace(part, text=fill(part.text, f"{name}.text"))
             for name, part in sheet.parts.items()}
    texts = {key: fill(sheet.texts.get(key), f"texts.{key}")
             for key in set(sheet.texts) | set(loader.REQUIRED_TEXTS)}
    return replace(sheet, questions=questions, parts=parts, texts=texts), filled
