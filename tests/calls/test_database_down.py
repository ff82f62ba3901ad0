"""Calls while the database is unreachable: kind words and a goodbye, never Twilio's error,
and every status, recording and transcript callback kept and applied, in order, once back."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update

from brewline.calls.models import Call
from flows.words import words as catalogue_words
from brewline.delivery import spool
from brewline.delivery.models import Message, Outbox
from brewline.people.models import Contact
from brewline.platform.runtime import Runtime
from brewline.privacy import erasure
from brewline.surveys.models import Answer, Conversation
from brewline.web.app import create_app
from tests.calls.phone import PhoneCall, Twiml, call, count, rows  # noqa: F401 (fixture)
from tests.conftest import ACCOUNT_SID, PHONE, Twilio
from tests.delivery.test_message_status import report, sent_row  # noqa: F401 (fixture)
from tests.delivery.test_spool import NOWHERE

RECORDING = "RE" + "a" * 32
WORDS = "More buses on a Sunday, please"


@pytest.fixture
def broken_runtime(settings):
    """The same service (same Redis and instance folder), its database out of reach."""
    runtime = Runtime(settings.with_(database_url=NOWHERE))
    yield runtime
    runtime.close()


@pytest.fixture
def down(broken_runtime) -> Twilio:
    return Twilio(create_app(runtime=broken_runtime).test_client())


def is_sorry(twiml: Twiml) -> bool:
    """Our words for an outage, said in full, then a pause and a hang-up."""
    return twiml.said == catalogue_words("voice.database_down") and twiml.verbs[-2:] == ["Pause", "Hangup"]


def transcribe(twilio, call_sid: str, recording_sid: str = RECORDING, text: str = WORDS):
    return twilio.post("/twilio/recording", {
        "CallSid": call_sid, "RecordingSid": recording_sid, "TranscriptionText": text,
        "TranscriptionStatus": "completed", "AccountSid": ACCOUNT_SID})


def on_the_first_open_question(call: PhoneCall) -> PhoneCall:
    """A call that has reached question 1 (a spoken answer) while the database was up."""
    call.ring()
    assert call.press("1").first("Record") is not None
    return call


def answers(runtime) -> list[tuple]:
    return [(a.question_id, a.recording_sid, a.recording_duration, a.transcript)
            for a in rows(runtime, Answer, Answer.question_id == "value")]


def spooled(runtime) -> int:
    return runtime.redis.llen(spool.KEY)


def test_the_words_say_sorry_that_nothing_is_lost_to_ring_later_or_carry_on_by_text():
    words = catalogue_words("voice.database_down")
    assert "sorry" in words and "cannot take answers just at the moment" in words
    assert "Nothing you have told us so far is lost" in words
    assert "ring this number again a little later" in words
    assert "If you have been texting us, you can carry on by text" in words
    assert words.endswith("goodbye.")


def test_every_call_webhook_says_sorry_and_hangs_up_gently_instead_of_a_500(down):
    routes = sorted(r.rule for r in down.client.application.url_map.iter_rules()
                    if r.rule.startswith("/twilio/voice"))
    assert len(routes) >= 15  # survey, voucher, invite and reminder calls
    for route in routes:
        for direction, people in (("inbound", {"From": PHONE, "To": "+447700900000"}),
                                  ("outbound-api", {"From": "+447700900000", "To": PHONE})):
            form = {"CallSid": "CA" + "1" * 32, "AccountSid": ACCOUNT_SID, "Digits": "1",
                    "CallStatus": "in-progress", "Direction": direction, **people}
            twiml = Twiml(down.post(f"{route}?outbox=1&step=value&n=1&pool=1", form))
            assert is_sorry(twiml), (route, twiml.verbs, twiml.said)
            assert twiml.first("Gather") is None and twiml.first("Record") is None


def test_the_sorry_is_spoken_slowly_in_the_voice_of_every_other_prompt(down):
    twiml = PhoneCall(down).ring()
    [say] = twiml.says
    assert (say.get("voice"), say.get("language")) == ("Polly.Amy-Neural", "en-GB")
    assert say.find("prosody").get("rate") == "90%"


def test_a_call_cut_short_by_the_outage_carries_on_where_it_left_off_later(
        twilio, down, runtime):
    call = on_the_first_open_question(PhoneCall(twilio))
    call.record(seconds=8)
    call.press("1")
    call.twilio = down
    assert is_sorry(call.press("1"))
    later = PhoneCall(twilio).ring()
    assert "Welcome back. You have answered 1 of 5" in later.said
    assert "Question 2 of 5" in later.said


def test_a_spoken_answer_recorded_during_the_outage_is_kept_once_the_database_is_back(
        twilio, down, runtime):
    call = on_the_first_open_question(PhoneCall(twilio))
    call.twilio = down
    assert is_sorry(call.record(seconds=21, sid=RECORDING))
    assert down_status(call, "completed") == (200, b"kept; applied when the database is back\n")
    response = transcribe(down, call.sid)
    assert response.status_code == 200
    assert spooled(runtime) == 3 and answers(runtime) == []
    assert spool.drain(runtime) == 3
    assert answers(runtime) == [("value", RECORDING, 21, WORDS)]
    [answer] = rows(runtime, Answer, Answer.question_id == "value")
    assert answer.recording_url.endswith(RECORDING) and answer.channel == "voice"
    [conversation] = rows(runtime, Conversation)
    assert (conversation.status, conversation.step) == ("paused", "promises")
    [kept] = rows(runtime, Call)
    assert kept.status == "completed" and kept.pending is None


def down_status(call: PhoneCall, status: str) -> tuple[int, bytes]:
    response = call.status(status)
    return response.status_code, response.data


def test_the_transcript_only_finds_its_answer_because_callbacks_replay_in_arrival_order(
        twilio, down, runtime):
    call = on_the_first_open_question(PhoneCall(twilio))
    call.twilio = down
    call.record(seconds=9, sid=RECORDING)
    transcribe(down, call.sid)
    call.status("completed")
    order = [json.loads(raw)["kind"] for raw in runtime.redis.lrange(spool.KEY, 0, -1)]
    assert order == ["recording", "transcript", "call_status"]
    spool.drain(runtime)
    # Out of order, the transcript would have come before any answer or waiting recording.
    assert answers(runtime) == [("value", RECORDING, 9, WORDS)]


def test_each_callback_is_applied_exactly_once_however_often_it_came_or_was_drained(
        twilio, down, runtime):
    call = on_the_first_open_question(PhoneCall(twilio))
    call.twilio, question = down, call.last
    for _ in range(2):  # Twilio may deliver the same callback twice
        call.last = question
        call.record(seconds=9, sid=RECORDING)
        call.status("completed")
        transcribe(down, call.sid)
    assert spool.drain(runtime) == 6
    assert spool.drain(runtime) == 0
    assert answers(runtime) == [("value", RECORDING, 9, WORDS)]
    assert count(runtime, Answer) == 2  # the welcome "yes" and the spoken answer


def test_a_no_answer_during_the_outage_still_queues_one_retry_call(twilio, down, runtime):
    twilio.text("call me")
    [row] = rows(runtime, Outbox)
    with runtime.store.transaction() as session:
        session.execute(update(Outbox).where(Outbox.id == row.id).values(
            status="sent", sid="CA" + "2" * 32, attempts=1))
    placed = PhoneCall(down, sid="CA" + "2" * 32, outbound=True)
    assert [placed.status(s).status_code for s in ("ringing", "no-answer", "no-answer")] == [200] * 3
    assert count(runtime, Outbox, Outbox.channel == "call") == 1
    spool.drain(runtime)
    [first, retry] = rows(runtime, Outbox, Outbox.channel == "call")
    assert retry.ref == str(first.id) and retry.status == "pending"
    [kept] = rows(runtime, Call)
    assert kept.status == "no-answer"


def test_delivery_reports_during_the_outage_are_kept_and_applied_in_order(twilio, down, runtime,
                                                                         sent_row):
    for status, extra in (("sent", {}), ("undelivered", {"ErrorCode": "30006"})):
        assert report(down, status, **extra).status_code == 200
    assert spool.drain(runtime) == 2
    [row] = rows(runtime, Outbox, Outbox.id == sent_row)
    assert row.delivery == "undelivered" and "30006" in row.error
    [contact] = rows(runtime, Contact, Contact.id == row.contact_id)
    assert contact.cannot_text is True


def test_a_callback_arriving_while_earlier_ones_wait_queues_behind_them(twilio, down, runtime):
    call = on_the_first_open_question(PhoneCall(twilio))
    call.twilio = down
    call.record(seconds=9, sid=RECORDING)
    response = transcribe(twilio, call.sid)  # the database is back, the spool not yet drained
    assert (response.status_code, spooled(runtime)) == (200, 2)
    assert runtime.queue.count == 1  # a drain job, so it does not wait for the sweeper
    PhoneCall(twilio, sid=call.sid).status("completed")
    spool.drain(runtime)
    assert answers(runtime) == [("value", RECORDING, 9, WORDS)]


def test_texts_and_call_callbacks_share_one_spool_in_the_order_they_came(
        twilio, down, runtime):
    call = on_the_first_open_question(PhoneCall(twilio))
    call.twilio = down
    call.record(seconds=9, sid=RECORDING)
    call.status("completed")
    down.text("Tea and a chat")
    assert spool.drain(runtime) == 3
    # The call ended (its answer kept) before the text came, so the text answers question 2;
    # replayed the other way round, it would have been taken as the answer to question 1.
    found = [(a.question_id, a.recording_sid, a.text) for a in rows(runtime, Answer)]
    assert found[1:] == [("value", RECORDING, None), ("promises", None, "Tea and a chat")]


def test_with_redis_down_too_the_spoken_answer_is_kept_in_a_file_and_replayed(
        twilio, settings, runtime):
    call = on_the_first_open_question(PhoneCall(twilio))
    both_down = Runtime(settings.with_(database_url=NOWHERE, redis_url="redis://127.0.0.1:1/0"))
    call.twilio = Twilio(create_app(runtime=both_down).test_client())
    assert is_sorry(call.record(seconds=14, sid=RECORDING))
    assert call.status("completed").status_code == 200
    both_down.close()
    assert len(list((settings.instance_dir / "spool").glob("*.json"))) == 2
    assert spool.drain(runtime) == 2
    assert answers(runtime) == [("value", RECORDING, 14, None)]


def test_an_empty_recording_during_the_outage_is_not_kept(twilio, down, runtime):
    call = on_the_first_open_question(PhoneCall(twilio))
    call.twilio = down
    assert is_sorry(call.record(seconds=0))
    assert spooled(runtime) == 0


def test_erasing_a_person_drops_their_spooled_answer_and_its_transcript(twilio, down, runtime):
    call = on_the_first_open_question(PhoneCall(twilio))
    call.twilio = down
    call.record(seconds=9, sid=RECORDING)
    transcribe(down, call.sid)
    down.text("hello again", sender="+447700900999")  # someone else's: stays
    with runtime.store.transaction() as session:
        person = session.scalars(select(Contact).where(Contact.phone == PHONE)).one()
        erasure.erase(session, person, runtime)
    left = runtime.redis.lrange(spool.KEY, 0, -1)
    assert [json.loads(raw)["kind"] for raw in left] == ["text"]
    assert not any(WORDS.encode() in raw or RECORDING.encode() in raw for raw in left)


def test_a_text_spooled_before_the_spool_held_calls_is_still_handled(runtime):
    old = {"sender": PHONE, "body": "hi", "message_sid": "SM" + "7" * 32, "media_count": 0,
           "at": "2026-11-25T12:00:00+00:00"}
    runtime.redis.rpush(spool.KEY, json.dumps(old))
    assert spool.drain(runtime) == 1
    assert count(runtime, Message, Message.sid == "SM" + "7" * 32) == 1
