"""A person texts keywords in their own language ("pomiń", "تخطي", "tak"), and English ones
still work for them; a sentence that only contains such a word is an answer."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from brewline.privacy.models import ErasureRequest
from brewline.surveys.models import Answer
from flows.words import words
from tests.texts.test_sms_webhook import replies

ARABIC_SENDER = "+447700900222"


@pytest.fixture
def settings(settings):
    """Every shipped language switched on, as LANGUAGES left empty does."""
    return settings.with_(languages=())


def in_polish_at_question_1(twilio) -> None:
    replies(twilio.text("Cześć"))
    [switched, welcome] = replies(twilio.text("POLSKI"))
    assert switched == words("languages.switched", "pl")
    assert "Odpisz TAK lub NIE" in welcome
    [question] = replies(twilio.text("tak"))
    assert question.startswith("Pytanie 1 z 5")


def kept_answers(runtime) -> list[tuple[str, str | None, bool]]:
    with runtime.store.transaction() as session:
        rows = session.execute(select(Answer.question_id, Answer.text, Answer.skipped)
                               .order_by(Answer.id)).all()
    return [tuple(row) for row in rows]


def test_a_polish_texter_who_texts_pomin_mid_survey_skips_the_question(twilio, runtime):
    in_polish_at_question_1(twilio)
    skipped, following = replies(twilio.text("pomiń"))
    assert skipped == "Nie ma sprawy, pominęliśmy to pytanie."
    assert following.startswith("Pytanie 2 z 5")
    assert kept_answers(runtime)[-1][0::2] == ("value", True)


def test_a_polish_texter_who_texts_powtorz_gets_the_same_question_again(twilio):
    in_polish_at_question_1(twilio)
    [first] = replies(twilio.text("pomiń"))[1:]
    assert replies(twilio.text("POWTÓRZ")) == [first]


def test_english_keywords_still_work_for_a_polish_texter(twilio):
    in_polish_at_question_1(twilio)
    skipped, following = replies(twilio.text("SKIP"))
    assert skipped == "Nie ma sprawy, pominęliśmy to pytanie."
    assert following.startswith("Pytanie 2 z 5")


def test_a_polish_answer_that_merely_contains_later_is_kept_as_an_answer(twilio, runtime):
    in_polish_at_question_1(twilio)
    [following] = replies(twilio.text("nie wiem, może później zobaczę"))
    assert following.startswith("Pytanie 2 z 5")
    assert kept_answers(runtime)[-1] == ("value", "nie wiem, może później zobaczę", False)


def test_an_arabic_texter_who_texts_takhatti_skips_the_question(twilio):
    replies(twilio.text("مرحبا", sender=ARABIC_SENDER))
    [_, welcome] = replies(twilio.text("العربية", sender=ARABIC_SENDER))
    assert "أرسل «نعم» أو «لا»" in welcome
    [question] = replies(twilio.text("نعم", sender=ARABIC_SENDER))
    assert question.startswith("السؤال 1 من 5")
    skipped, following = replies(twilio.text("تخطي", sender=ARABIC_SENDER))
    assert skipped == "لا مشكلة، تخطينا هذا السؤال."
    assert following.startswith("السؤال 2 من 5")


def test_a_polish_texter_deletes_their_data_with_polish_words(twilio, runtime):
    in_polish_at_question_1(twilio)
    [asked] = replies(twilio.text("usuń moje dane"))
    assert asked == words("privacy.ask", "pl") and "odpisz dziś USUŃ" in asked
    assert replies(twilio.text("USUŃ")) == [words("privacy.done", "pl")]
    with runtime.store.transaction() as session:
        assert session.scalars(select(ErasureRequest.confirmed_at)).one() is not None
