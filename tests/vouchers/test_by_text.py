"""Offer and claim by text: the thank-you says how, VOUCHER sends the code, no thanks is kept."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from brewline.delivery.models import Outbox
from brewline.people.models import Contact
from brewline.vouchers.models import VoucherClaim
from tests.conftest import PHONE
from tests.texts.test_sms_webhook import replies
from tests.vouchers.conftest import FLOW, codes, csv_of


def answer_questions(twilio, count: int = 5, sender: str = PHONE) -> list[str]:
    replies(twilio.text("hi", sender=sender))
    replies(twilio.text("yes", sender=sender))
    said = []
    for n in range(count):
        said = replies(twilio.text(f"My answer {n}", sender=sender))
    return said


def finish_survey(twilio, sender: str = PHONE) -> list[str]:
    """Answer every question and the last yes/no; returns the final replies."""
    answer_questions(twilio, sender=sender)
    return replies(twilio.text("no", sender=sender))


def load_pool(pools, name="tesco", value="£10 Tesco gift card", prefix="T", count=5, **options):
    text = "code,pin,expires\n" + "".join(f"{c},4321,2027-12-31\n" for c in codes(prefix, count))
    return pools.load(name, text, value=value, flow=FLOW, **options)


def test_the_thank_you_at_the_end_of_the_survey_says_how_to_get_the_voucher(twilio, pools):
    load_pool(pools)
    thanks, offer = finish_survey(twilio)
    assert thanks.startswith("Thank you so much")
    assert "£10 Tesco gift card" in offer and "VOUCHER" in offer and "NO THANKS" in offer


def test_no_offer_is_made_when_no_pool_is_tied_to_the_flow(twilio):
    assert len(finish_survey(twilio)) == 1


def test_voucher_sends_the_code_with_value_pin_expiry_and_how_to_use_it(twilio, pools):
    load_pool(pools, how_to_use="Show it at any Tesco till.")
    finish_survey(twilio)
    [code] = replies(twilio.text("Voucher!"))
    assert code.splitlines() == [
        "Your thank-you from Over a Brew: a £10 Tesco gift card.", "Code: T000000",
        "PIN: 4321", "Use it by 31 December 2027.", "Show it at any Tesco till.",
        "Text VOUCHER to get this again."]


def test_yes_please_and_thank_you_to_the_offer_send_the_code(twilio, pools):
    load_pool(pools)
    finish_survey(twilio)
    [code] = replies(twilio.text("Yes please"))
    assert "Code: T000000" in code
    finish_survey(twilio, sender="+447700900124")
    [code] = replies(twilio.text("Thank you!!", sender="+447700900124"))
    assert "Code: T000001" in code


def test_asking_again_sends_the_same_code_and_a_redelivered_text_changes_nothing(twilio, pools):
    load_pool(pools)
    finish_survey(twilio)
    first = replies(twilio.text("VOUCHER", sid="SM" + "b" * 32))
    redelivered = replies(twilio.text("VOUCHER", sid="SM" + "b" * 32))
    again = replies(twilio.text("my voucher"))
    assert first == redelivered == again
    assert len(pools.claims()) == 1


@pytest.mark.parametrize("asked", ["voucher please", "my voucher", "Can I have my voucher?",
                                   "code", "My code please", "what's my code?"])
def test_plain_ways_of_asking_give_the_same_answer_as_voucher_and_the_same_code_again(
        twilio, pools, asked):
    load_pool(pools)
    finish_survey(twilio)
    [code] = replies(twilio.text(asked))
    assert "Code: T000000" in code
    [again] = replies(twilio.text(asked))
    assert again == code == replies(twilio.text("VOUCHER"))[0]
    assert len(pools.claims()) == 1


def test_plain_ways_of_asking_before_finishing_say_how_many_questions_are_left(twilio, pools):
    load_pool(pools)
    answer_questions(twilio, count=2)
    [told] = replies(twilio.text("voucher please"))
    assert told == replies(twilio.text("VOUCHER"))[0]
    assert "You have 3 questions left" in told


def test_with_two_shops_the_person_picks_by_number(twilio, pools, runtime):
    load_pool(pools)
    load_pool(pools, name="boots", value="£10 Boots gift card", prefix="B")
    thanks, offer = finish_survey(twilio)
    assert "Reply VOUCHER to choose" in offer
    [choose] = replies(twilio.text("voucher"))
    assert choose == ("Which voucher would you like? Reply with its number: 1 for a £10 Tesco "
                      "gift card, 2 for a £10 Boots gift card.")
    [wrong] = replies(twilio.text("7"))
    assert wrong.startswith("Sorry, we need just a number. Reply 1 for a")
    [code] = replies(twilio.text("2"))
    assert "£10 Boots gift card" in code and "Code: B000000" in code
    assert replies(twilio.text("voucher")) == [code]
    assert [c.status for c in pools.claims()] == ["issued"]


def test_no_thanks_is_recorded_and_respected(twilio, pools):
    load_pool(pools)
    finish_survey(twilio)
    [ok] = replies(twilio.text("No thanks"))
    assert "will not send you a voucher" in ok
    [claim] = pools.claims()
    assert claim.status == "declined" and claim.code_id is None
    [after] = replies(twilio.text("thank you"))
    assert "Code" not in after
    assert pools.figures()["tesco"].declined == 1


def test_a_person_who_changes_their_mind_can_still_text_voucher(twilio, pools):
    load_pool(pools)
    finish_survey(twilio)
    replies(twilio.text("no thanks"))
    [code] = replies(twilio.text("voucher"))
    assert "Code: T000000" in code
    assert [c.status for c in pools.claims()] == ["issued"]


def test_before_finishing_the_survey_the_person_is_told_how_many_questions_are_left(twilio, pools):
    load_pool(pools)
    answer_questions(twilio, count=2)
    [left] = replies(twilio.text("voucher"))
    assert "You have 3 questions left" in left
    assert pools.claims() == []


def test_someone_who_has_not_started_is_told_how_to_earn_one(twilio, pools):
    load_pool(pools)
    [how] = replies(twilio.text("voucher"))
    assert "answering our 5 short questions" in how and "HELLO" in how


def test_when_vouchers_are_only_for_an_event_the_explanation_says_so(twilio, pools):
    pools.load("event-7", csv_of(codes("E", 2)), event=pools.event())
    [how] = replies(twilio.text("voucher"))
    assert "coming to one of our sessions" in how


def test_an_opted_out_number_gets_nothing(twilio, pools):
    load_pool(pools)
    finish_survey(twilio)
    replies(twilio.text("STOP"))
    assert replies(twilio.text("voucher")) == []
    assert pools.claims() == []


def test_out_of_stock_puts_the_person_on_the_waiting_list_kindly(twilio, pools, runtime):
    load_pool(pools, count=0)
    finish_survey(twilio)
    [kind] = replies(twilio.text("voucher"))
    assert "is on its way" in kind and "number 1 on our list" in kind
    load_pool(pools, count=1, prefix="N")
    with runtime.store.transaction() as session:
        [row] = session.scalars(select(Outbox)).all()
        contact = session.scalars(select(Contact)).one()
    assert row.contact_id == contact.id and "Code: N000000" in row.body
    assert row.direct_reply is False
    assert [c.status for c in pools.claims(VoucherClaim.status == "issued")] == ["issued"]


def test_every_voucher_text_is_plain_short_and_cheap_to_send():
    from brewline.vouchers.claims import Issued, code_text
    from brewline.vouchers.models import VoucherCode, VoucherPool
    from flows.readability import check_text, encoding
    from flows.words import catalogues, words

    values = {"value": "£10 Tesco gift card", "place": 120, "total": 5, "left": "3 questions",
              "options": "1 for a £10 Tesco gift card, 2 for a £10 Boots gift card", "n": 2}
    pool = VoucherPool(name="tesco", value="£10 Tesco gift card")
    texts = {k: words(k, "en", **values) for k in catalogues()["en"].lines
             if k.startswith("vouchers.")}
    assert len(texts) > 10
    texts["code"] = code_text(Issued(pool, VoucherCode(code="ABCD-1234-EFGH", pin="1234"), None))
    for name, text in texts.items():
        assert check_text(text, name) == [], name
        assert encoding(text).segments <= 2, name
