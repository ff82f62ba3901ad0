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
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterator
from zoneinfo import ZoneInfo

import pytest

from brewline.calls import words as call_words
from brewline.events import cancelled_call, invite_call, reminder_call
from brewline.privacy import delete_my_data
from brewline.texts import wording
from brewline.themes import actions as theme_actions
from brewline.themes import report_text
from brewline.vouchers import by_call, by_text, claims
from brewline.vouchers.models import VoucherClaim, VoucherCode, VoucherPool
from flows import invites, sheet
from flows.invites import EventWords, render, render_spoken, spoken_when
from flows.loader import DATA_DIR, Registry
from flows.readability import MAX_GRADE, check_text, encoding, flow_texts, reading_grade
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


def _formatted(catalogue: dict[str, str]) -> dict[str, str]:
    return {key: text.format(**VALUES) for key, text in catalogue.items()}


def _invite_texts() -> dict[str, str]:
    texts = {key: render(key, EVENT, relative="tomorrow at 2pm")
             for key in invites.TEXTS if key != "survey_reminder"}
    return texts | {"survey_reminder": invites.survey_reminder(2, 5)}


def _spoken_event_texts() -> dict[str, str]:
    return {key: render_spoken(key, EVENT, SPOKEN_WHEN) for key in invites.SPOKEN}


def _code_texts() -> dict[str, str]:
    """The texts that give a code, as claims.code_text() writes them."""
    pool = VoucherPool(name="tesco", value="£10 Tesco gift card")
    code = VoucherCode(code="TES-4821-9930", pin="4321", expires_on=date(2027, 12, 31))
    issued = claims.Issued(pool, code, VoucherClaim())
    return {"HOW_TO_USE": claims.HOW_TO_USE, "code_text": claims.code_text(issued)}


def _sheet_parts(spoken: bool) -> dict[str, str]:
    """The lines a question set written on the page starts from (flows/sheet.py)."""
    parts = dict(sheet.DEFAULT_PARTS) | {f"consent {k}": c.default
                                          for k, c in sheet.CONSENTS.items()}
    found = {key: text.render("en", **VALUES) for key, text in sheet.DEFAULT_TEXTS.items()
             if key.endswith("_voice") == spoken}
    for name, part in parts.items():
        for field in (("voice",) if spoken else ("text", "no_match")):
            text = getattr(part, field)
            if text is not None:
                found[f"{name}.{field}"] = text.render("en", **VALUES)
    return found


def _we_did_texts() -> dict[str, str]:
    """The "you said, we did" words, filled in as an organiser's action fills them."""
    filled = {"org": "Over a Brew", "theme": "buses",
              "what": "got the bus company to run a later bus"}
    return {key: text.format(**filled) for key, text in theme_actions.WORDS.items()}


def _report_texts() -> dict[str, str]:
    """The short yearly report's words, with the numbers a year gives them."""
    filled = {"org": "Over a Brew", "year": 2026, "people": 117, "sessions": 12,
              "ways": "by text (79), by phone call (33), in the room (71)", "vouchers": 40,
              "value": "£400", "themes": "buses, parks, housing", "theme": "buses",
              "what": "got the bus company to run a later bus", "n": 3}
    return {key: text.format(**filled) for key, text in report_text.WORDS.items()}


def _sheet_texts() -> dict[str, str]:
    return {"YES_NO_TEXT": sheet.YES_NO_TEXT.strip(), "OPTIONS_TEXT": sheet.OPTIONS_TEXT}


# Each catalogue of participant words: how to render it, and whether it is heard (spoken)
# rather than read. Keys are "path:NAME" as the source tree is searched.
CATALOGUES: dict[str, tuple[Callable[[], dict[str, str]], bool]] = {
    "brewline/texts/wording.py:REPLIES": (lambda: _formatted(wording.REPLIES), False),
    "brewline/calls/words.py:VOICE": (lambda: _formatted(call_words.VOICE), True),
    "brewline/calls/words.py:TEXTS": (lambda: _formatted(call_words.TEXTS), False),
    "flows/invites.py:TEXTS": (_invite_texts, False),
    "flows/invites.py:SPOKEN": (_spoken_event_texts, True),
    "brewline/events/invite_call.py:WORDS": (lambda: _formatted(invite_call.WORDS), True),
    "brewline/events/reminder_call.py:WORDS": (lambda: _formatted(reminder_call.WORDS), True),
    "brewline/events/cancelled_call.py:WORDS": (lambda: _formatted(cancelled_call.WORDS), True),
    "brewline/vouchers/by_text.py:WORDS": (lambda: _formatted(by_text.WORDS), False),
    "brewline/vouchers/by_call.py:WORDS": (lambda: _formatted(by_call.WORDS), True),
    "brewline/vouchers/by_call.py:EXPLAIN": (lambda: _formatted(by_call.EXPLAIN), True),
    "brewline/vouchers/claims.py:HOW_TO_USE": (_code_texts, False),
    "brewline/privacy/delete_my_data.py:TEXTS": (
        lambda: _formatted(delete_my_data.TEXTS), False),
    "flows/sheet.py:DEFAULT_TEXTS": (_sheet_texts, False),
    "flows/sheet.py:YES_NO_TEXT": (lambda: {}, False),  # measured with DEFAULT_TEXTS
    "flows/sheet.py:OPTIONS_TEXT": (lambda: {}, False),  # measured with DEFAULT_TEXTS
    "flows/sheet.py:DEFAULT_PARTS": (lambda: _sheet_parts(spoken=False), False),
    "flows/sheet.py:CONSENTS": (lambda: _sheet_parts(spoken=True), True),  # and parts' voice
    "brewline/themes/actions.py:WORDS": (_we_did_texts, False),
    "brewline/themes/report_text.py:WORDS": (_report_texts, False),
}
# Sentences for organisers or the terminal, not for participants.
NOT_FOR_PARTICIPANTS = {
    "brewline/privacy/delete_my_data.py:TRANSCRIPT",  # shown on the Answers page
    "brewline/cli/chat_voice.py:HELP",
    "brewline/cli/chat.py:TWILIO_ANSWERS",  # a note for whoever tries it in the terminal
    "brewline/events/editing.py:FIELDS",  # the event form's labels
    "brewline/events/scheduled.py:RACED",  # why a scheduled send stopped, for organisers
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
    lines = []
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
