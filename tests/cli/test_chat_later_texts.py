"""`brewline chat` shows texts the service sends later, read from the local outbox."""
from __future__ import annotations

from brewline.cli.chat import LaterTexts
from brewline.delivery.models import Outbox
from brewline.people.models import Contact


def test_later_texts_show_once_each_and_only_for_this_number(runtime, capsys):
    with runtime.store.transaction() as session:
        me, other = Contact(phone="+447700900321"), Contact(phone="+447700900322")
        session.add_all([me, other])
        session.flush()
        session.add(Outbox(contact_id=me.id, body="Old news", purpose="t", status="sent"))
    later = LaterTexts(runtime.settings, "07700 900321")
    with runtime.store.transaction() as session:
        session.add_all([
            Outbox(contact_id=me.id, body="Question 2 of 6: ...", purpose="t", status="sent"),
            Outbox(contact_id=me.id, body="Not yet sent", purpose="t", status="pending"),
            Outbox(contact_id=other.id, body="Someone else's", purpose="t", status="sent")])

    try:
        assert later.show() == 1
        assert later.show() == 0
        later.wait(0.01)
    finally:
        later.close()
    out = capsys.readouterr().out
    assert "Question 2 of 6" in out and "Old news" not in out and "Someone else" not in out
    assert "(nothing more yet)" in out
