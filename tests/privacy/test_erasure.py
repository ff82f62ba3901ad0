"""Erasure: by text (with a confirmation), by an organiser, and after the retention period."""
from __future__ import annotations

import json
import zlib
from datetime import timedelta

import pytest
from sqlalchemy import String, Text, select, update

from brewline.cli.contacts import erase_command
from brewline.delivery import outbox, sending, spool
from brewline.delivery.models import Message, Outbox
from brewline.events.models import Event, Rsvp
from brewline.people.models import Consent, Contact, Tag
from brewline.platform.database import JSON, Base, utcnow
from brewline.privacy import erasure, retention
from brewline.privacy.models import ErasureRequest
from brewline.surveys.models import Answer, Conversation
from brewline.texts.inbound import InboundText
from tests.conftest import PHONE
from tests.fakes.twilio_api import FakeTwilio
from tests.texts.test_sms_webhook import replies
from workers import context

WORDS = "Zanzibar marmalade and the number 42 bus"
RECORDING = "RE" + "7" * 32
OTHER = "+447700900456"


@pytest.fixture
def person(twilio, runtime):
    """Someone who answered, has a recording and a queued text."""
    for body in ("hi", "yes", WORDS):
        replies(twilio.text(body))
    replies(twilio.text("hello", sender=OTHER))
    with runtime.store.transaction() as session:
        contact = session.scalars(select(Contact).where(Contact.phone == PHONE)).one()
        conversation = session.scalars(select(Conversation).where(
            Conversation.contact_id == contact.id)).one()
        session.add(Answer(conversation_id=conversation.id, contact_id=contact.id, flow_id="f",
                           flow_version=1, question_id="q", question_text="?", channel="voice",
                           recording_sid=RECORDING, recording_url="https://api.twilio.com/r"))
        outbox.add(runtime, session, contact.id, "Reminder: " + WORDS, "reminder",
                   not_before=utcnow() + timedelta(days=1))
        event = Event(title="Tea", starts_at=utcnow() + timedelta(days=3), where="Library")
        session.add(event)
        session.flush()
        session.add_all([Tag(contact_id=contact.id, name="zanzibar-street"),
                         Rsvp(event_id=event.id, contact_id=contact.id, answer="yes", said=WORDS)])
        return contact.id


def spool_one(runtime):
    """A text of theirs still waiting in the spool (kept while the database was down)."""
    spool.keep(runtime, "text", InboundText(PHONE, WORDS + " again", "SM" + "9" * 32), utcnow())


def every_text_in_the_database(runtime) -> list[str]:
    found = []
    with runtime.store.transaction() as session:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.c if isinstance(c.type, (String, Text, JSON))]
            for row in session.execute(select(*columns)) if columns else []:
                found += [json.dumps(v) if not isinstance(v, str) else v for v in row if v]
    return found


def everything_in_redis(runtime) -> list[bytes]:
    r, found = runtime.redis, []
    for key in r.scan_iter():
        kind = r.type(key)
        found.append(key)
        if kind == b"string":
            found.append(r.get(key))
        elif kind == b"list":
            found += r.lrange(key, 0, -1)
        elif kind == b"hash":
            for value in r.hgetall(key).values():
                found.append(value)
                try:
                    found.append(zlib.decompress(value))  # RQ compresses job data
                except zlib.error:
                    pass
        elif kind in (b"set", b"zset"):
            found += list(r.smembers(key) if kind == b"set" else r.zrange(key, 0, -1))
    return found


def assert_nothing_of_them_remains(runtime):
    secrets = [PHONE, PHONE[3:], "Zanzibar", "zanzibar"]
    db = every_text_in_the_database(runtime)
    assert not [t for t in db if any(s in t for s in secrets)]
    redis_values = everything_in_redis(runtime)
    assert not [v for v in redis_values if any(s.encode() in v for s in secrets)]


def confirm_by_text(twilio, runtime):
    [question] = replies(twilio.text("Delete my data!"))
    assert "reply DELETE today" in question
    [done] = replies(twilio.text("delete"))
    assert "deleting" in done
    with runtime.store.transaction() as session:
        [job_contact] = session.scalars(select(ErasureRequest.contact_id)).all()
    spool_one(runtime)
    context.use(runtime)
    try:
        assert erasure.erase_job(job_contact) == "erased"
    finally:
        context.use(None)


def test_delete_my_data_asks_first_and_erases_nothing_yet(person, twilio, runtime):
    [question] = replies(twilio.text("delete my data"))
    assert "reply DELETE today" in question
    with runtime.store.transaction() as session:
        assert session.get(Contact, person).phone == PHONE


def test_anything_but_delete_after_the_question_keeps_everything_and_asks_again(
        person, twilio, runtime):
    replies(twilio.text("delete my data"))
    kept, question = replies(twilio.text("Actually no, more buses"))
    assert kept == "No problem, we will keep your data."
    assert question.startswith("Question 2 of 5")
    with runtime.store.transaction() as session:
        assert session.get(Contact, person).phone == PHONE
        assert session.scalars(select(ErasureRequest)).all() == []


def test_delete_a_day_after_the_question_no_longer_erases_and_says_how_to_ask_again(
        person, twilio, runtime):
    replies(twilio.text("delete my data"))
    with runtime.store.transaction() as session:
        session.execute(update(ErasureRequest).values(asked_at=utcnow() - timedelta(days=2)))
    lapsed, question = replies(twilio.text("DELETE"))
    assert "we kept your data" in lapsed and "DELETE MY DATA" in lapsed
    assert question.startswith("Question 2 of 5")
    with runtime.store.transaction() as session:
        assert session.get(Contact, person).phone == PHONE
        assert session.scalars(select(ErasureRequest)).all() == []


def test_after_delete_nothing_of_the_person_remains_in_the_database_or_redis(person, twilio, runtime):
    confirm_by_text(twilio, runtime)
    assert_nothing_of_them_remains(runtime)
    with runtime.store.transaction() as session:
        assert session.scalars(select(Contact.phone).where(Contact.phone == OTHER)).one()
        assert session.scalars(select(Message).where(Message.contact_id == person)).all() == []


def test_erasure_queues_a_twilio_recording_deletion_that_a_worker_sends(person, twilio, runtime, settings):
    confirm_by_text(twilio, runtime)
    with runtime.store.transaction() as session:
        [row] = session.scalars(select(Outbox).where(Outbox.purpose == "delete_recording")).all()
    assert (row.channel, row.ref, row.body) == ("api", RECORDING, "")
    with FakeTwilio("AC" + "0" * 32, settings.twilio_auth_token) as fake:
        live = type(runtime)(settings.with_(twilio_api_base_url=fake.url))
        assert sending.deliver(live, row.id) == "sent"
        live.close()
    assert fake.deleted_recordings == [RECORDING]


def test_the_erased_person_texting_again_starts_afresh_as_a_stranger(person, twilio, runtime):
    confirm_by_text(twilio, runtime)
    [welcome] = replies(twilio.text("hi"))
    assert welcome.startswith("Hello, this is Over a Brew")


def test_after_stop_delete_my_data_erases_without_asking_and_says_it_is_done(person, twilio, runtime):
    replies(twilio.text("STOP"))
    [done] = replies(twilio.text("delete my data"))
    assert done.startswith("Done. We are deleting your phone number")
    context.use(runtime)
    try:
        assert retention.sweep_retention(runtime) == 1
    finally:
        context.use(None)
    assert_nothing_of_them_remains(runtime)


def test_an_organiser_erases_a_person_from_the_command_line(person, app, runtime):
    spool_one(runtime)
    result = app.test_cli_runner().invoke(erase_command, ["07700 900123", "--yes"])
    assert result.exit_code == 0, result.output
    assert "erased +44*******123" in result.output and "1 recording" in result.output
    assert_nothing_of_them_remains(runtime)


def test_the_command_line_says_plainly_when_no_one_has_that_number(app, runtime):
    result = app.test_cli_runner().invoke(erase_command, ["07700 900999", "--yes"])
    assert result.exit_code == 1 and "no one with the number" in result.output


def make_person(runtime, phone: str, last_text_days_ago: int, consent: bool | None) -> int:
    now = utcnow()
    with runtime.store.transaction() as session:
        contact = Contact(phone=phone, created_at=now - timedelta(days=800))
        session.add(contact)
        session.flush()
        session.add(Message(contact_id=contact.id, direction="in", body="hello",
                            created_at=now - timedelta(days=last_text_days_ago)))
        if consent is not None:
            session.add(Consent(contact_id=contact.id, topic="invites", granted=consent,
                                channel="sms"))
        return contact.id


@pytest.mark.parametrize("days, consent, erased", [
    (400, None, True), (400, False, True), (400, True, False), (100, None, False)])
def test_retention_erases_only_people_past_it_without_consent(runtime, days, consent, erased):
    contact_id = make_person(runtime, "+447700900777", days, consent)
    assert retention.sweep_retention(runtime) == int(erased)
    with runtime.store.transaction() as session:
        assert (session.get(Contact, contact_id).phone is None) == erased


def test_saying_delete_my_data_on_a_call_erases_the_person_and_their_recordings(twilio, runtime, settings):
    from tests.calls.phone import PhoneCall

    call = PhoneCall(twilio)
    call.ring()
    call.press("1")
    call.record(seconds=9, sid=RECORDING)
    call.press("3")  # record again: the first recording is kept on the call as discarded
    call.record(seconds=12, sid="RE" + "8" * 32)
    call.press("1")
    sure = call.say("Delete my data")
    assert "To delete them now, press 1" in sure.said and not sure.hangs_up
    goodbye = call.press("1")
    assert goodbye.hangs_up and "delete your phone number" in goodbye.said
    with runtime.store.transaction() as session:
        [contact_id] = session.scalars(select(ErasureRequest.contact_id)).all()
    erasure.erase_by_id(runtime, contact_id)
    assert_nothing_of_them_remains(runtime)
    with runtime.store.transaction() as session:
        queued = session.scalars(select(Outbox.ref).where(Outbox.purpose == "delete_recording")).all()
    assert sorted(queued) == sorted([RECORDING, "RE" + "8" * 32])
