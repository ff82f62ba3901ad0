"""A real worker joins held texts once ANSWER_WINDOW has passed, and texts the next question."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from brewline.platform.runtime import Runtime
from brewline.surveys.models import Answer
from brewline.texts.inbound import InboundText, receive_text
from tests.conftest import PHONE
from tests.fault.conftest import wait_until

pytestmark = pytest.mark.fault
WINDOW = 2


def test_a_running_worker_closes_the_window_and_sends_the_next_question_once(
        runtime, processes, fake_twilio):
    windowed = Runtime(runtime.settings.with_(answer_window=WINDOW))
    try:
        for n, body in enumerate(["hi", "yes", "Being honest", "about what they can do"]):
            receive_text(windowed, InboundText(sender=PHONE, body=body, message_sid=f"SMw{n}"))
        processes.worker(ANSWER_WINDOW=str(WINDOW))

        wait_until(lambda: any("Question 2" in m["Body"] for m in fake_twilio.messages),
                   WINDOW + 10, "the next question after the window")
        time.sleep(2.5)  # two more watches: a second close would have sent it again by now
        with windowed.store.transaction() as session:
            answers = session.scalars(select(Answer.text).where(Answer.question_id == "value")).all()
    finally:
        windowed.close()

    assert answers == ["Being honest\nabout what they can do"]
    assert sum("Question 2" in m["Body"] for m in fake_twilio.messages) == 1
