"""Claim on a call: the offer, 1 reads the exact code slowly twice, * repeats, 2 texts it too."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from sqlalchemy import select

from brewline.delivery.models import Outbox
from brewline.people import contacts
from brewline.people.models import Contact
from brewline.surveys.models import Conversation
from tests.conftest import ACCOUNT_SID, PHONE
from tests.vouchers.conftest import FLOW

BASE = "/twilio/voice/voucher"
LANDLINE = "+442079460000"


def call(twilio, path: str = "", digits: str | None = None, caller: str = PHONE,
         sid: str = "CA" + "1" * 32, **extra) -> ET.Element:
    form = {"From": caller, "To": "+447700900000", "CallSid": sid, "AccountSid": ACCOUNT_SID,
            "Direction": "inbound", **extra}
    if digits is not None:
        form["Digits"] = digits
    response = twilio.post(BASE + path, form)
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/xml"
    return ET.fromstring(response.data)


def spoken(element: ET.Element) -> str:
    return " ".join(" ".join(t.strip() for t in say.itertext() if t.strip())
                    for say in element.iter("Say"))


def codes_read(root: ET.Element) -> list[str]:
    """Each code read out: the say-as characters inside one <Say>, joined."""
    found = []
    for say in root.iter("Say"):
        chars = [s.text for s in say.iter("say-as") if s.get("interpret-as") == "characters"]
        if chars:
            found.append("".join(chars))
    return found


def action(element: ET.Element) -> str:
    return element.find("Gather").get("action")


def eligible(pools, number_or_phone=PHONE, count=3, pin=True):
    text = "code,pin,expires\n" + "".join(
        f"AB{n}C-12{n}45,{'77' if pin else ''},2027-06-30\n" for n in range(count))
    pools.load("tesco", text, value="£10 Tesco gift card", flow=FLOW)
    with pools.runtime.store.transaction() as session:
        contact = contacts.find_or_create(session, number_or_phone)
        session.add(Conversation(contact_id=contact.id, flow_id=FLOW, flow_version=1,
                                 status="finished", state={}))


def test_an_eligible_caller_hears_the_offer_with_the_keys(twilio, pools):
    eligible(pools)
    root = call(twilio)
    words = spoken(root.find("Gather"))
    assert "£10 Tesco gift card" in words
    assert "press 1" in words and "press 2" in words and "press 3" in words
    assert action(root).startswith(BASE + "/answer?pool=")
    assert root.find("Redirect") is not None


def test_pressing_1_reads_the_exact_code_twice_then_the_pin(twilio, pools):
    eligible(pools)
    answer = action(call(twilio))
    root = call(twilio, answer[len(BASE):], digits="1")
    assert codes_read(root) == ["AB0C12045", "AB0C12045", "77"]
    assert "Use it by 30 June 2027" in spoken(root)
    assert root.find("Hangup") is not None
    assert [c.status for c in pools.claims()] == ["issued"]


def test_star_after_the_code_reads_the_same_code_again(twilio, pools):
    eligible(pools)
    answer = action(call(twilio))
    after = action(call(twilio, answer[len(BASE):], digits="1"))
    root = call(twilio, after[len(BASE):], digits="*")
    assert codes_read(root)[:2] == ["AB0C12045", "AB0C12045"]
    assert len(pools.claims()) == 1


def test_star_at_the_offer_repeats_it_and_a_wrong_key_is_explained(twilio, pools):
    eligible(pools)
    answer = action(call(twilio))[len(BASE):]
    assert "£10 Tesco gift card" in spoken(call(twilio, answer, digits="*"))
    assert spoken(call(twilio, answer, digits="5")).startswith("Sorry, that key does nothing")


def test_pressing_2_reads_the_code_and_texts_it_once_even_if_twilio_retries(twilio, pools, runtime):
    eligible(pools)
    answer = action(call(twilio))[len(BASE):]
    first = call(twilio, answer, digits="2")
    again = call(twilio, answer, digits="2")
    assert codes_read(first) == codes_read(again)
    assert "sent it to you by text" in spoken(first)
    with runtime.store.transaction() as session:
        rows = session.scalars(select(Outbox)).all()
    assert len(rows) == 1 and "Code: AB0C-12045" in rows[0].body and rows[0].direct_reply


def test_a_landline_caller_is_not_offered_a_text(twilio, pools, runtime):
    eligible(pools, LANDLINE)
    root = call(twilio, caller=LANDLINE)
    assert "press 2" not in spoken(root)
    root = call(twilio, action(root)[len(BASE):], digits="2", caller=LANDLINE)
    assert "cannot send texts" in spoken(root)
    with runtime.store.transaction() as session:
        assert session.scalars(select(Outbox)).all() == []


def test_pressing_3_declines_and_says_goodbye(twilio, pools):
    eligible(pools)
    root = call(twilio, action(call(twilio))[len(BASE):], digits="3")
    assert "will not give you a voucher" in spoken(root) and root.find("Hangup") is not None
    assert [c.status for c in pools.claims()] == ["declined"]


def test_a_caller_who_has_not_earned_one_hears_how_and_a_goodbye(twilio, pools):
    pools.load("tesco", "code\nX1\n", flow=FLOW)
    root = call(twilio)
    assert "answering our 5 short questions" in spoken(root)
    assert "text HELLO" not in spoken(root)
    assert root.find("Hangup") is not None


def test_out_of_stock_on_a_call_gives_the_waiting_list_place(twilio, pools):
    eligible(pools, count=0)
    root = call(twilio, action(call(twilio))[len(BASE):], digits="1")
    assert "number 1 on our list" in spoken(root) and codes_read(root) == []


def test_on_a_call_we_placed_the_person_is_the_number_we_called(twilio, pools):
    eligible(pools)
    root = call(twilio, caller="+447700900000", To=PHONE, Direction="outbound-api")
    assert "£10 Tesco gift card" in spoken(root)


def test_an_unsigned_request_is_refused(twilio):
    response = twilio.post(BASE, {"From": PHONE, "CallSid": "CA1"}, signature="forged")
    assert response.status_code == 403


def test_a_request_without_a_call_sid_gets_a_400(twilio):
    response = twilio.post(BASE, {"From": PHONE})
    assert response.status_code == 400 and b"CallSid" in response.data


def test_with_two_shops_the_caller_picks_one_by_key(twilio, pools):
    eligible(pools)
    pools.load("boots", "code\nBOOTS-1\n", value="£10 Boots gift card", flow=FLOW)
    root = call(twilio)
    assert "For a £10 Tesco gift card, press 1. For a £10 Boots gift card, press 2." in spoken(root)
    assert action(root) == BASE + "/pick"
    offer = call(twilio, "/pick", digits="2")
    assert "£10 Boots gift card" in spoken(offer)
    root = call(twilio, action(offer)[len(BASE):], digits="1")
    assert codes_read(root)[:2] == ["BOOTS1", "BOOTS1"]
    again = call(twilio)
    assert "£10 Boots gift card" in spoken(again) and "Tesco" not in spoken(again)
    assert [c.status for c in pools.claims()] == ["issued"]


def paces(root: ET.Element) -> set[str]:
    """The pace of every spoken part (words and spelled characters) of one answer."""
    return {p.get("rate") for say in root.iter("Say") for p in say.iter("prosody")}


def test_a_caller_who_chose_a_slower_voice_hears_every_part_of_the_voucher_call_slower(
        twilio, pools, runtime):
    eligible(pools)
    with runtime.store.transaction() as session:
        session.scalars(select(Contact)).one().voice_rate = "60%"
    offer = call(twilio)
    answer = action(offer)[len(BASE):]
    wrong = call(twilio, answer, digits="9")
    code = call(twilio, answer, digits="1")
    after = action(code)[len(BASE):]
    again, done = call(twilio, after, digits="*"), call(twilio, after, digits="#")
    assert codes_read(code) == ["AB0C12045", "AB0C12045", "77"]
    assert paces(offer) == paces(wrong) == paces(done) == {"60%"}
    assert paces(code) == paces(again) == {"60%", "50%"}
