"""The Answers page: shown as text, filtered, tagged, exported safely, recordings streamed."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from brewline.organiser.models import AnswerTag, AuditLog
from tests.conftest import AUTH_TOKEN, PHONE
from tests.organiser.conftest import SAID
from tests.organiser.spoken import spoken_answer, wav_bytes


def test_html_in_an_answer_is_shown_as_text_never_run(signed_in, answer_id):
    page = signed_in.get("/answers").get_data(as_text=True)
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;&lt;img src=x" in page
    assert "<script>window" not in page and "<img src=x" not in page


def test_answers_filter_by_question_and_channel(signed_in, answer_id):
    one = signed_in.get("/answers?question=value").get_data(as_text=True)
    assert "tea &amp; biscuits" in one and "1 answer shown" in one
    by_phone = signed_in.get("/answers?channel=voice").get_data(as_text=True)
    assert "tea &amp; biscuits" not in by_phone and "0 answers shown" in by_phone


def test_a_theme_is_added_once_filtered_on_and_removed(signed_in, runtime, answer_id):
    for _ in range(2):
        response = signed_in.post(f"/answers/{answer_id}/themes",
                                  {"theme": "  Food  and drink ", "back": "/answers?theme="})
        assert response.status_code == 302
    with runtime.store.transaction() as db:
        assert db.scalars(select(AnswerTag.theme)).all() == ["food and drink"]
    page = signed_in.get("/answers?theme=food+and+drink").get_data(as_text=True)
    assert "1 answer shown" in page
    signed_in.post(f"/answers/{answer_id}/themes/remove", {"theme": "food and drink"})
    with runtime.store.transaction() as db:
        assert db.scalars(select(AnswerTag)).all() == []


def test_a_blank_theme_gets_a_clear_answer(signed_in, answer_id):
    response = signed_in.post(f"/answers/{answer_id}/themes", {"theme": "  "})
    assert response.status_code == 400 and "Type a theme" in response.get_data(as_text=True)


def _export(signed_in, **form) -> list[dict]:
    response = signed_in.post("/answers/export.csv", form)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_export_is_pseudonymous_and_neutralises_formulas(signed_in, answer_id):
    rows = _export(signed_in)
    assert "phone" not in rows[0] and rows[0]["participant"].startswith("p_")
    said = [r["answer"] for r in rows if r["question_id"] == "value"]
    assert said == [SAID]  # starts with '<', so it is left as it was


def test_a_formula_answer_is_quoted_in_the_export(signed_in, twilio):
    for body in ("hi", "yes", "=1+1"):
        twilio.text(body)
    [row] = [r for r in _export(signed_in) if r["question_id"] == "value"]
    assert row["answer"] == "'=1+1"


def test_including_phone_numbers_is_written_to_the_audit_log(signed_in, runtime, organiser, answer_id):
    # export.neutralise quotes the leading '+' like a formula sign; the number is intact.
    assert _export(signed_in, include_phone="yes")[0]["phone"].lstrip("'") == PHONE
    _export(signed_in)
    with runtime.store.transaction() as db:
        logged = [(a.user_id, a.action, a.detail["include_phone"])
                  for a in db.scalars(select(AuditLog).order_by(AuditLog.id))]
    assert logged == [(organiser.user_id, "export answers", True),
                      (organiser.user_id, "export answers", False)]


@pytest.fixture
def recording_app(runtime, fake_twilio, app):
    """The app with its Twilio REST calls going to the local fake."""
    settings = runtime.settings.with_(twilio_api_base_url=fake_twilio.url)
    runtime.settings = settings
    app.config["BREWLINE_SETTINGS"] = settings
    return app


def test_a_recording_is_streamed_with_the_services_credentials(recording_app, signed_in, runtime, fake_twilio):
    answer_id = spoken_answer(runtime)
    audio = wav_bytes()
    fake_twilio.add_recording("RE" + "a" * 32, audio, "audio/wav")
    page = signed_in.get("/answers").get_data(as_text=True)
    assert f'src="/answers/{answer_id}/recording"' in page
    assert "I like the &lt;b&gt;biscuits&lt;/b&gt;" in page and AUTH_TOKEN not in page
    response = signed_in.get(f"/answers/{answer_id}/recording")
    assert response.status_code == 200 and response.data == audio
    assert response.mimetype == "audio/wav"
    assert fake_twilio.requests[-1]["path"].endswith("/Recordings/" + "RE" + "a" * 32 + ".mp3")


def test_a_missing_recording_gets_a_clear_page_not_a_500(recording_app, signed_in, runtime):
    answer_id = spoken_answer(runtime, sid="RE" + "b" * 32)
    response = signed_in.get(f"/answers/{answer_id}/recording")
    assert response.status_code == 502
    assert "did not give us this recording" in response.get_data(as_text=True)


def test_recordings_need_a_signed_in_organiser(client, runtime):
    answer_id = spoken_answer(runtime)
    assert client.get(f"/answers/{answer_id}/recording").status_code == 302
