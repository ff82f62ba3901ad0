"""`brewline invites send EVENT [--tag T] [--dry-run]`: only to people who agreed, once."""
from __future__ import annotations

from datetime import datetime, timezone

from brewline.delivery.models import Outbox
from brewline.events.models import Invite
from brewline.people.models import Consent
from tests.events.fixtures import (  # noqa: F401  (local mode)
    add_contact,
    add_event,
    cli,
    count,
    registered,
    rows,
    settings,
    tag,
)


def people(runtime) -> dict[str, int]:
    """One of each kind of contact an audience must tell apart."""
    found = {
        "agreed": add_contact(runtime, "+447700900101"),
        "said_no": add_contact(runtime, "+447700900102", invites=False),
        "never_asked": add_contact(runtime, "+447700900103", invites=None),
        "opted_out": add_contact(runtime, "+447700900104",
                                 opted_out_at=datetime.now(timezone.utc)),
        "phone_only": add_contact(runtime, "+441914960000", phone_only=True),
        "cannot_text": add_contact(runtime, "+447700900105", cannot_text=True),
        "changed_mind": add_contact(runtime, "+447700900106"),
    }
    with runtime.store.transaction() as session:
        session.add(Consent(contact_id=found["changed_mind"], topic="invites", granted=False,
                            channel="sms", source="flow:over-a-brew-2024-05"))
    return found


def test_invites_go_only_to_those_who_agreed_and_a_call_to_the_phone_only(cli, runtime):
    who, event_id = people(runtime), add_event(runtime)
    result = cli("invites", "send", str(event_id))
    assert result.exit_code == 0, result.output
    assert "2 invite(s) written: 1 by text, 1 by phone call" in result.output
    [text] = rows(runtime, Outbox.purpose == "invite")
    [call] = rows(runtime, Outbox.purpose == "invite_call")
    assert (text.contact_id, text.channel, text.ref) == (who["agreed"], "sms", f"event:{event_id}")
    assert (call.contact_id, call.channel) == (who["phone_only"], "call")
    assert "Press 1 if you would like to come" in call.body
    assert count(runtime, Invite, Invite.event_id == event_id) == 2


def test_the_invite_text_says_who_what_when_where_and_how_to_reply(cli, runtime):
    add_contact(runtime, "+447700900101")
    event_id = add_event(runtime, title="Over a Brew: the ethical use of AI", where="Library")
    cli("invites", "send", str(event_id))
    [text] = rows(runtime, Outbox.purpose == "invite")
    assert text.body.startswith("Hello from Over a Brew")
    for part in ("the ethical use of AI", " at 2pm", "Library", "YES, NO or MAYBE"):
        assert part in text.body


def test_every_invite_is_queued_by_id_after_commit(cli, runtime):
    for i in range(5):
        add_contact(runtime, f"+44770090020{i}")
    cli("invites", "send", str(add_event(runtime)))
    queued = sorted(i for job in runtime.queue.get_jobs() for i in job.args)  # ids only, in batches
    assert queued == sorted(r.id for r in rows(runtime))
    jobs = runtime.queue.get_jobs()
    assert all(job.func_name == "brewline.delivery.sending.send_outbound" for job in jobs)


def test_a_dry_run_shows_audience_text_segments_and_warnings_and_writes_nothing(cli, runtime):
    people(runtime)
    event_id = add_event(runtime, details="We will talk about the engagement framework.")
    result = cli("invites", "send", str(event_id), "--dry-run")
    assert result.exit_code == 0
    assert "1 by text, 1 by phone call (phone-only)" in result.output
    assert "GSM-7, 2 SMS segment(s)" in result.output
    assert "Hello from Over a Brew" in result.output and "YES, NO or MAYBE" in result.output
    assert "jargon: 'engagement'" in result.output and "jargon: 'framework'" in result.output
    assert "Left out: 1 whose number cannot receive texts" in result.output
    assert "What the call says:" in result.output and "Press 1" in result.output
    assert count(runtime, Outbox) == 0 and count(runtime, Invite) == 0
    assert runtime.queue.count == 0


def test_sending_again_invites_only_people_who_agreed_since(cli, runtime):
    add_contact(runtime, "+447700900101")
    event_id = add_event(runtime)
    cli("invites", "send", str(event_id))
    newcomer = add_contact(runtime, "+447700900109")
    again = cli("invites", "send", str(event_id))
    assert "1 invite(s) written" in again.output
    assert [r.contact_id for r in rows(runtime)][-1] == newcomer
    assert "0 invite(s) written" in cli("invites", "send", str(event_id)).output
    assert count(runtime, Outbox) == 2


def test_a_tag_picks_the_audience(cli, runtime):
    north = add_contact(runtime, "+447700900101")
    add_contact(runtime, "+447700900102")
    tag(runtime, north, "north-tyneside")
    cli("invites", "send", str(add_event(runtime)), "--tag", "north-tyneside")
    assert [r.contact_id for r in rows(runtime)] == [north]


def test_an_invite_too_long_for_two_texts_is_refused_with_the_reason(cli, runtime):
    add_contact(runtime, "+447700900101")
    event_id = add_event(runtime, details="Lots of words here. " * 12)
    result = cli("invites", "send", str(event_id))
    assert result.exit_code == 2
    assert "needs fixing first" in result.output and "SMS parts" in result.output
    assert count(runtime, Outbox) == 0


def test_a_cancelled_or_unknown_event_gets_no_invites(cli, runtime):
    add_contact(runtime, "+447700900101")
    event_id = add_event(runtime, status="cancelled")
    result = cli("invites", "send", str(event_id))
    assert result.exit_code == 2 and "cancelled or has started" in result.output
    assert "there is no event 424242" in cli("invites", "send", "424242").output
    assert count(runtime, Outbox) == 0
