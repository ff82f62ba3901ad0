"""Codes never appear in logs or job arguments."""
from __future__ import annotations

import logging

from tests.texts.test_sms_webhook import replies
from tests.vouchers.test_by_call import BASE, action, call
from tests.vouchers.test_by_text import finish_survey, load_pool


def test_claiming_by_text_and_call_and_waiting_list_logs_and_queues_no_code(
        twilio, pools, runtime, caplog):
    caplog.set_level(logging.DEBUG)
    load_pool(pools, count=1, low_stock=5)
    finish_survey(twilio)
    finish_survey(twilio, sender="+447700900124")
    assert "Code: T000000" in replies(twilio.text("voucher"))[0]
    assert "on its way" in replies(twilio.text("voucher", sender="+447700900124"))[0]
    load_pool(pools, count=1, prefix="N")
    call(twilio, action(call(twilio))[len(BASE):], digits="2")
    assert "running low" in caplog.text
    assert "T000000" not in caplog.text and "N000000" not in caplog.text
    jobs = runtime.queue.get_jobs()
    assert jobs, "the texts were queued"
    assert all(all(isinstance(arg, int) for arg in job.args) for job in jobs)
    assert all("T000000" not in str(job.args) + str(job.kwargs) for job in jobs)
