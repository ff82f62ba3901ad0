"""The question set form: its fields read into a sheet, and checks put beside each field.

Field names follow where the checks say a text is: `q1.text`, `welcome.voice`,
`texts.help`; so a check's finding lands under the field it is about.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Mapping

from brewline.surveys import question_sets
from flows import loader, sheet
from flows.model import Text
from flows.readability import Finding, check_flow, encoding, sent_texts, sms_parts
from flows.sheet import CONSENTS, FIXED_STEPS, KINDS, Part, Question, Sheet
from flows.words import Catalogue

QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
# The set's own lines the page shows first (how to skip, pause or stop), then the rest.
MAIN_TEXTS = ("help", "help_voice", "skipped", "paused", "paused_voice")
LABELS = {
    "question_prefix": "Before each question ({n} is its number, {total} how many there are)",
    "help": "When someone asks for help: how to skip, pause or stop",
    "help_voice": "The same, on a phone call",
    "skipped": "After someone skips a question",
    "paused": "When someone takes a break (texts PAUSE)",
    "paused_voice": "The same, on a phone call",
    "no_match": "When a yes or no answer is not understood",
    "no_match_voice": "The same, on a phone call",
    "after_end": "When someone texts again after finishing",
    "after_end_voice": "The same, on a phone call",
    "take_your_time": "When someone sends an answer in several texts",
    "welcome_back": "When someone comes back after a break",
    "welcome_back_voice": "The same, on a phone call",
}
PART_LABELS = {
    sheet.WELCOME: "The welcome (the first text, which asks if they would like to start)",
    sheet.THANKS: "The thank you at the end",
    sheet.NOT_NOW: "If they say not now",
}


def label(key: str) -> str:
    return LABELS.get(key, key.replace("_", " ").capitalize())


# Reading the form.

def read(form, previous: Sheet) -> Sheet:
    """The sheet the form describes; what the form leaves out is kept from `previous`
    (translations, answer words), so the page never loses what it does not show."""
    order = [i for i in dict.fromkeys(form.getlist("order"))
             if QUESTION_ID.match(i) and i not in FIXED_STEPS]
    questions = tuple(_question(form, i, previous.question(i)) for i in order)
    asked = tuple(t for t in CONSENTS if form.get(f"{t}.ask")) if "consents" in form \
        else previous.consents
    return replace(
        previous, title=" ".join(form.get("title", previous.title).split())[:200],
        questions=questions, consents=asked,
        parts={name: _part(form, name, part) for name, part in previous.parts.items()},
        texts={key: _field_text(form, f"texts.{key}", text) or text
               for key, text in previous.texts.items()})


def _question(form, question_id: str, previous: Question | None) -> Question:
    old = previous or Question(question_id)
    kind = form.get(f"{question_id}.kind", old.kind)
    raw_options = form.get(f"{question_id}.options")
    options = old.options if raw_options is None else tuple(
        o.strip() for o in raw_options.splitlines() if o.strip())
    return Question(question_id, kind if kind in KINDS else old.kind,
                    _field_text(form, f"{question_id}.text", old.text) or sheet.en(""),
                    _optional(form, f"{question_id}.voice", old.voice),
                    _optional(form, f"{question_id}.why", old.why), options)


def _part(form, name: str, old: Part) -> Part:
    return replace(old, text=_field_text(form, f"{name}.text", old.text) or old.text,
                   voice=_optional(form, f"{name}.voice", old.voice),
                   no_match=_optional(form, f"{name}.no_match", old.no_match))


def _optional(form, name: str, old: Text | None) -> Text | None:
    raw = form.get(name)
    if raw is None:
        return old
    return _field_text(form, name, old) if raw.strip() else None


def _field_text(form, name: str, old: Text | None) -> Text | None:
    """A field's English words with the translations beside them (`<name>@<language>`):
    a translation left empty is taken away, so that line goes in English."""
    text = _text(form.get(name), old)
    if text is None:
        return None
    translations = dict(text.translations)
    for key in form:
        field_name, _, language = key.partition("@")
        if field_name == name and language and language != "en":
            words = form.get(key, "").replace("\r\n", "\n").strip()
            translations.pop(language, None)
            translations.update({language: words} if words else {})
    return Text(translations)


def _text(raw: str | None, old: Text | None) -> Text | None:
    """`raw` as the English words, keeping any translations of the old text."""
    if raw is None:
        return old
    # Only line breaks at the ends go: a space can matter ("Question 1 of 5: " + question).
    words = raw.replace("\r\n", "\n").strip("\n")
    return Text({**(old.translations if old else {}), "en": words})


# Checking it.

@dataclass
class Checked:
    """A sheet's findings and how each text travels, by field."""

    findings: dict[str, list[Finding]] = field(default_factory=dict)
    facts: dict[str, str] = field(default_factory=dict)
    general: list[Finding] = field(default_factory=list)  # not about one field

    @property
    def errors(self) -> list[Finding]:
        return [f for found in self.findings.values() for f in found if f.level == "error"] \
            + [f for f in self.general if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for found in self.findings.values() for f in found if f.level == "warning"] \
            + [f for f in self.general if f.level == "warning"]

    def to_json(self) -> dict:
        return {"fields": {name: [{"level": f.level, "message": f.message} for f in found]
                           for name, found in self.findings.items()},
                "facts": self.facts, "errors": len(self.errors), "warnings": len(self.warnings),
                "general": [{"level": f.level, "message": f.message} for f in self.general]}


def check(written: Sheet, set_id: str, price: float,
          languages: tuple[Catalogue, ...] = ()) -> Checked:
    """Every check `brewline flows check` makes, plus what is missing (words, and each
    translation into `languages`, which goes in English until it is written), by field."""
    filled_sheet, filled = sheet.checkable(written)
    checked = Checked()
    readability = [f for f in _readability(filled_sheet, set_id, checked, price)
                   if _field(f.where, written) not in filled]  # '?' stands in for no words yet
    fields = _fields(written)
    for finding in sheet.problems(written) + readability:
        name = _field(finding.where, written)
        if name in fields:
            checked.findings.setdefault(name, []).append(finding)
        else:
            checked.general.append(finding)
    checked.facts = {name: fact for name, fact in checked.facts.items()
                     if name in fields and name not in filled}
    for name, text in texts_of(written).items():
        checked.findings.setdefault(name, []).extend(_untranslated(name, text, languages))
    checked.findings = {name: found for name, found in checked.findings.items() if found}
    return checked


def texts_of(written: Sheet) -> dict[str, Text]:
    """Every text of a sheet with words, by its form field."""
    found = {f"texts.{key}": text for key, text in written.texts.items()}
    for q in written.questions:
        found |= {f"{q.id}.{part}": getattr(q, part) for part in ("text", "voice", "why")}
    for name, part in written.parts.items():
        found |= {f"{name}.{field_name}": getattr(part, field_name)
                  for field_name in ("text", "voice", "no_match")}
    return {name: text for name, text in found.items()
            if text is not None and (text.translations.get("en") or "").strip()}


def _untranslated(name: str, text: Text, languages: tuple[Catalogue, ...]) -> list[Finding]:
    return [Finding("warning", name, f"No {c.english_name} words yet: people who chose "
                                     f"{c.english_name} get the English.", "translation")
            for c in languages if not (text.translations.get(c.language) or "").strip()]


def _readability(filled: Sheet, set_id: str, checked: Checked, price: float) -> list[Finding]:
    try:
        flow = loader.build(sheet.to_data(filled, set_id, 1))
    except loader.FlowError as exc:
        return [Finding("error", "structure", problem) for problem in exc.problems]
    for sent in sent_texts(flow):
        if not sent.spoken and sent.language == "en" and not sent.problem:
            checked.facts[sent.where] = _cost(sent.text, price)
    return check_flow(flow)


def _cost(text: str, price: float) -> str:
    return (f"{sms_parts(text)}: about £{encoding(text).segments * price:.2f} to send to "
            "each person")


def _field(where: str, written: Sheet) -> str:
    """The form field a finding is about ('q1.text [en]' -> 'q1.text')."""
    name = where.split(" [")[0]
    step, _, part = name.partition(".")
    if written.question(step) is not None and part not in ("text", "voice", "why", "options",
                                                           "kind"):
        return f"{step}.text"  # the words made from its options: shown with the question
    return name


def _fields(written: Sheet) -> set[str]:
    names = {"title", "questions"} | {f"texts.{key}" for key in written.texts}
    names |= {f"{q.id}.{part}" for q in written.questions
              for part in ("text", "voice", "why", "options", "kind")}
    names |= {f"{name}.{part}" for name in written.parts for part in ("text", "voice", "no_match")}
    return names


# Findings in plain words, for lists of what to fix.

@dataclass(frozen=True)
class Problem:
    """A finding with the place it is about in plain words ("Question 2, on a phone call")."""

    level: str
    label: str
    message: str


SHORT_PARTS = {sheet.WELCOME: "The welcome", sheet.THANKS: "The thank you at the end",
               sheet.NOT_NOW: "The goodbye to someone who says not now",
               "title": "The title", "questions": "The questions", "structure": "The set"}
FIELD_WORDS = {"text": "", "voice": ", on a phone call", "why": ", why we ask",
               "no_match": ", when an answer is not understood",
               "no_match_voice": ", when an answer is not understood on a call",
               "options": ", its options", "kind": ""}


def described(findings: list[Finding], data) -> list[Problem]:
    """Findings as an organiser reads them, errors first."""
    numbers = {str(s.get("id")): s.get("number") for s in (data or {}).get("steps") or ()
               if isinstance(s, Mapping)}
    found = [Problem(f.level, _place(f.where, numbers), plain(f.message)) for f in findings]
    return sorted(found, key=lambda p: p.level != "error")


# A file's own words for its parts ("step 'value'", "flow") as the pages say them.
_FILE_WORDS = ((re.compile(r"\bsteps?\b"), "part"), (re.compile(r"\bflows?\b"), "question set"))


def plain(problem: str) -> str:
    """A problem found in a file, in the pages' words: a part of a question set, never a
    step of a flow."""
    for pattern, words in _FILE_WORDS:
        problem = pattern.sub(words, problem)
    return problem


def _place(where: str, numbers: dict) -> str:
    name, _, language = where.partition(" [")
    language = language.rstrip("]")
    step, _, part = name.partition(".")
    if step == "texts":
        place = label(part)
    elif numbers.get(step):
        place = f"Question {numbers[step]}" + FIELD_WORDS.get(part, f", {part}")
    elif step in CONSENTS:
        place = CONSENTS[step].label + FIELD_WORDS.get(part, f", {part}")
    else:
        place = SHORT_PARTS.get(step, f"'{step}'") + FIELD_WORDS.get(part, f", {part}" if part
                                                                     else "")
    return place + (f" ({language})" if language and language != "en" else "")


def draft_problems(data, set_id: str, price: float,
                   languages: tuple[Catalogue, ...] = ()) -> list[Problem]:
    """What a draft needs before publishing, and what is worth a look, in plain words:
    the page's own checks when the page can show it, else those of `brewline flows check`."""
    written = sheet.from_data(data)
    if written is None:
        return described(question_sets.findings(data), data)
    checked = check(written, set_id, price, languages)
    found = [f for fs in checked.findings.values() for f in fs] + checked.general
    return described(found, sheet.to_data(written, set_id, 1))
