"""The Suggested themes, We did and Yearly report pages, through Flask's test client."""
from __future__ import annotations

import re

from sqlalchemy import select

from brewline.delivery.models import Outbox
from brewline.themes import embedding
from brewline.themes.models import AnswerTag, ThemeAction
from tests.themes.conftest import Said

BUSES = ["the bus never comes on time", "buses are always late", "more buses in the evening",
         "the bus is too expensive", "no bus on a sunday", "bus timetable is wrong"]
PARK = ["the park is dirty", "fix the swings in the park", "more benches in the park",
        "the playground in the park is broken", "park needs toilets", "cut the grass in the park"]


def test_without_the_model_the_themes_page_says_how_to_turn_suggestions_on(signed_in, app):
    def missing() -> embedding.Model:
        raise embedding.Unavailable(embedding.HOW_TO_TURN_ON)

    app.config["THEMES_LOADER"] = missing
    page = signed_in.get("/answers/themes").get_data(as_text=True)
    assert "Suggestions are turned off" in page and "pip install -e &#39;.[themes]&#39;" in page
    response = signed_in.post("/answers/themes/suggest")
    assert response.status_code == 409 and "make test does this" in response.get_data(as_text=True)


def test_an_organiser_suggests_then_accepts_a_group_as_a_theme(signed_in, runtime):
    Said(runtime).many(BUSES + PARK)
    assert signed_in.post("/answers/themes/suggest").status_code == 302
    page = signed_in.get("/answers/themes").get_data(as_text=True)
    assert "Suggested words for a name" in page and "(6 answers)" in page
    group = int(re.search(r'action="/answers/themes/(\d+)/accept"', page).group(1))
    response = signed_in.post(f"/answers/themes/{group}/accept", {"name": "Getting about"})
    assert response.status_code == 302
    with runtime.store.transaction() as db:
        assert set(db.scalars(select(AnswerTag.theme))) == {"getting about"}
        assert len(db.scalars(select(AnswerTag)).all()) == 6
    assert "6 answers have it now" in signed_in.get("/answers/themes").get_data(as_text=True)


def test_merging_a_group_into_itself_is_refused_in_plain_words(signed_in, runtime):
    Said(runtime).many(BUSES + PARK)
    signed_in.post("/answers/themes/suggest")
    page = signed_in.get("/answers/themes").get_data(as_text=True)
    group = int(re.search(r'action="/answers/themes/(\d+)/accept"', page).group(1))
    response = signed_in.post(f"/answers/themes/{group}/merge", {"into": str(group)})
    assert response.status_code == 400 and "different group" in response.get_data(as_text=True)


def tag_buses(runtime, quotes: bool = True) -> list[int]:
    ids = Said(runtime).many(BUSES, quotes=quotes)
    with runtime.store.transaction() as db:
        db.add_all(AnswerTag(answer_id=i, theme="buses") for i in ids)
    return ids


def test_an_action_is_recorded_against_a_theme_and_a_bad_date_is_explained(signed_in, runtime):
    tag_buses(runtime)
    bad = signed_in.post("/we-did", {"theme": "buses", "what": "x", "done_on": "soon",
                                      "done_by": "Team"})
    assert bad.status_code == 400 and "such as 2026-03-14" in bad.get_data(as_text=True)
    unknown = signed_in.post("/we-did", {"theme": "weather", "what": "x",
                                          "done_on": "2026-06-03", "done_by": "Team"})
    assert unknown.status_code == 400
    good = signed_in.post("/we-did", {"theme": "buses", "what": "Got a later 42 bus",
                                       "done_on": "2026-06-03", "done_by": "Community team",
                                       "changed": "Last bus at 10pm"})
    assert good.status_code == 302
    with runtime.store.transaction() as db:
        [action] = db.scalars(select(ThemeAction)).all()
        assert (action.theme, action.done_by, action.changed) == (
            "buses", "Community team", "Last bus at 10pm")
    page = signed_in.get("/we-did").get_data(as_text=True)
    assert "You told us about buses. We did this: got a later 42 bus." in page


def test_you_said_we_did_goes_only_to_people_who_answered_and_agreed(signed_in, runtime):
    agreed = Said(runtime)
    agreed.many(BUSES[:3])  # invites yes
    with runtime.store.transaction() as db:
        no = agreed.person(db, invites=False)
        agreed.answer(db, no, "buses are bad")
    text = "Hello from Over a Brew. You told us about buses. We did this: got a later bus."
    check = signed_in.post("/we-did/broadcast", {"flow": "over-a-brew-2024-05", "text": text,
                                                  "send": "no"}).get_data(as_text=True)
    assert "Update to 3 people" in check and "Send to 3 people" in check
    with runtime.store.transaction() as db:
        assert db.scalars(select(Outbox)).all() == []
    sent = signed_in.post("/we-did/broadcast", {"flow": "over-a-brew-2024-05", "text": text,
                                                 "send": "yes"})
    assert sent.status_code == 302
    with runtime.store.transaction() as db:
        rows = db.scalars(select(Outbox).where(Outbox.purpose == "broadcast")).all()
        assert len(rows) == 3 and no.id not in {r.contact_id for r in rows}
        assert {r.body for r in rows} == {text}


def test_the_report_page_previews_and_downloads_each_format(signed_in, runtime):
    tag_buses(runtime)
    year = 2026
    page = signed_in.get(f"/report?year={year}").get_data(as_text=True)
    assert "6 answers from 6 people." in page and "Over a Brew: our year 2026." in page
    pdf = signed_in.get(f"/report/download?year={year}&format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"] == 'attachment; filename="report-2026.pdf"'
    text = signed_in.get(f"/report/download?year={year}&format=txt").get_data(as_text=True)
    assert text.startswith("Over a Brew: our year 2026.")
    assert signed_in.get("/report?year=twenty").status_code == 400
    assert signed_in.get(f"/report/download?year={year}&format=doc").status_code == 400


def test_an_organiser_ticks_the_question_about_sharing_words_and_the_set_asks_it(
        signed_in, runtime):
    from brewline.surveys import question_sets

    assert signed_in.post("/question-sets", {"title": "Buses"}).status_code == 302
    page = signed_in.get("/question-sets/buses/edit").get_data(as_text=True)
    assert "Ask if we may share their words, without their name" in page
    assert 'name="quotes.ask" value="yes">' in page  # offered, not ticked
    signed_in.post("/question-sets/buses/edit", {
        "title": "Buses", "order": ["q1"], "q1.kind": "open", "q1.text": "What about buses?",
        "consents": "1", "invites.ask": "yes", "quotes.ask": "yes", "action": "save"})
    with runtime.store.transaction() as db:
        steps = question_sets.draft_of(db, "buses").body["steps"]
    asked = next(s for s in steps if s["id"] == "quotes")
    assert asked["consent"] == "quotes"
    assert asked["text"]["en"].startswith("Can we share your words")
    assert asked["text"]["pl"].startswith("Czy możemy pokazać")  # a new set starts translated
