"""Every line a participant reads or hears, measured: Flesch-Kincaid grade 5 or below (textstat),
sentences of 20 words or fewer, plain words, and every question in one SMS part.

The lines are found, not listed by hand: every module-level constant under flows/ and
brewline/ that holds sentences is either a catalogue of participant words rendered here
with realistic values (a long event title, a real place, a date, a voucher's value) or
named below as words for organisers. A new catalogue fails the test until it is one or
the other. Then whole journeys by text and by phone go through the webhooks, and every
<Message> and <Say> they produce is measured too.
"""
from __future__ import annotations

import ast
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable, Iterator
from zoneinfo import ZoneInfo

import pytest

from brewline.texts import wording
from brewline.vouchers import claims
from brewline.vouchers.models import VoucherClaim, VoucherCode, VoucherPool
from flows import invites, sheet, words
from flows.invites import (
    EventWords,
    relative_when,
    render,
    render_spoken,
    spoken_when,
    when,
)
from flows.loader import DATA_DIR, Registry
from flows.readability import (
    MAX_GRADE,
    check_flow,
    check_text,
    encoding,
    flow_texts,
    max_segments,
    reading_grade,
    sent_texts,
    translations,
)
from tests.calls.phone import PhoneCall
from tests.texts.test_sms_webhook import replies
from tests.vouchers.conftest import pools  # noqa: F401 (fixture)
from tests.vouchers.test_by_text import finish_survey, load_pool

ROOT = Path(__file__).resolve().parent.parent
LONDON = ZoneInfo("Europe/London")
# Realistic values: the seed session's long title, a real place, dates as we write them.
EVENT = EventWords(title="The ethical use of AI and digital technology",
                   when="Thursday 26 June at 2pm", where="Whitley Bay Library, Park Road",
                   details="Tea, cake and bus fares paid.")
SPOKEN_WHEN = spoken_when(datetime(2026, 6, 26, 14, 0, tzinfo=LONDON),
                          datetime(2026, 6, 25, 10, 0, tzinfo=LONDON))
VALUES = {"value": "£10 Tesco gift card", "place": 3, "total": 5, "answered": 2, "n": 3,
          "left": "2 questions", "day": "31 December 2027", "relative": "tomorrow at 2pm",
          "options": "1 for a £10 Tesco gift card, 2 for a £10 Boots gift card",
          "words": "questions about the ethical use of AI", "key": 2}


SAMPLE = VALUES | {
    "title": EVENT.title, "when": EVENT.when, "where": EVENT.where,
    "details": "Tea, cake and bus fares paid. ", "code": "TES-4821-9930", "pin": "4321",
    "keyword": "BUSES", "other": "Buses and trains",
    "listed": 'BUSES for "Buses and trains", or HEALTH for "Your doctor"'}
# A question set's title is shorter than an event's.
SAMPLE_IN = {"finished": {"title": "Buses and trains"},
             # What organisers did about a theme, and the yearly report's figures.
             "we_did": {"theme": "buses", "what": "got the bus company to run a later bus"},
             "yearly_report": {"year": 2026, "people": 117, "sessions": 12, "vouchers": 40,
                               "value": "£400", "ways": "by text (79), by phone call (33), "
                               "in the room (71)", "themes": "buses, parks, housing",
                               "theme": "buses", "what": "got the bus company to run a later bus"}}
# Catalogue sections heard on a call rather than read (and privacy's spoken_* lines).
SPOKEN_SECTIONS = {"voice", "event_calls", "invite_call", "reminder_call", "cancelled_call",
                   "voucher_call", "voucher_call_explain", "live"}


def is_spoken(key: str) -> bool:
    section, _, name = key.partition(".")
    return (section in SPOKEN_SECTIONS or name.startswith("spoken")
            or name.startswith(("invite_call", "rsvp_call", "invite_voicemail"))
            or (section == "new_set" and name.endswith("_voice")))  # a new set's call lines


def rendered_catalogue(language: str) -> dict[str, str]:
    """Every line of a language's catalogue with realistic values (a spoken date when heard)."""
    lines = words.catalogues()[language].lines
    return {key: words.words(key, language, **_sample(key)) for key in lines}


def _sample(key: str) -> dict:
    heard = {"when": SPOKEN_WHEN} if key.partition(".")[0] in SPOKEN_SECTIONS else {}
    return SAMPLE | heard | SAMPLE_IN.get(key.partition(".")[0], {})


def _composed() -> dict[str, str]:
    """Lines put together from several catalogue lines, as they are sent."""
    pool = VoucherPool(name="tesco", value="£10 Tesco gift card")
    code = VoucherCode(code="TES-4821-9930", pin="4321", expires_on=date(2027, 12, 31))
    issued = claims.Issued(pool, code, VoucherClaim())
    others = [("BUSES", "Buses and trains"), ("HEALTH", "Your doctor")]
    return {"code_text": claims.code_text(issued),
            "finished_none": wording.finished_words("Buses", []),
            "finished_one": wording.finished_words("Buses", others[:1]),
            "finished_many": wording.finished_words("Buses", others),
            "invite": render("invite", EVENT, relative="tomorrow at 2pm"),
            "survey_reminder": invites.survey_reminder(2, 5)} | _by_phone()


# The long title and the extra sentence leave no room for one more sentence in two SMS
# parts: an organiser asking for both is told to shorten the invite (invite_words.py).
BY_PHONE = EventWords(**{**EVENT.__dict__, "details": None, "by_phone": True})


def _by_phone() -> dict[str, str]:
    """The lines of an event people can ring into, with the listen-in sentence (the
    spoken ones are measured as heard by catalogue_lines(): "spoken" in their key)."""
    texts = {f"{key} by phone": render(key, BY_PHONE, relative="tomorrow at 2pm")
             for key in ("invite", "rsvp_yes", "reminder")}
    texts |= {f"spoken {key} by phone": render(key, BY_PHONE)
              for key in ("invite_call", "rsvp_call_yes")}
    texts["spoken reminder_call by phone"] = render_spoken("reminder_call", BY_PHONE,
                                                           SPOKEN_WHEN)
    listen = words.words("invites.listen_in")
    assert all(listen in text for text in texts.values())
    return texts


def _sheet_texts() -> dict[str, str]:
    return {"YES_NO_TEXT": sheet.YES_NO_TEXT.strip(), "OPTIONS_TEXT": sheet.OPTIONS_TEXT}


# Each catalogue of participant words in Python: how to render it, and whether it is heard
# (spoken) rather than read. Keys are "path:NAME" as the source tree is searched. Every
# other participant line is in the language catalogues, flows/data/words/<language>.yaml.
CATALOGUES: dict[str, tuple[Callable[[], dict[str, str]], bool]] = {
    # A new set's own lines are in the catalogues (section new_set); these are added to
    # questions of a kind (only the English words get them).
    "flows/sheet.py:YES_NO_TEXT": (_sheet_texts, False),
    "flows/sheet.py:OPTIONS_TEXT": (lambda: {}, False),  # measured with YES_NO_TEXT
}
# Sentences for organisers or the terminal, not for participants.
NOT_FOR_PARTICIPANTS = {
    "brewline/privacy/delete_my_data.py:TRANSCRIPT",  # shown on the Answers page
    "brewline/cli/chat_voice.py:HELP",
    "brewline/cli/chat.py:TWILIO_ANSWERS",  # a note for whoever tries it in the terminal
    "brewline/events/editing.py:FIELDS",  # the event form's labels
    "brewline/events/scheduled.py:RACED",  # why a scheduled send stopped, for organisers
    "brewline/live/words.py:PAGE",  # the live page's notices, for organisers
    "brewline/cli/chat_voice.py:IN_ROOM",  # the terminal's note that the call is in the room
    "brewline/themes/embedding.py:HOW_TO_TURN_ON",  # on the themes page, for organisers
    "brewline/cli/demo_words.py:ANSWERS",  # made-up answers, as participants write them
}
NOT_FOR_PARTICIPANTS_UNDER = (
    "brewline/organiser/",
    "brewline/delivery/explained.py",  # what happened to a text, in words for organisers
)
_SENTENCE = re.compile(r"[A-Za-z]+(?: [A-Za-z',]+){2,}[.!?]")


def constants_with_sentences() -> Iterator[str]:
    """'path:NAME' for every module-level UPPER_CASE constant that holds a sentence."""
    for top in ("flows", "brewline", "workers"):
        for path in sorted((ROOT / top).rglob("*.py")):
            for name, value in _constants(ast.parse(path.read_text())):
                texts = [n.value for n in ast.walk(value)
                         if isinstance(n, ast.Constant) and isinstance(n.value, str)]
                if any(_SENTENCE.search(t) for t in texts):
                    yield f"{path.relative_to(ROOT)}:{name}"


def _constants(tree: ast.Module):
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name) and target.id.lstrip("_").isupper():
                    yield target.id, statement.value
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            if statement.target.id.lstrip("_").isupper() and statement.value is not None:
                yield statement.target.id, statement.value


def test_every_catalogue_of_sentences_is_measured_here_or_named_as_for_organisers():
    found = set(constants_with_sentences())
    unknown = {c for c in found - set(CATALOGUES) - NOT_FOR_PARTICIPANTS
               if not c.startswith(NOT_FOR_PARTICIPANTS_UNDER)}
    assert unknown == set(), "add these to CATALOGUES (participant words) or name them"
    assert set(CATALOGUES) <= found  # each catalogue here is still in the source


def catalogue_lines() -> list[tuple[str, str, bool]]:
    lines = [(f"en.yaml[{key}]", text, is_spoken(key))
             for key, text in rendered_catalogue("en").items()]
    lines += [(f"composed[{key}]", text, key.startswith("spoken"))
              for key, text in _composed().items()]
    for name, (rendered, spoken) in CATALOGUES.items():
        for key, text in rendered().items():
            heard = spoken or key.startswith("spoken")
            lines.append((f"{name}[{key}]", text, heard))
    return lines


def flow_lines() -> list[tuple[str, str, bool]]:
    """Every text of every shipped question set, questions with their number in front."""
    lines = []
    for flow in Registry.from_dir(DATA_DIR):
        prefix = flow.texts["question_prefix"].render("en", n=3, total=flow.total_questions)
        for where, language, template in flow_texts(flow):
            if language != "en" or where == "texts.question_prefix":
                continue
            text = template.format(**VALUES)
            step = where.split(".")[0]
            if where.endswith(".text") and step in flow.steps and flow.step(step).number:
                text = prefix + text
            spoken = where.endswith((".voice", "_voice"))
            lines.append((f"{flow.id}:{where}", text, spoken))
    return lines


LINES = catalogue_lines() + flow_lines()


def problems(text: str, where: str, spoken: bool) -> list[str]:
    """What check_text finds (reading level, long sentences, jargon, characters)."""
    return [f.message for f in check_text(text, where, spoken=spoken)]


@pytest.mark.parametrize("where, text, spoken", LINES, ids=[w for w, _, _ in LINES])
def test_every_line_reads_at_grade_5_or_below_in_short_plain_sentences(where, text, spoken):
    assert "{" not in text, "a placeholder was left unfilled"
    assert reading_grade(text) <= MAX_GRADE, (round(reading_grade(text), 1), text)
    assert problems(text, where, spoken) == [], text


def test_the_measure_is_not_empty_and_covers_texts_and_spoken_lines():
    assert len(LINES) > 140
    assert {spoken for _, _, spoken in LINES} == {True, False}


def test_every_question_fits_in_one_sms_part_with_its_number_in_front():
    questions = [(w, t) for w, t, spoken in flow_lines() if t.startswith("Question ")]
    assert len(questions) == 5
    assert [(w, encoding(t).segments) for w, t in questions] == [(w, 1) for w, _ in questions]


def test_the_worst_line_of_the_old_wording_is_now_short_and_plain():
    text = render("rsvp_yes", EVENT)
    assert reading_grade(text) <= MAX_GRADE
    assert max(len(s.split()) for s in re.split(r"(?<=[.!?])\s+", text)) <= 20


# Whole journeys through the webhooks: every <Message> and <Say> as sent.

def said_lines(twiml) -> list[str]:
    """Each <Say> as heard; a spelled-out code is left out (it is characters, not words)."""
    found = []
    for say in twiml.says:
        spelled = "".join(s.text or "" for s in say.iter("say-as"))
        words = " ".join(" ".join(say.itertext()).split())
        found.append(words.replace(" ".join(spelled), "").strip() if spelled else words)
    return [line for line in found if line]


def assert_all_read_easily(lines: list[tuple[str, bool]]) -> None:
    hard = [(round(reading_grade(text), 1), text) for text, spoken in lines
            if reading_grade(text) > MAX_GRADE or problems(text, "journey", spoken)]
    assert hard == []


def test_every_text_of_a_survey_a_voucher_and_a_change_of_mind_reads_easily(twilio, pools):
    load_pool(pools, value="£10 Tesco gift card")
    sent = []
    for body in ("hi", "yes", "The tea", "PAUSE", "Hi, I'm back", "HELP", "skip", "REPEAT",
                 "Listen to us", "More buses"):
        sent += replies(twilio.text(body))
    sent += finish_survey(twilio, sender="+447700900555")
    for body in ("voucher please", "delete my data", "no, keep going", "stop texting me",
                 "delete my data"):
        sent += replies(twilio.text(body, sender="+447700900555"))
    assert len(sent) > 15
    assert_all_read_easily([(text, False) for text in sent])


def test_every_line_of_a_call_with_help_a_voucher_and_a_change_of_mind_reads_easily(
        twilio, pools):
    load_pool(pools, value="£10 Tesco gift card")
    call = PhoneCall(twilio)
    heard = [call.ring(), call.press("0"), call.press("9"), call.press("1")]
    for n in range(5):
        heard += [call.record(seconds=5 + n), call.press("1")]
    heard.append(call.say("Yes please."))
    heard += [call.post(heard[-1].redirect), call.press("1"), call.press("*")]
    again = PhoneCall(twilio)
    heard += [again.ring(), again.post(again.last.redirect)]
    other = PhoneCall(twilio, caller="+447700900556")
    heard += [other.ring(), other.press("1"), other.press("6"), other.press("2")]
    lines = [line for twiml in heard for line in said_lines(twiml)]
    assert len(lines) > 20
    assert_all_read_easily([(line, True) for line in lines])


# Every language: each catalogue complete, each line short and plain, each text within its
# SMS parts in the encoding the language needs (2 parts of GSM-7, or 3 of UCS-2, which
# holds 70 characters in one part and 67 a part when split).

OTHER_LANGUAGES = [code for code in words.catalogues() if code != "en"]
FRIDAY = datetime(2026, 6, 26, 14, 0, tzinfo=LONDON)  # "piątek": a date with Polish letters


def translated_lines() -> list[tuple[str, str, str, bool]]:
    lines = []
    for language in OTHER_LANGUAGES:
        dated = {"when": when(FRIDAY, language),
                 "relative": relative_when(FRIDAY, FRIDAY - timedelta(days=1), language)}
        for key in words.catalogues()[language].lines:
            values = _sample(key) | dated | SAMPLE_IN.get(key.partition(".")[0], {})
            if key.partition(".")[0] in SPOKEN_SECTIONS:
                values["when"] = spoken_when(FRIDAY, FRIDAY - timedelta(days=1), language)
            lines.append((f"{language}.yaml[{key}]", language, words.words(key, language, **values),
                          is_spoken(key)))
    return lines


TRANSLATED = translated_lines()


@pytest.mark.parametrize("where, language, text, spoken", TRANSLATED,
                         ids=[w for w, _, _, _ in TRANSLATED])
def test_every_translated_line_is_short_plain_and_within_its_sms_parts(where, language, text,
                                                                       spoken):
    assert "{" not in text, "a placeholder was left unfilled"
    found = [f.message for f in check_text(text, where, language, spoken=spoken)]
    assert found == [], text
    if not spoken:
        assert encoding(text).segments <= max_segments(text, language), text


def test_every_language_has_every_line_and_only_the_values_english_has():
    english = words.catalogues()["en"].lines
    assert OTHER_LANGUAGES == ["ar", "pl"]
    for language in OTHER_LANGUAGES:
        lines = words.catalogues()[language].lines
        assert words.missing(language) == [] and set(lines) == set(english)
        assert [k for k, t in lines.items()
                if not words.placeholders(t) <= words.placeholders(english[k])] == []
        assert words.catalogues()[language].checked is False  # until a fluent speaker reads it


def test_arabic_and_polish_letters_are_counted_as_ucs2_parts_and_plain_polish_as_gsm7():
    assert [encoding("ب" * n).segments for n in (70, 71, 134, 135, 201, 202)] == [1, 2, 2, 3, 3, 4]
    assert max_segments("شكرًا", "ar") == 3 and max_segments("Dziękujemy", "pl") == 3
    assert max_segments("Przyjdziesz? YES/NO/MAYBE", "pl") == 2  # no Polish letters: GSM-7
    assert max_segments("Thank you 🙂", "en") == 2  # English never gets a third part


def test_the_shipped_question_set_is_translated_and_each_text_fits_its_parts():
    for flow in Registry.from_dir(DATA_DIR):
        sent = [s for s in sent_texts(flow) if s.language != "en"]
        assert {s.language for s in sent} == set(OTHER_LANGUAGES)
        assert [t.where for t in translations(flow, tuple(OTHER_LANGUAGES)) if t.missing] == []
        too_long = [(s.where, s.language, encoding(s.text).segments) for s in sent
                    if not s.spoken and encoding(s.text).segments > max_segments(s.text, s.language)]
        assert too_long == []
        assert [f for f in check_flow(flow) if f.level == "error"] == []


# No participant-facing English left outside the catalogues: the modules that text or speak
# to people hold no sentence of their own, only organiser-facing ones named here.
PARTICIPANT_MODULES = ("brewline/texts", "brewline/calls", "brewline/events", "brewline/vouchers",
                       "brewline/live",
                       "brewline/privacy", "brewline/surveys", "flows/invites.py",
                       "flows/words.py", "flows/engine.py", "flows/keywords.py")
FOR_ORGANISERS = {
    "brewline/events/invite_words.py", "brewline/events/editing.py",
    "brewline/events/scheduled.py", "brewline/surveys/broadcast.py",
    "brewline/surveys/question_sets.py", "brewline/surveys/asking.py",
    "brewline/vouchers/loading.py", "brewline/vouchers/rules.py", "brewline/vouchers/ledger.py",
    "brewline/live/words.py",  # the live page's notices (PAGE), for organisers
}
ORGANISER_SENTENCES = {
    ("brewline/events/invitations.py", "No problems found with the wording."),
    ("brewline/events/invitations.py",
     "The event is cancelled or has started, so no invites can go."),
    ("brewline/events/events.py", "The event was cancelled."),
    ("brewline/privacy/delete_my_data.py", "[They asked us to delete their data. We ask them "
                                           "to confirm by text or at the start of their next "
                                           "call.]"),
}


def _sentences_in(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
                  and node.body and isinstance(node.body[0], ast.Expr)}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in docstrings and _SENTENCE.search(node.value)):
            yield node.value


def test_no_participant_facing_english_sentence_is_left_outside_the_catalogues():
    paths = [p for top in PARTICIPANT_MODULES for p in
             (sorted((ROOT / top).rglob("*.py")) if (ROOT / top).is_dir() else [ROOT / top])]
    found = {(str(p.relative_to(ROOT)), s) for p in paths
             if str(p.relative_to(ROOT)) not in FOR_ORGANISERS for s in _sentences_in(p)}
    assert len(paths) > 60
    assert found == ORGANISER_SENTENCES
