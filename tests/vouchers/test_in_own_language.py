"""A Polish or Arabic person is offered a voucher in their words and answers in them:
BON (or "tak") sends the code, NIE DZIĘKUJĘ (or «لا شكرا») declines it."""
from __future__ import annotations

import pytest

from tests.texts.test_sms_webhook import replies
from tests.vouchers.test_by_text import answer_questions, load_pool


@pytest.fixture
def settings(settings):
    """Every shipped language switched on, as LANGUAGES left empty does."""
    return settings.with_(languages=())


def finish_in(twilio, language_name: str, no: str) -> list[str]:
    """Choose the language, answer every question, and say no to the last one."""
    replies(twilio.text("hi"))
    replies(twilio.text(language_name))
    answer_questions(twilio)
    return replies(twilio.text(no))


def test_a_polish_person_is_offered_a_bon_and_claims_it_with_bon(twilio, pools):
    load_pool(pools)
    thanks, offer = finish_in(twilio, "POLSKI", "nie")
    assert "Odpisz BON" in offer and "NIE DZIĘKUJĘ" in offer
    [code] = replies(twilio.text("bon"))
    assert "T000000" in code and "Napisz BON" in code
    assert [c.status for c in pools.claims()] == ["issued"]


def test_a_polish_person_may_say_tak_to_the_offer(twilio, pools):
    load_pool(pools)
    finish_in(twilio, "POLSKI", "nie")
    [code] = replies(twilio.text("Tak, proszę"))
    assert "T000000" in code


def test_nie_dziekuje_declines_the_voucher_and_it_is_respected(twilio, pools):
    load_pool(pools)
    finish_in(twilio, "POLSKI", "nie")
    replies(twilio.text("Nie, dziękuję"))
    [claim] = pools.claims()
    assert claim.status == "declined"


def test_an_arabic_person_claims_with_qasima_or_declines_with_la_shukran(twilio, pools):
    load_pool(pools)
    _, offer = finish_in(twilio, "العربية", "لا")
    assert "«قسيمة»" in offer and "«لا شكرا»" in offer
    replies(twilio.text("لا شكرا"))
    assert [c.status for c in pools.claims()] == ["declined"]
    [code] = replies(twilio.text("قسيمة"))
    assert "T000000" in code
