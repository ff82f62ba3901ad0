"""`brewline broadcast` ("you said, we did") and `brewline export rsvps | contacts`."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

from flask.cli import ScriptInfo

from brewline.cli import build
from brewline.delivery.models import Outbox
from brewline.events.models import Rsvp
from brewline.surveys.models import Answer, Conversation
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

FLOW = "over-a-brew-2024-05"
UPDATE = "Over a Brew: you said buses were a problem, so we now pay bus fares. Thank you."


def answered(runtime, contact_id: int, flow: str = FLOW) -> None:
    with runtime.store.transaction() as session:
        conversation = Conversation(contact_id=contact_id, flow_id=flow, flow_version=1)
        session.add(conversation)
        session.flush()
        session.add(Answer(conversation_id=conversation.id, contact_id=contact_id, flow_id=flow,
                           flow_version=1, question_id="value", question_text="Q", text="tea",
                           channel="sms"))


def test_an_update_goes_to_those_who_answered_and_agreed_to_hear_more(cli, runtime):
    agreed = add_contact(runtime, "+447700900101")
    said_no = add_contact(runtime, "+447700900102", invites=False)
    stopped = add_contact(runtime, "+447700900103", opted_out_at=datetime.now(timezone.utc))
    add_contact(runtime, "+447700900104")  # agreed, but never answered this flow
    for contact_id in (agreed, said_no, stopped):
        answered(runtime, contact_id)
    result = cli("broadcast", "--flow", FLOW, "--text", UPDATE)
    assert result.exit_code == 0, result.output
    [row] = rows(runtime)
    assert (row.contact_id, row.purpose, row.body) == (agreed, "broadcast", UPDATE)


def test_the_same_update_twice_reaches_nobody_twice(cli, runtime):
    answered(runtime, add_contact(runtime, "+447700900101"))
    cli("broadcast", "--flow", FLOW, "--text", UPDATE)
    again = cli("broadcast", "--flow", FLOW, "--text", UPDATE)
    assert "0 update(s) written (1 already had it)" in again.output
    assert count(runtime, Outbox) == 1


def test_a_broadcast_dry_run_shows_audience_and_warnings_and_sends_nothing(cli, runtime):
    answered(runtime, add_contact(runtime, "+447700900101"))
    result = cli("broadcast", "--flow", FLOW, "--text", "We will leverage your outcomes.",
                 "--dry-run")
    assert "Update to 1 people" in result.output and "GSM-7, 1 SMS segment(s)" in result.output
    assert "jargon: 'leverage'" in result.output
    assert "does not say it is from Over a Brew" in result.output
    assert count(runtime, Outbox) == 0


def test_a_broadcast_with_curly_quotes_or_an_unknown_flow_is_refused(cli, runtime):
    answered(runtime, add_contact(runtime, "+447700900101"))
    curly = cli("broadcast", "--flow", FLOW, "--text", "Over a Brew \u2019s news")
    assert curly.exit_code == 2 and "curly quotes" in curly.output
    unknown = cli("broadcast", "--flow", "nope", "--text", UPDATE)
    assert unknown.exit_code == 2 and "no flow called 'nope'" in unknown.output
    assert count(runtime, Outbox) == 0


def export(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(build(), ["export", *args],
                                          obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    return result.output


def test_rsvps_export_with_participant_ids_unless_phones_are_asked_for(app, runtime):
    contact_id, event_id = add_contact(runtime, "+447700900101"), add_event(runtime)
    with runtime.store.transaction() as session:
        session.add(Rsvp(event_id=event_id, contact_id=contact_id, answer="yes", said="=yes"))
    [row] = list(csv.DictReader(io.StringIO(export(app, "rsvps"))))
    assert row["participant"].startswith("p_") and "phone" not in row
    assert (row["event"], row["answer"], row["said"]) == (str(event_id), "yes", "'=yes")
    [row] = json.loads(export(app, "rsvps", "--format", "json", "--include-phone"))
    assert row["phone"] == "+447700900101" and row["event_title"] == "The ethical use of AI"


def test_contacts_export_shows_tags_and_the_latest_invite_answer(app, runtime):
    yes = add_contact(runtime, "+447700900101")
    add_contact(runtime, "+447700900102", invites=False)
    add_contact(runtime, "+447700900103", invites=None)
    tag(runtime, yes, "north-tyneside")
    tag(runtime, yes, "carers")
    exported = json.loads(export(app, "contacts", "--format", "json"))
    found = {r["invites"]: r["tags"] for r in exported}
    assert found == {"yes": "carers north-tyneside", "no": "", None: ""}
