"""`brewline vouchers load|grant|report|list|attended` and `brewline export vouchers`."""
from __future__ import annotations

import csv
import io
import logging

import pytest
from sqlalchemy import select

from brewline import cli as brewline_cli
from brewline.cli.export import export
from brewline.cli.vouchers import vouchers as group
from brewline.delivery.models import Outbox
from brewline.events.models import Attendance
from brewline.people.models import Contact
from flows.words import words
from tests.conftest import PHONE
from tests.texts.test_sms_webhook import replies
from tests.vouchers.conftest import FLOW, codes, csv_of


@pytest.fixture
def run(app, tmp_path):
    runner = app.test_cli_runner()

    def invoke(*args, command=group):
        result = runner.invoke(command, [str(a) for a in args], catch_exceptions=False)
        return result
    return invoke


@pytest.fixture
def codes_file(tmp_path):
    path = tmp_path / "tesco.csv"
    path.write_text(csv_of(codes("TESCO", 4) + ["TESCO000001"]), encoding="utf-8")
    return path


def test_load_prints_its_report_and_refuses_duplicates(run, codes_file):
    result = run("load", codes_file, "--pool", "tesco", "--value", "£10 gift card", "--flow", FLOW)
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "pool tesco: loaded 4 codes",
        "line 6: refused a duplicate code ********001 (already loaded)"]


def test_load_explains_what_is_wrong_instead_of_failing(run, codes_file):
    result = run("load", codes_file, "--pool", "new-pool")
    assert result.exit_code == 1 and "say what it is worth with --value" in result.output


def test_grant_gives_a_code_and_texts_it_and_the_report_adds_up(run, codes_file, runtime):
    run("load", codes_file, "--pool", "tesco", "--value", "£10 gift card", "--low-stock", "1")
    result = run("grant", "--pool", "tesco", "07700 900123", "07700900124", "not a number")
    assert result.output.splitlines() == [
        "+44*******123: given a code (texted)", "+44*******124: given a code (texted)",
        "not a number: skipped, not a phone number"]
    again = run("grant", "--pool", "tesco", "07700 900123")
    assert "already had a code" in again.output
    with runtime.store.transaction() as session:
        bodies = session.scalars(select(Outbox.body).order_by(Outbox.id)).all()
    assert len(bodies) == 2 and "Code: TESCO000000" in bodies[0]
    lines = run("report").output.splitlines()
    assert lines[0].split() == ["pool", "earned", "by", "loaded", "issued", "waiting",
                                "declined", "remaining", "expired"]
    assert lines[1].split() == ["tesco", "grant", "4", "2", "0", "0", "2", "0"]


def test_the_report_warns_when_a_pool_is_low(run, codes_file, caplog):
    run("load", codes_file, "--pool", "tesco", "--value", "£10 gift card", "--low-stock", "3")
    with caplog.at_level(logging.WARNING, logger="brewline.vouchers"):
        run("grant", "--pool", "tesco", "07700900123")
    assert "voucher pool tesco is running low: 3 codes left" in caplog.text
    assert run("report").output.splitlines()[1].endswith("LOW")


def test_list_shows_codes_masked(run, codes_file):
    run("load", codes_file, "--pool", "tesco", "--value", "£10 gift card")
    run("grant", "--pool", "tesco", "07700900123")
    listing = run("list").output
    assert "********000" in listing and "TESCO000000" not in listing
    assert "issued" in listing and "organiser" in listing


def test_events_attended_marks_people_so_they_can_claim_the_event_voucher(
        run, twilio, runtime, tmp_path, pools):
    path = tmp_path / "event.csv"
    path.write_text("code\nEVENT1\n")
    event = pools.event()
    run("load", path, "--pool", "event-voucher", "--value", "£10 gift card", "--event", event)
    result = run("events", "attended", event, PHONE, PHONE, command=events_group())
    assert result.output.splitlines() == [
        "+44*******123: marked as attended, voucher offered by text",
        "+44*******123: already marked"]
    with runtime.store.transaction() as session:
        assert len(session.scalars(select(Attendance)).all()) == 1
        [offer] = session.scalars(select(Outbox)).all()
    assert "Thank you for coming" in offer.body and "VOUCHER" in offer.body
    assert offer.purpose == "voucher_offer" and not offer.direct_reply
    [code] = replies(twilio.text("Yes please"))
    assert "Code: EVENT1" in code


def test_a_polish_attender_offered_two_vouchers_is_told_in_polish_words_only(
        run, runtime, tmp_path, pools):
    event = pools.event()
    for name in ("tesco", "boots"):
        path = tmp_path / f"{name}.csv"
        path.write_text(f"code\n{name.upper()}1\n")
        run("load", path, "--pool", name, "--value", f"£10 {name}", "--event", event)
    with runtime.store.transaction() as session:
        session.add(Contact(phone=PHONE, source="import", language="pl"))
    run("events", "attended", event, PHONE, command=events_group())
    with runtime.store.transaction() as session:
        [offer] = session.scalars(select(Outbox)).all()
    assert offer.body == words("vouchers.event_offer_many", "pl")
    assert "bony do wyboru" in offer.body


def test_an_unknown_event_is_refused_by_name(run, tmp_path):
    path = tmp_path / "event.csv"
    path.write_text("code\nEVENT1\n")
    result = run("load", path, "--pool", "event-voucher", "--value", "£10", "--event", "99")
    assert result.exit_code == 1 and "there is no event '99'" in result.output
    result = run("attended", "99", PHONE)
    assert result.exit_code == 1 and "brewline events list" in result.output


def events_group():
    """The whole `brewline` group with every command registered, as main() does."""
    return brewline_cli.build()


def test_export_shows_who_got_which_pool_and_codes_only_when_asked(run, codes_file):
    run("load", codes_file, "--pool", "tesco", "--value", "£10 gift card")
    run("grant", "--pool", "tesco", "07700900123")
    plain = run("vouchers", command=export).output
    [row] = list(csv.DictReader(io.StringIO(plain)))
    assert row["participant"].startswith("p_") and row["pool"] == "tesco"
    assert row["status"] == "issued" and row["issued"]
    assert "code" not in row and "TESCO" not in plain and PHONE not in plain
    full = run("vouchers", "--include-codes", command=export).output
    [row] = list(csv.DictReader(io.StringIO(full)))
    assert row["code"] == "TESCO000000"


def test_include_codes_is_refused_for_other_tables(run):
    result = run("answers", "--include-codes", command=export)
    assert result.exit_code == 2 and "only the vouchers and messages tables have codes" in result.output


def test_the_brewline_command_has_the_vouchers_group(monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", ["brewline", "vouchers", "--help"])
    with pytest.raises(SystemExit) as exit_:
        brewline_cli.main()
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert all(name in out for name in ("load", "grant", "report", "list", "attended"))
    assert "attended" in brewline_cli.cli.commands["events"].commands
