"""`brewline chat` shows texts the service sends later, read from the local outbox, once each
and in the order they were sent; STOP and START say how Twilio answers them on a live number."""
from __future__ import annotations

from datetime import timedelta

import pytest

from brewline.cli.chat import LaterTexts, turn
from brewline.delivery.models import Outbox
from brewline.people.models import Contact
from brewline.platform.database import utcnow

ME = "+447700900321"


def contact(runtime, phone: str = ME) -> int:
    with runtime.store.transaction() as session:
        person = Contact(phone=phone)
        session.add(person)
        session.flush()
        return person.id


def sent(runtime, contact_id: int, body: str, ago: timedelta = timedelta(0),
         status: str = "sent") -> int:
    """A text the worker sent `ago` (or one still waiting, with another status)."""
    with runtime.store.transaction() as session:
        row = Outbox(contact_id=contact_id, body=body, purpose="t", status=status,
                     sent_at=utcnow() - ago if status == "sent" else None)
        session.add(row)
        session.flush()
        return row.id


@pytest.fixture
def later(runtime):
    """Makes a LaterTexts for a number (closed after the test), as chat does at start."""
    made: list[LaterTexts] = []

    def watch(sender: str = "07700 900321") -> LaterTexts:
        made.append(LaterTexts(runtime.settings, sender))
        return made[-1]
    yield watch
    for texts in made:
        texts.close()


def test_later_texts_show_once_each_and_only_for_this_number(runtime, later, capsys):
    me, other = contact(runtime), contact(runtime, "+447700900322")
    sent(runtime, me, "Old news", ago=timedelta(minutes=5))
    watching = later()
    sent(runtime, me, "Question 2 of 6: ...")
    sent(runtime, me, "Not yet sent", status="pending")
    sent(runtime, other, "Someone else's")

    assert watching.show() == 1
    assert watching.show() == 0
    watching.wait(0.01)
    out = capsys.readouterr().out
    assert "Question 2 of 6" in out and "Old news" not in out and "Someone else" not in out
    assert "(nothing more yet)" in out


def test_texts_show_in_the_order_they_were_sent_not_written(runtime, later, capsys):
    me = contact(runtime)
    watching = later()
    held = sent(runtime, me, "Question 3 of 5", status="pending")  # written first, sent later
    sent(runtime, me, "Take your time", ago=timedelta(seconds=30))
    assert watching.show() == 1
    with runtime.store.transaction() as session:
        row = session.get(Outbox, held)
        row.status, row.sent_at = "sent", utcnow()

    assert watching.show() == 1  # a lower id, sent after the last look: still shown
    lines = [line for line in capsys.readouterr().out.splitlines() if "(later)" in line]
    assert lines == ["brewline (later)> Take your time", "brewline (later)> Question 3 of 5"]


def test_a_text_sent_while_typing_shows_before_the_reply_to_the_next_one(
        served, settings, runtime, later, capsys):
    watching = later(ME)
    turn(served, settings, ME, "hi", watching)
    sent(runtime, contact_id_of(runtime), "Question 3 of 5 (sent while you typed)")

    turn(served, settings, ME, "yes", watching)

    out = capsys.readouterr().out
    typed_after = out.index("Question 3 of 5 (sent while you typed)")
    assert typed_after < out.index("brewline> Question 1 of 5")


def contact_id_of(runtime, phone: str = ME) -> int:
    with runtime.store.transaction() as session:
        return session.query(Contact.id).filter_by(phone=phone).scalar()


def test_stop_and_start_say_that_twilio_answers_them_on_a_live_number(served, settings, later,
                                                                      capsys):
    watching = later(ME)
    turn(served, settings, ME, "hi", watching)
    capsys.readouterr()
    turn(served, settings, ME, "STOP", watching)
    stopped = capsys.readouterr().out
    turn(served, settings, ME, "start", watching)
    started = capsys.readouterr().out

    assert "Twilio itself answers, saying no more texts will come" in stopped
    assert "Twilio itself answers, saying texts will come again" in started
    assert "(no reply)" not in stopped + started
