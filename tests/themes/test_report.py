"""The yearly report: counts, consented quotes only, nothing that points at a person, and
the three ways to read it (a short text, a web page, a tagged PDF)."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone

from pypdf import PdfReader
from sqlalchemy import select

from brewline.events import attendance
from brewline.events.models import Attendance, Event
from brewline.people.models import Contact
from brewline.privacy import erasure
from brewline.themes import report, report_html, report_pdf, report_text
from brewline.themes.models import AnswerTag, ThemeAction
from brewline.vouchers.models import VoucherClaim, VoucherCode, VoucherPool
from flows.readability import encoding
from tests.themes.conftest import IN_2026

LATER = datetime(2027, 2, 1, 12, 0, tzinfo=timezone.utc)  # the report is made after the year
YES = ["the buses are always late here", "buses never come on time at all",
       "we need more buses in the evening", "the bus fares are far too high",
       "no bus on a sunday so i stay in"]
NO = ["I ring +44 7700 900123 for a taxi now", "my bus to the hospital takes an hour",
      "bus drivers do not wait for you"]


def year_of_buses(said, runtime) -> list[int]:
    """8 people on buses (5 agree to be quoted), 3 on parks, a session and two vouchers."""
    ids = said.many(YES, quotes=True) + said.many(NO, quotes=False)
    ids += said.many(["the park is dirty", "fix the swings", "more park benches"], quotes=True)
    with runtime.store.transaction() as db:
        db.add_all(AnswerTag(answer_id=i, theme="buses") for i in ids[:8])
        db.add_all(AnswerTag(answer_id=i, theme="parks") for i in ids[8:])
        db.add(ThemeAction(theme="buses", what="Got a later 42 bus", done_on=date(2026, 6, 3),
                           done_by="The community team", changed="The last bus is at 10pm"))
        event = Event(title="Over a Brew", starts_at=IN_2026, where="The library")
        db.add(event)
        db.flush()
        people = db.scalars(select(Contact).order_by(Contact.id)).all()
        db.add_all(Attendance(event_id=event.id, contact_id=p.id) for p in people[:6])
        _vouchers(db, people[:2])
    return ids


def _vouchers(db, people) -> None:
    pool = VoucherPool(name="tesco", value="£10 Tesco gift card")
    db.add(pool)
    db.flush()
    for n, person in enumerate(people):
        code = VoucherCode(pool_id=pool.id, code=f"TES-SECRET-{n}", issued_at=IN_2026)
        db.add(code)
        db.flush()
        db.add(VoucherClaim(pool_id=pool.id, contact_id=person.id, status="issued",
                            code_id=code.id, earned_by="flow", issued_at=IN_2026))


def built(runtime, year: int = 2026) -> report.Report:
    with runtime.store.transaction() as db:
        return report.build(db, "Tynemouth Voices", year, LATER)


def test_the_report_counts_people_ways_sessions_vouchers_and_themes(said, runtime):
    year_of_buses(said, runtime)
    made = built(runtime)
    assert (made.people.n, made.sessions, made.vouchers, made.voucher_value) == (11, 1, 2, "£20")
    assert [(label, str(count)) for label, count in made.ways] == [
        ("by text", "11"), ("by phone call", "0"), ("in the room", "6"),
        ("by phone into the room", "0")]
    assert [(t.name, t.answers, str(t.people)) for t in made.themes] == [("buses", 8, "8")]
    assert made.other_answers == 3  # parks: 3 people, counted but not named
    page = report_html.document(made)
    assert "3 more answers were about things fewer than 5 people raised" in page
    assert "parks" not in page.lower() and "swings" not in page
    assert [a.what for a in made.themes[0].actions] == ["Got a later 42 bus"]


def test_people_who_listened_in_by_phone_are_counted_apart_from_the_room(said, runtime):
    year_of_buses(said, runtime)
    with runtime.store.transaction() as db:
        for person in db.scalars(select(Attendance).order_by(Attendance.id).limit(5)):
            person.how = attendance.BY_PHONE
    ways = dict(built(runtime).ways)
    assert (ways["in the room"].n, ways["by phone into the room"].n) == (1, 5)


def test_only_people_who_said_yes_are_quoted_and_never_with_a_number(said, runtime):
    year_of_buses(said, runtime)
    quotes = built(runtime).themes[0].quotes
    assert len(quotes) == 2 and set(quotes) <= set(YES)
    page = report_html.document(built(runtime))
    assert not any(text in page for text in NO)
    assert "7700" not in page and "TES-SECRET" not in page


def test_a_quote_naming_someone_in_our_contacts_is_never_used(said, runtime):
    year_of_buses(said, runtime)
    before = built(runtime).themes[0].quotes
    with runtime.store.transaction() as db:
        db.add(Contact(phone="+447700900999", name="Sam Evening", source="import"))
    after = built(runtime).themes[0].quotes
    assert "we need more buses in the evening" in before
    assert not any("evening" in q.lower() for q in after) and len(after) == 2


def test_an_erased_persons_words_vanish_from_the_report(said, runtime):
    year_of_buses(said, runtime)
    first = built(runtime).themes[0].quotes[0]
    with runtime.store.transaction() as db:
        who = db.scalars(select(Contact).join(AnswerTag.__table__.join(
            report.Answer, report.Answer.id == AnswerTag.answer_id),
            report.Answer.contact_id == Contact.id).where(report.Answer.text == first)).one()
        erasure.erase(db, who)
    after = built(runtime)
    assert first not in after.themes[0].quotes and after.themes[0].answers == 7


def test_fewer_than_five_people_are_never_counted_out_exactly(said, runtime):
    said.many(["the bus is late", "buses please", "no buses"], quotes=True)
    made = built(runtime)
    assert str(made.people) == "fewer than 5" and str(made.ways[0][1]) == "fewer than 5"
    assert "3 people" not in report_text.render(made)


def test_another_year_has_nothing_of_this_one(said, runtime):
    year_of_buses(said, runtime)
    made = built(runtime, 2025)
    assert (made.people.n, made.sessions, made.vouchers, made.themes) == (0, 0, 0, [])


def test_the_short_text_names_the_organisation_and_fits_a_few_sms_parts(said, runtime):
    year_of_buses(said, runtime)
    text = report_text.render(built(runtime))
    assert text.startswith("Tynemouth Voices: our year 2026. 11 people took part.")
    assert "You told us about buses. We did this: got a later 42 bus." in text
    assert encoding(text).segments <= 4


def test_the_pdf_reads_back_with_the_counts_quotes_and_its_title(said, runtime):
    year_of_buses(said, runtime)
    made = built(runtime)
    pdf = PdfReader(io.BytesIO(report_pdf.render(made)))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert "11 people took part in 2026." in text and "8 answers from 8 people." in text
    assert all(q in text for q in made.themes[0].quotes)
    assert not any(t in text for t in NO) and "TES-SECRET" not in text
    assert pdf.metadata.title == "Tynemouth Voices: what you said and what we did in 2026"
    assert "/StructTreeRoot" in pdf.trailer["/Root"] and pdf.trailer["/Root"]["/Lang"] == "en-GB"


def test_a_quote_never_carries_a_phone_number_or_runs_on():
    from brewline.themes import quotes

    assert quotes.clean("ring me on 07700 900123 please") == "ring me on [number] please"
    long = quotes.clean("word " * 100)
    assert len(long) <= quotes.LONGEST + 3 and long.endswith("word...")


def test_the_short_text_stays_a_few_sms_parts_with_long_themes_and_actions(said, runtime):
    ids = said.many([f"answer number {n} about the long theme" for n in range(6)])
    long_names = ["the state of the roads and pavements around the estate " + x for x in "abc"]
    with runtime.store.transaction() as db:
        for name in long_names:
            db.add_all(AnswerTag(answer_id=i, theme=name[:80]) for i in ids)
            db.add(ThemeAction(theme=name[:80], what="Walked every street " * 15,
                               done_on=date(2026, 5, 1), done_by="The roads team"))
    assert encoding(report_text.render(built(runtime))).segments <= 4
