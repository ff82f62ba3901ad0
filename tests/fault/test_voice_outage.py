"""The database unreachable in the middle of a call, against real gunicorn and a real worker."""
from __future__ import annotations

import http.client
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from brewline.calls.models import Call
from flows.words import words as catalogue_words
from brewline.surveys.models import Answer
from tests.conftest import ACCOUNT_SID, AUTH_TOKEN, PUBLIC_URL
from tests.fault.conftest import free_port, wait_until
from tests.fault.test_web import listening

pytestmark = pytest.mark.fault
SIGNER = RequestValidator(AUTH_TOKEN)
PHONE, CALL, RECORDING = "+447700900432", "CA" + "4" * 32, "RE" + "4" * 32
WORDS = "A bus that comes when it says it will"


def post(port: int, path: str, **form) -> tuple[int, ET.Element | bytes]:
    """A signed Twilio post; TwiML answers come back parsed."""
    form = {"AccountSid": ACCOUNT_SID, **form}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request("POST", path, urlencode(form), {
            "X-Twilio-Signature": SIGNER.compute_signature(PUBLIC_URL + path, form),
            "Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        body = response.read()
        is_xml = response.getheader("Content-Type", "").startswith("text/xml")
        return response.status, ET.fromstring(body) if is_xml else body
    finally:
        connection.close()


def turn(port: int, path: str, sid: str = CALL, **form) -> ET.Element:
    status, twiml = post(port, path, CallSid=sid, From=PHONE, To="+447700900000",
                         Direction="inbound", CallStatus="in-progress", **form)
    assert status == 200, twiml
    return twiml


def said(twiml: ET.Element) -> str:
    return " ".join("".join(say.itertext()).strip() for say in twiml.iter("Say"))


def kept_answer(runtime) -> tuple | None:
    with runtime.store.transaction() as session:
        answer = session.scalars(select(Answer).where(Answer.question_id == "value")).first()
        return answer and (answer.recording_sid, answer.recording_duration, answer.transcript)


def test_a_spoken_answer_and_callbacks_during_an_outage_are_kept_and_applied_once_it_ends(
        runtime, processes, database_proxy):
    proxy, proxied_url = database_proxy
    port = free_port()
    processes.web(port, DATABASE_URL=proxied_url)
    processes.worker(DATABASE_URL=proxied_url)
    wait_until(lambda: listening(port), 20, "gunicorn listening")
    welcome = turn(port, "/twilio/voice")
    question = turn(port, welcome.find("Gather").get("action"), Digits="1")
    record = question.find("Record")
    assert record is not None
    proxy.cut()
    sorry = turn(port, record.get("action"), RecordingSid=RECORDING, RecordingDuration="17",
                 RecordingUrl=f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}"
                              f"/Recordings/{RECORDING}")
    assert said(sorry) == catalogue_words("voice.database_down") and sorry[-1].tag == "Hangup"
    assert post(port, "/twilio/call-status", CallSid=CALL, CallStatus="completed")[0] == 200
    assert post(port, "/twilio/recording", CallSid=CALL, RecordingSid=RECORDING,
                TranscriptionStatus="completed", TranscriptionText=WORDS)[0] == 200
    another = turn(port, "/twilio/voice", sid="CA" + "5" * 32)  # they ring straight back
    assert said(another) == catalogue_words("voice.database_down")
    proxy.start()
    found = wait_until(lambda: kept_answer(runtime), 30, "the spoken answer being kept")
    assert found == (RECORDING, 17, WORDS)
    with runtime.store.transaction() as session:
        assert session.scalars(select(Call.status).where(Call.sid == CALL)).one() == "completed"
        kept = session.scalars(select(Answer.id).where(Answer.recording_sid == RECORDING))
        assert len(kept.all()) == 1
