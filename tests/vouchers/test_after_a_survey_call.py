"""The end of a survey call: the voucher offer for those who earned one, else the goodbye."""
from __future__ import annotations

from datetime import datetime, timezone

from brewline.events.models import Event
from brewline.surveys.models import Conversation
from brewline.vouchers import loading
from brewline.vouchers.models import VoucherClaim
from tests.calls.phone import call, rows  # noqa: F401 (fixture)

FLOW = "over-a-brew-2024-05"


def load_pool(runtime, **earned_by) -> None:
    """One code in a pool earned by finishing the flow (or by what `earned_by` says)."""
    with runtime.store.transaction() as session:
        loading.load(runtime, session, "code\nTHANKS0001\n", "tesco", datetime.now(timezone.utc),
                      value="£10 Tesco gift card", **(earned_by or {"flow": FLOW}))


def event_pool(runtime) -> None:
    """A pool only people who came to an event have earned."""
    with runtime.store.transaction() as session:
        event = Event(title="Over a Brew", starts_at=datetime.now(timezone.utc), where="Library")
        session.add(event)
        session.flush()
        event_id = str(event.id)
    load_pool(runtime, event=event_id)


def finish_survey_by_phone(call, *first_keys: str):
    """Ring, press `first_keys`, answer every question, and return the TwiML after the last."""
    call.ring()
    for key in first_keys:
        call.press(key)
    call.press("1")
    for n in range(1, 6):
        call.record(seconds=10 + n)
        call.press("1")
    return call.say("Yes please.")


def test_finishing_the_survey_by_phone_goes_on_to_the_voucher_offer(call, runtime):
    load_pool(runtime)
    end = finish_survey_by_phone(call)
    assert "Thank you so much" in end.said and "Goodbye" not in end.said
    assert not end.hangs_up and end.verbs[-1] == "Redirect"
    assert end.redirect == "/twilio/voice/voucher"
    offer = call.post(end.redirect)
    assert "£10 Tesco gift card" in offer.said and "press 1" in offer.said
    code = call.press("1")
    assert "T H A N K S 0 0 0 1" in code.said or "THANKS0001" in code.said.replace(" ", "")
    assert code.hangs_up
    [claim] = rows(runtime, VoucherClaim)
    assert (claim.status, claim.channel) == ("issued", "voice")


def test_finishing_without_a_voucher_to_give_just_says_goodbye(call, runtime):
    event_pool(runtime)
    end = finish_survey_by_phone(call)
    assert "Thank you so much" in end.said and "Goodbye" in end.said
    assert end.hangs_up and end.redirect is None
    [conversation] = rows(runtime, Conversation)
    assert conversation.status == "finished"


def test_ringing_again_after_claiming_offers_the_same_code_not_a_second_one(call, runtime):
    load_pool(runtime)
    end = finish_survey_by_phone(call)
    call.post(end.redirect)
    first = call.press("1")
    later = type(call)(call.twilio)
    again = later.ring()
    assert "already answered all our questions" in again.said
    assert again.redirect == "/twilio/voice/voucher" and not again.hangs_up
    menu = later.post(again.redirect)
    assert "You have a £10 Tesco gift card from us" in menu.said
    assert "To hear your voucher code, press 1." in menu.said and "press 3" not in menu.said
    assert spelled(later.press("1")) == spelled(first) != ""
    assert len(rows(runtime, VoucherClaim)) == 1


def spelled(twiml) -> str:
    """Every character spelled out, in order."""
    return "".join(s.text or "" for s in twiml.root.iter("say-as"))


def rates(twiml) -> tuple[set[str], set[str]]:
    """The pace of the words, and the pace of the spelled-out characters, in one answer."""
    words = {say.find("prosody").get("rate") for say in twiml.says}
    spelled = {p.get("rate") for p in twiml.root.iter("prosody") if p.find("say-as") is not None}
    return words, spelled


def test_someone_who_pressed_9_in_the_survey_hears_the_voucher_at_their_slower_pace(call, runtime):
    load_pool(runtime)
    end = finish_survey_by_phone(call, "9")
    offer = call.post(end.redirect)
    assert rates(offer) == ({"75%"}, set())
    code = call.press("1")
    assert "THANKS0001" in code.said.replace(" ", "")
    assert rates(code) == ({"75%"}, {"60%"})


def test_someone_who_pressed_9_twice_hears_the_code_slower_still(call, runtime):
    load_pool(runtime)
    call.post(finish_survey_by_phone(call, "9", "9").redirect)
    assert rates(call.press("1")) == ({"60%"}, {"50%"})


def test_without_9_the_voucher_is_read_at_the_usual_slow_pace(call, runtime):
    load_pool(runtime)
    call.post(finish_survey_by_phone(call).redirect)
    assert rates(call.press("1")) == ({"90%"}, {"slow"})
