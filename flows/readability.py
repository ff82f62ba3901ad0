"""Readability checks for texts people receive: encoding, length, jargon, sentences and
reading level."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import textstat

from flows.model import Flow

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")
CURLY = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
         "\u2014": "-", "\u2026": "..."}
MAX_SEGMENTS = 2
# A language whose letters GSM-7 lacks (Polish, Arabic) goes as UCS-2, 67 characters a part
# instead of 153, so its texts may take one part more.
MAX_SEGMENTS_UCS2 = 3
MAX_SENTENCE_WORDS = 20
# Flesch-Kincaid grade, as textstat measures it: grade 5 is about a reading age of 10, and
# GOV.UK writes for a reading age of 9. Every line Brewline ships is held at or below it.
MAX_GRADE = 5.0
# Words the seed asks us to avoid, or to explain whenever used.
JARGON = (
    "co-production", "coproduction", "co production", "coproduce", "co-produce",
    "commissioning", "commissioner", "commissioners", "stakeholder", "stakeholders",
    "tor", "tors", "terms of reference", "mou", "mous", "memorandum of understanding",
    "engagement", "engage", "service user", "service users", "deliverables", "outcomes",
    "framework", "leverage", "holistic", "synergy", "best practice", "capacity building",
    "paradigm", "oab", "copro", "charter", "pledge", "tokenism", "tokenistic", "evaluation",
    "modality", "cohort", "utilise", "facilitate", "facilitator", "signpost", "signposting",
)
_JARGON_RE = re.compile(r"\b(" + "|".join(re.escape(j) for j in JARGON) + r")\b", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+")
SAMPLE_VALUES = {"total": 5, "answered": 5, "left": 5, "n": 5}
# A step's texts, as `flow_texts` names them ("<step>.<field>").
STEP_TEXTS = ("text", "no_match", "voice", "why", "no_match_voice")


@dataclass(frozen=True)
class Finding:
    """One problem with one text; errors stop a flow from shipping."""

    level: str  # "error" | "warning"
    where: str
    message: str
    # What kind of problem, so a page can say it in an organiser's words:
    # curly | characters | length | jargon | sentence | reading | placeholder | other
    kind: str = "other"


@dataclass(frozen=True)
class Encoding:
    """How a text travels as SMS."""

    name: str  # "GSM-7" | "UCS-2"
    segments: int
    units: int


def encoding(text: str) -> Encoding:
    """The SMS encoding and segment count of a text."""
    if all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text):
        units = sum(2 if c in GSM7_EXTENDED else 1 for c in text)
        return Encoding("GSM-7", 1 if units <= 160 else math.ceil(units / 153), units)
    units = len(text.encode("utf-16-le")) // 2
    return Encoding("UCS-2", 1 if units <= 70 else math.ceil(units / 67), units)


def max_segments(text: str, language: str = "en") -> int:
    """How many SMS parts a text may take: 2, or 3 for a language that needs UCS-2."""
    if language.startswith("en") or encoding(text).name == "GSM-7":
        return MAX_SEGMENTS
    return MAX_SEGMENTS_UCS2


def errors_in(findings: list[Finding]) -> list[Finding]:
    """The findings that stop a text from being sent."""
    return [f for f in findings if f.level == "error"]


def text_lines(text: str) -> list[str]:
    """A text as a dry run prints it: how it travels as SMS, then the text itself."""
    enc = encoding(text)
    return [f"Text ({enc.name}, {enc.segments} SMS segment(s), {enc.units} characters):",
            "", text, ""]


def finding_lines(findings: list[Finding]) -> list[str]:
    """Findings as a dry run prints them, or that the text reads well."""
    return [f"{f.level}: {f.message}" for f in findings] or ["readability: ok"]


def check_text(text: str, where: str, language: str = "en", spoken: bool = False) -> list[Finding]:
    """Every readability finding for one text as it will be sent (or said, on a call)."""
    findings = _encoding_findings(text, where, language, spoken)
    findings += [Finding("warning", where, f"jargon: '{w}' - say it in plain words", "jargon")
                 for w in sorted({m.lower() for m in _JARGON_RE.findall(text)})]
    findings += [Finding("warning", where, f"long sentence ({n} words): '{s[:40]}...'",
                         "sentence")
                 for s, n in _long_sentences(text)]
    return findings + _level_findings(text, where, language)


def reading_grade(text: str) -> float:
    """How hard `text` is to read: its Flesch-Kincaid grade, measured by textstat.

    Grade 5 is about a reading age of 10; short sentences and short words bring it down.
    """
    return float(textstat.flesch_kincaid_grade(text)) if text.strip() else 0.0


def _level_findings(text: str, where: str, language: str) -> list[Finding]:
    # The formula counts English syllables, so other languages are not measured.
    grade = reading_grade(text) if language.startswith("en") else 0.0
    if grade <= MAX_GRADE:
        return []
    return [Finding("warning", where, f"reading level: grade {grade:.1f} (Flesch-Kincaid); "
                    f"keep to {MAX_GRADE:g} or below with shorter sentences and words",
                    "reading")]


def _encoding_findings(text: str, where: str, language: str, spoken: bool) -> list[Finding]:
    found, enc = [], encoding(text)
    odd = sorted({c for c in text if c not in GSM7_BASIC and c not in GSM7_EXTENDED})
    curly = [c for c in odd if c in CURLY]
    if curly:
        found.append(Finding("error", where, "curly quotes or dashes: use "
                             + " ".join(f"{CURLY[c]!r} for {c!r}" for c in curly), "curly"))
    # Another language's own letters and marks are expected; emoji and symbols never are.
    others = [c for c in odd if c not in CURLY and (language.startswith("en") or ord(c) >= 0x2190)]
    if others:
        level = "error" if language == "en" else "warning"
        kinds = ", ".join(_describe(c) for c in others)
        found.append(Finding(level, where, "characters that make a text cost more and may not "
                                           f"show on every phone: {kinds}", "characters"))
    # Spoken texts are never sent as SMS, so only their words are checked, not their length.
    most = max_segments(text, language)
    if enc.segments > most and not spoken:
        found.append(Finding("error", where, f"{enc.segments} SMS parts: make it shorter, "
                                             f"to {most} parts at most", "length"))
    return found


def _describe(char: str) -> str:
    return f"emoji {char}" if ord(char) >= 0x2190 else f"{char!r} (U+{ord(char):04X})"


def _long_sentences(text: str):
    for sentence in _SENTENCE_END.split(text.strip()):
        words = len(sentence.split())
        if words > MAX_SENTENCE_WORDS:
            yield sentence, words


def flow_texts(flow: Flow):
    """(where, language, text) for every text a person can receive from a flow."""
    for key, text in flow.texts.items():
        for language, template in text.translations.items():
            yield f"texts.{key}", language, template
    for step in flow.steps.values():
        for field_name in STEP_TEXTS:
            text = getattr(step, field_name)
            for language, template in (text.translations.items() if text else ()):
                yield f"{step.id}.{field_name}", language, template


def _why_line(step, language: str) -> str:
    """A question's "why we ask" line, as the engine adds it to the question's text."""
    why = step.why.translations.get(language) if step.why else None
    try:
        return f"\n{why.format(**SAMPLE_VALUES)}" if why else ""
    except (KeyError, IndexError, ValueError):
        return f"\n{why}"  # reported against the why line itself


def sms_parts(text: str) -> str:
    """How a text travels, in plain words: '1 SMS part, 120 characters'."""
    enc = encoding(text)
    return (f"{enc.segments} SMS part{'' if enc.segments == 1 else 's'}, {enc.units} "
            f"character{'' if enc.units == 1 else 's'}"
            + ("" if enc.name == "GSM-7" else ", with characters that cost more"))


@dataclass(frozen=True)
class Sent:
    """One text of a flow as a person gets it (or hears it, when `spoken`)."""

    where: str  # "<step>.<field>" or "texts.<key>"
    language: str
    text: str
    spoken: bool
    problem: str | None = None  # a placeholder that cannot be filled in


def _placeholder(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return (f"bad placeholder: {{{exc.args[0]}}} is not one we fill in: use {{total}}, "
                "{answered} or {left}, or take away the { }")
    return "bad placeholder: a { or } on its own, or around a number: take it away"


def sent_texts(flow: Flow) -> list[Sent]:
    """Every text of a flow rendered as people get it: a question with its "Question 1 of
    5: " and its why-we-ask line, placeholders filled with sample numbers."""
    found = []
    for where, language, template in flow_texts(flow):
        prefix = flow.texts["question_prefix"].render(language, **SAMPLE_VALUES)
        spoken = where.endswith("voice")
        try:
            text = template.format(**SAMPLE_VALUES)
        except (KeyError, IndexError, ValueError) as exc:
            found.append(Sent(where, language, template, spoken, _placeholder(exc)))
            continue
        if where.endswith(".text") and flow.step(where.split(".")[0]).number:
            text = prefix + text + _why_line(flow.step(where.split(".")[0]), language)
        found.append(Sent(where, language, text, spoken))
    return found


def check_flow(flow: Flow) -> list[Finding]:
    """Readability findings for every text of a flow, rendered as people see them."""
    findings: list[Finding] = []
    for sent in sent_texts(flow):
        if sent.problem:
            findings.append(Finding("error", sent.where, sent.problem, "placeholder"))
            continue
        where = f"{sent.where} [{sent.language}]"
        findings += check_text(sent.text, where, sent.language, sent.spoken)
        if sent.where.endswith(".text") and flow.step(sent.where.split(".")[0]).number:
            prefix = flow.texts["question_prefix"].render(sent.language, **SAMPLE_VALUES)
            findings += _question_parts(sent.text, prefix, where, sent.language)
    return findings


@dataclass(frozen=True)
class Translated:
    """One text of a flow across languages: its SMS parts in each language it has (None
    when heard, not texted), and the languages it is missing in (sent in English)."""

    where: str
    parts: dict[str, tuple[int, str] | None]  # language -> (parts, "GSM-7" | "UCS-2")
    missing: tuple[str, ...]


def translations(flow: Flow, languages: tuple[str, ...]) -> list[Translated]:
    """Every text of a flow, with its parts per language and its missing translations."""
    by_where: dict[str, dict[str, Sent]] = {}
    for sent in sent_texts(flow):
        by_where.setdefault(sent.where, {})[sent.language] = sent
    return [Translated(where, {language: None if sent.spoken or sent.problem else
                               (encoding(sent.text).segments, encoding(sent.text).name)
                               for language, sent in found.items()},
                       tuple(code for code in languages if code not in found))
            for where, found in by_where.items()]


def _question_parts(text: str, prefix: str, where: str, language: str = "en") -> list[Finding]:
    """A question should fit in one SMS part with its number in front, where words allow
    (two in a language whose letters need UCS-2, 67 characters a part)."""
    parts = encoding(text).segments
    ideal = 1 if max_segments(text, language) == MAX_SEGMENTS else MAX_SEGMENTS
    if parts <= ideal or parts > max_segments(text, language):
        return []  # over the most is an error already
    return [Finding("warning", where, f"this question is {parts} SMS parts with "
                    f"'{prefix.strip()}' in front; one part costs less and is easier to read",
                    "length")]
