"""The start of a call with several question sets open: a short menu, then the chosen set."""
from __future__ import annotations

from sqlalchemy import select

from brewline.delivery import outbox
from brewline.people import contacts
from brewline.people.models import Contact
from brewline.surveys import asking, conversations, question_sets, trials
from brewline.surveys.models import Answer
from tests.calls.phone import PhoneCall, call, rows  # noqa: F401 (fixture)
from tests.surveys.sets import SHIPPED, WRITTEN_AT, close, write

MENU = ("Hello, this is Over a Brew. We have more than one set of questions just now. "
        "For Over a Brew - what matters to you, press 1. For AI and us, press 2.")


def ai(runtime) -> str:
    return write(runtime, "AI and us", "What do you use AI for?", "What worries you?",
                 keyword="AI")


def test_with_one_set_open_a_call_starts_its_questions_with_no_menu(call):
    twiml = call.ring()
    assert twiml.said.startswith("Hello, this is Over a Brew") and "5 short questions" in twiml.said
    assert "/twilio/voice/menu" not in twiml.gather.get("action")


def test_with_two_sets_open_a_caller_hears_a_short_menu_and_chooses_one(call, runtime):
    ai(runtime)
    menu = call.ring()
    assert menu.said == MENU
    assert menu.gather.get("action").startswith("/twilio/voice/menu?o=over-a-brew-2024-05")
    welcome = call.press("2")
    assert "2 short questions, answered out loud" in welcome.said
    first = call.press("1")
    assert "Question 1 of 2: What do you use AI for?" in first.said
    call.record(seconds=8)
    call.press("1")
    [kept] = [a for a in rows(runtime, Answer) if a.question_id == "q1"]
    assert (kept.flow_id, kept.channel) == ("ai-and-us", "voice")


def test_a_key_that_is_no_choice_is_met_kindly_and_silence_ends_the_call_gently(call, runtime):
    ai(runtime)
    call.ring()
    assert call.press("5").said.startswith("Sorry, I did not catch that. For Over a Brew")
    assert call.wait().said.startswith("You can choose now, or take your time.")
    assert call.wait().said.startswith("You can choose now")
    bye = call.wait()
    assert "We did not hear a choice" in bye.said and bye.hangs_up


def test_9_at_the_menu_slows_the_voice_and_reads_the_menu_again(call, runtime):
    ai(runtime)
    call.ring()
    slower = call.press("9")
    assert slower.said.startswith("Of course. I will speak more slowly")
    assert slower.says[-1].find("prosody").get("rate") == "75%"
    assert "For AI and us, press 2." in slower.said


def test_a_caller_whose_set_has_closed_goes_to_the_one_still_open(call, runtime, twilio):
    set_id = ai(runtime)
    twilio.text("hello")  # their set is the shipped one
    with runtime.store.transaction() as db:
        question_sets.make_default(runtime, db, set_id, WRITTEN_AT)
    close(runtime, SHIPPED)
    twiml = call.ring()
    assert "2 short questions" in twiml.said and "For AI and us" not in twiml.said


def test_with_no_set_open_a_caller_is_told_kindly(call, runtime):
    close(runtime, SHIPPED)
    twiml = call.ring()
    assert "There are no questions to answer just now" in twiml.said and twiml.hangs_up


def test_a_call_we_place_goes_straight_to_the_set_the_person_was_asked(twilio, runtime):
    ai(runtime)
    with runtime.store.transaction() as db:
        contact = contacts.find_or_create(db, "+447700900123", phone_only=True)
        conversations.join(db, runtime.flows, contact, "ai-and-us")
    placed = PhoneCall(twilio, outbound=True)
    assert "2 short questions" in placed.ring().said


def test_voicemail_after_an_organisers_ask_says_we_rang_to_ask(twilio, runtime):
    ai(runtime)
    with runtime.store.transaction() as db:
        contact = contacts.find_or_create(db, "+447700900123", phone_only=True)
        row = outbox.add(runtime, db, contact.id, "", asking.CALL_PURPOSE, channel="call",
                         ref="flow:ai-and-us")
        row.sid = "CA" + "7" * 32
    placed = PhoneCall(twilio, sid="CA" + "7" * 32, outbound=True)
    twiml = placed.ring(AnsweredBy="machine_end_beep")
    assert "We rang to ask you a few short questions" in twiml.said
    assert "You asked us" not in twiml.said


def test_an_organiser_trying_a_draft_by_call_goes_straight_to_it(twilio, runtime):
    ai(runtime)
    draft = write(runtime, "Draft only", "Is this a draft?")
    with runtime.store.transaction() as db:
        trials.start(db, draft, "+447700900555")
    tried = PhoneCall(twilio, caller="+447700900555")
    assert "1 short questions" in tried.ring().said
    with runtime.store.transaction() as db:
        assert db.scalars(select(Contact.current_flow).where(
            Contact.phone == "+447700900555")).one() == draft
