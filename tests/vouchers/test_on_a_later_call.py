"""Someone who finished the questions earlier rings us: their voucher is offered, or read out."""
from __future__ import annotations

from brewline.vouchers.models import VoucherClaim
from tests.calls.phone import PhoneCall, rows
from tests.texts.test_sms_webhook import replies
from tests.vouchers.test_by_text import finish_survey, load_pool


def spelled(twiml) -> str:
    """Every character spelled out, in order."""
    return "".join(s.text or "" for s in twiml.root.iter("say-as"))


def rings_after_finishing(twilio) -> tuple[PhoneCall, object]:
    call = PhoneCall(twilio)
    hello = call.ring()
    assert "You have already answered all our questions" in hello.said
    assert not hello.hangs_up and hello.redirect == "/twilio/voice/voucher"
    return call, call.post(hello.redirect)


def test_a_caller_who_got_a_code_by_text_can_hear_it_read_out_and_repeated(twilio, pools, runtime):
    load_pool(pools)
    finish_survey(twilio)
    [texted] = replies(twilio.text("VOUCHER"))
    assert "Code: T000000" in texted
    call, menu = rings_after_finishing(twilio)
    assert "You have a £10 Tesco gift card from us" in menu.said
    assert "To hear your voucher code, press 1." in menu.said
    code = call.press("1")
    assert spelled(code) == "T000000" * 2 + "4321"  # twice, then the PIN
    assert "To hear the code again, press star" in code.said
    assert spelled(call.press("*")) == spelled(code)
    assert len(rows(runtime, VoucherClaim)) == 1


def test_a_caller_hears_the_code_at_the_slower_pace_they_choose_with_9(twilio, pools):
    load_pool(pools)
    finish_survey(twilio)
    replies(twilio.text("VOUCHER"))
    call, menu = rings_after_finishing(twilio)
    slower = call.press("9")
    assert slower.said.startswith("Of course. I will speak more slowly")
    assert {s.find("prosody").get("rate") for s in slower.says} == {"75%"}
    code = call.press("1")
    assert {s.find("prosody").get("rate") for s in code.says} == {"75%"}
    again = call.press("9")
    assert {s.find("prosody").get("rate") for s in again.says} == {"60%"}
    assert spelled(again) == spelled(code)


def test_an_eligible_caller_who_never_claimed_is_offered_one(twilio, pools, runtime):
    load_pool(pools)
    finish_survey(twilio)
    call, offer = rings_after_finishing(twilio)
    assert "we have a £10 Tesco gift card for you" in offer.said
    assert "press 3" in offer.said  # no thanks is theirs to say
    assert spelled(call.press("1")).startswith("T000000")
    [claim] = rows(runtime, VoucherClaim)
    assert (claim.status, claim.channel) == ("issued", "voice")


def test_no_thanks_is_not_offered_for_a_code_already_given(twilio, pools, runtime):
    load_pool(pools)
    finish_survey(twilio)
    replies(twilio.text("VOUCHER"))
    call, _menu = rings_after_finishing(twilio)
    wrong = call.press("3")
    assert wrong.said.startswith("Sorry, that key does nothing here.")
    assert [c.status for c in rows(runtime, VoucherClaim)] == ["issued"]


def test_a_caller_who_finished_with_no_voucher_to_give_still_hears_a_kind_goodbye(twilio):
    finish_survey(twilio)
    hello = PhoneCall(twilio).ring()
    assert "You have already answered all our questions" in hello.said and hello.hangs_up
