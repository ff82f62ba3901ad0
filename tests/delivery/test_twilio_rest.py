"""workers.twilio_rest driven through the real twilio client against the local fake."""

import email.utils
import pickle
import re
import socket
import threading
import time
import traceback

import pytest

from brewline.delivery.twilio_rest import (
    CannotReceive,
    OptedOut,
    RateLimited,
    Rejected,
    SendError,
    TransientError,
    TwilioRest,
    close_client,
    make_client,
)

SENDER = "+15005550006"
RECIPIENT = "+15005550001"
CALLBACK = "https://brewline.example/twilio/status"
RECORDING_SID = "RE" + "a" * 32
MP3 = b"ID3\x04\x00\xff\xfb\x90\x00\x80\xfe" * 64  # not valid UTF-8, so corruption would show


@pytest.fixture
def client(fake):
    client = make_client(fake.account_sid, fake.auth_token, api_base_url=fake.url)
    yield client
    close_client(client)


@pytest.fixture
def twilio(client):
    return TwilioRest(client, SENDER)


def a_free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_text_sent_through_the_real_client_reaches_the_fake(twilio, fake):
    sid = twilio.send_sms(RECIPIENT, "Fancy a brew?", status_callback=CALLBACK)

    assert re.fullmatch(r"SM[0-9a-f]{32}", sid)
    assert fake.messages == [
        {"To": RECIPIENT, "From": SENDER, "Body": "Fancy a brew?", "StatusCallback": CALLBACK, "sid": sid}
    ]


def test_a_text_without_a_status_callback_sends_no_callback_field(twilio, fake):
    twilio.send_sms(RECIPIENT, "Hello")

    assert "StatusCallback" not in fake.messages[0]


def test_requests_carry_the_account_credentials_as_basic_auth(twilio, fake):
    twilio.send_sms(RECIPIENT, "Hello")

    assert fake.requests[0]["headers"]["Authorization"].startswith("Basic ")
    assert fake.requests[0]["path"] == f"/2010-04-01/Accounts/{fake.account_sid}/Messages.json"


def test_a_call_asks_for_every_status_event_and_answering_machine_detection(twilio, fake):
    sid = twilio.place_call(RECIPIENT, "https://brewline.example/voice/start", status_callback=CALLBACK)

    assert re.fullmatch(r"CA[0-9a-f]{32}", sid)
    [call] = fake.calls
    assert call["To"] == RECIPIENT and call["From"] == SENDER
    assert call["Url"] == "https://brewline.example/voice/start"
    assert call["StatusCallback"] == CALLBACK
    assert call["StatusCallbackEvent"] == ["initiated", "ringing", "answered", "completed"]
    assert call["MachineDetection"] == "Enable"


def test_a_call_can_skip_machine_detection_and_status_callbacks(twilio, fake):
    twilio.place_call(RECIPIENT, "https://brewline.example/voice/start", machine_detection=False)

    [call] = fake.calls
    assert "MachineDetection" not in call
    assert "StatusCallback" not in call and "StatusCallbackEvent" not in call


def test_a_recording_is_fetched_by_sid_as_unaltered_mp3_bytes(twilio, fake):
    fake.add_recording(RECORDING_SID, MP3, "audio/mpeg")

    assert twilio.fetch_recording(RECORDING_SID) == (MP3, "audio/mpeg")
    assert fake.requests[-1]["path"].endswith(f"/Recordings/{RECORDING_SID}.mp3")


def test_a_callback_recording_url_is_fetched_from_the_configured_api_host(twilio, fake):
    fake.add_recording(RECORDING_SID, MP3)
    url = f"https://api.twilio.com/2010-04-01/Accounts/{fake.account_sid}/Recordings/{RECORDING_SID}"

    audio, _ = twilio.fetch_recording(url)

    assert audio == MP3
    assert fake.requests[-1]["method"] == "GET"


def test_a_missing_recording_is_rejected_with_twilios_not_found_code(twilio):
    with pytest.raises(Rejected) as raised:
        twilio.fetch_recording(RECORDING_SID)

    assert (raised.value.status, raised.value.code) == (404, 20404)


def test_a_url_that_is_not_a_twilio_recording_is_refused_without_a_request(twilio, fake):
    with pytest.raises(ValueError):
        twilio.fetch_recording("https://evil.example/steal-credentials")

    assert fake.requests == []


def test_deleting_a_recording_removes_it_from_the_fake(twilio, fake):
    fake.add_recording(RECORDING_SID, MP3)

    twilio.delete_recording(RECORDING_SID)

    assert fake.deleted_recordings == [RECORDING_SID]
    assert fake.requests[-1]["method"] == "DELETE"
    with pytest.raises(Rejected):
        twilio.fetch_recording(RECORDING_SID)


def test_http_429_becomes_rate_limited_with_the_retry_after_seconds(twilio, fake):
    fake.fail_next(status=429, code=20429, retry_after=7)

    with pytest.raises(RateLimited) as raised:
        twilio.send_sms(RECIPIENT, "Hello")

    assert raised.value.retry_after == 7.0
    assert (raised.value.status, raised.value.code) == (429, 20429)


def test_a_retry_after_given_as_an_http_date_becomes_seconds_from_now(twilio, fake):
    fake.fail_next(retry_after=email.utils.formatdate(time.time() + 30, usegmt=True))

    with pytest.raises(RateLimited) as raised:
        twilio.send_sms(RECIPIENT, "Hello")

    assert 25 <= raised.value.retry_after <= 31


def test_code_20429_is_rate_limited_even_without_http_429_or_retry_after(twilio, fake):
    fake.fail_next(status=400, code=20429)

    with pytest.raises(RateLimited) as raised:
        twilio.send_sms(RECIPIENT, "Hello")

    assert raised.value.retry_after is None


@pytest.mark.parametrize("status, code", [(500, 20500), (503, 20503)])
def test_a_twilio_server_error_is_transient(twilio, fake, status, code):
    fake.fail_next(status=status, code=code, message="Internal Server Error")

    with pytest.raises(TransientError) as raised:
        twilio.send_sms(RECIPIENT, "Hello")

    assert (raised.value.status, raised.value.code) == (status, code)


def test_code_21610_means_the_recipient_opted_out(twilio, fake):
    fake.fail_next(status=400, code=21610, message="Attempt to send to unsubscribed recipient")

    with pytest.raises(OptedOut) as raised:
        twilio.send_sms(RECIPIENT, "Hello")

    assert raised.value.code == 21610


@pytest.mark.parametrize("code", [21211, 21614, 30006])
def test_unreachable_number_codes_mean_the_recipient_cannot_receive(twilio, fake, code):
    fake.fail_next(status=400, code=code, message="Invalid 'To' Phone Number")

    with pytest.raises(CannotReceive) as raised:
        twilio.send_sms(RECIPIENT, "Hello")

    assert raised.value.code == code


def test_any_other_client_error_is_rejected_with_its_code(twilio, fake):
    fake.fail_next(status=400, code=21617, message="The concatenated message body exceeds the 1600 character limit")

    with pytest.raises(Rejected) as raised:
        twilio.send_sms(RECIPIENT, "Hello")

    assert (raised.value.status, raised.value.code) == (400, 21617)


def test_call_errors_are_mapped_like_text_errors(twilio, fake):
    fake.fail_next(status=400, code=21211, message="Invalid 'To' Phone Number")

    with pytest.raises(CannotReceive):
        twilio.place_call(RECIPIENT, "https://brewline.example/voice/start")

    assert fake.calls == []


def test_every_mapped_error_is_a_send_error(twilio, fake):
    fake.fail_next(status=400, code=21610)

    with pytest.raises(SendError):
        twilio.send_sms(RECIPIENT, "Hello")


def test_bad_credentials_are_rejected_with_twilio_code_20003(fake):
    client = make_client(fake.account_sid, "wrong-token", api_base_url=fake.url)
    try:
        with pytest.raises(Rejected) as raised:
            TwilioRest(client, SENDER).send_sms(RECIPIENT, "Hello")
    finally:
        close_client(client)

    assert (raised.value.status, raised.value.code) == (401, 20003)
    assert fake.messages == []


def test_an_unreachable_twilio_is_a_transient_error():
    client = make_client("AC" + "0" * 32, "token", api_base_url=f"http://127.0.0.1:{a_free_port()}")
    try:
        with pytest.raises(TransientError) as raised:
            TwilioRest(client, SENDER).send_sms(RECIPIENT, "Hello")
    finally:
        close_client(client)

    assert raised.value.code is None


def test_a_twilio_that_does_not_answer_in_time_is_a_transient_error(fake):
    fake.delay = 0.5
    client = make_client(fake.account_sid, fake.auth_token, api_base_url=fake.url, timeout=0.05)
    try:
        with pytest.raises(TransientError):
            TwilioRest(client, SENDER).send_sms(RECIPIENT, "Hello")
    finally:
        close_client(client)


def test_errors_never_reveal_the_phone_number_or_the_message_text(twilio, fake):
    fake.fail_next(status=400, code=21211, message=f"The 'To' number {RECIPIENT} is not valid")

    with pytest.raises(CannotReceive) as raised:
        twilio.send_sms(RECIPIENT, "my secret answer")

    error = raised.value
    shown = "".join(traceback.format_exception_only(error)) + repr(error) + repr(error.args)
    assert RECIPIENT not in shown and "secret" not in shown
    assert error.__cause__ is None and error.__suppress_context__


def test_rate_limited_survives_pickling_for_job_queues(twilio, fake):
    fake.fail_next(retry_after=3)
    with pytest.raises(RateLimited) as raised:
        twilio.send_sms(RECIPIENT, "Hello")

    copy = pickle.loads(pickle.dumps(raised.value))

    assert (copy.retry_after, copy.code, copy.status, copy.reason) == (
        3.0, 20429, 429, raised.value.reason,
    )


def test_a_scripted_failure_affects_only_the_next_n_requests(twilio, fake):
    fake.fail_next(status=500, code=20500, times=2)

    for _ in range(2):
        with pytest.raises(TransientError):
            twilio.send_sms(RECIPIENT, "Hello")
    twilio.send_sms(RECIPIENT, "Hello")

    assert len(fake.messages) == 1


def test_consecutive_texts_reuse_one_connection(twilio, fake):
    for _ in range(20):
        twilio.send_sms(RECIPIENT, "Hello")

    assert fake.connections_opened == 1


def test_texts_sent_from_many_threads_are_all_recorded_once(twilio, fake):
    def send_batch():
        for _ in range(25):
            twilio.send_sms(RECIPIENT, "Hello")

    threads = [threading.Thread(target=send_batch) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len({message["sid"] for message in fake.messages}) == 200


def test_region_and_edge_settings_do_not_redirect_an_overridden_base_url(fake, monkeypatch):
    monkeypatch.setenv("TWILIO_REGION", "ie1")
    monkeypatch.setenv("TWILIO_EDGE", "dublin")
    client = make_client(fake.account_sid, fake.auth_token, api_base_url=fake.url)
    try:
        TwilioRest(client, SENDER).send_sms(RECIPIENT, "Hello")
    finally:
        close_client(client)

    assert len(fake.messages) == 1


def test_without_a_base_url_the_client_targets_twilio_itself():
    client = make_client("AC" + "0" * 32, "token")
    try:
        assert client.api.base_url == "https://api.twilio.com"
    finally:
        close_client(client)
