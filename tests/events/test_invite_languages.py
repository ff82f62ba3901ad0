"""Invites, RSVPs, reminders and cancellations go to each person in their own language,
with the date in that language's words."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from brewline.delivery.models import Outbox
from brewline.people.models import Contact
from flows.readability import encoding
from tests.events.fixtures import (  # noqa: F401  (local mode)
    add_contact,
    add_event,
    cli,
    registered,
    rows,
    settings,
)
from tests.texts.test_sms_webhook import replies

LONDON = ZoneInfo("Europe/London")
STARTS = datetime(2030, 6, 28, 14, 0, tzinfo=LONDON)  # a Friday afternoon, years ahead
POLISH, ARABIC, ENGLISH, RUNG = "+447700900301", "+447700900302", "+447700900303", "+441914960001"


@pytest.fixture
def people(tmp_path, cli, runtime):
    """Imported as organisers write the language column: a name or a code, any case."""
    path = tmp_path / "people.csv"
    path.write_text("phone,name,language,invites\n"
                    f"{POLISH},Ola,Polish,yes\n{ARABIC},Hala,AR,yes\n{ENGLISH},Amy,,yes\n")
    assert cli("contacts", "import", str(path)).exit_code == 0
    add_contact(runtime, RUNG, phone_only=True, language="pl")
    return add_event(runtime, starts=STARTS, title="Buses and trains",
                     where="Whitley Bay Library")


def bodies(runtime, purpose: str) -> dict[int, str]:
    return {row.contact_id: row.body for row in rows(runtime, Outbox.purpose == purpose)}


def by_phone(runtime) -> dict[str, int]:
    with runtime.store.transaction() as session:
        return dict(session.execute(select(Contact.phone, Contact.id)).all())


def test_a_polish_contact_gets_the_invite_in_polish_and_an_arabic_one_in_arabic(
        cli, runtime, people):
    assert cli("invites", "send", str(people)).exit_code == 0
    ids, sent = by_phone(runtime), bodies(runtime, "invite")
    assert sent[ids[POLISH]] == (
        "Over a Brew zaprasza: Buses and trains, piątek 28 czerwca, 14:00, Whitley Bay "
        "Library. Przyjdziesz? TAK/NIE/MOŻE. STOP: bez SMS.")
    assert sent[ids[ARABIC]].startswith("Over a Brew يدعوك: Buses and trains، الجمعة 28 يونيو")
    assert sent[ids[ENGLISH]].startswith("Hello from Over a Brew, a chat about local services.")
    assert "Friday 28 June at 2pm" in sent[ids[ENGLISH]]
    assert [encoding(sent[ids[c]]).segments <= 3 for c in (POLISH, ARABIC)] == [True, True]
    [call] = bodies(runtime, "invite_call").values()
    assert call.startswith("Dzień dobry, tu Over a Brew") and "Naciśnij 1" in call


def test_a_polish_yes_is_confirmed_in_polish_and_reminded_in_polish(cli, twilio, runtime,
                                                                     people):
    cli("invites", "send", str(people))
    [confirmed] = replies(twilio.text("YES", sender=POLISH))
    assert confirmed.startswith("Dziękujemy, do zobaczenia! Buses and trains, piątek 28")
    reminders = sorted(bodies(runtime, "reminder").values())
    assert reminders and all(r.startswith("Przypomnienie od Over a Brew: Buses and trains")
                             for r in reminders)
    assert any("jutro, 14:00" in r or "dziś, 14:00" in r for r in reminders)


def test_a_cancellation_reaches_each_person_in_their_language(cli, twilio, runtime, people):
    cli("invites", "send", str(people))
    replies(twilio.text("yes", sender=ARABIC))
    replies(twilio.text("yes", sender=ENGLISH))
    assert cli("events", "cancel", str(people)).exit_code == 0
    sent = bodies(runtime, "event_cancelled")
    ids = by_phone(runtime)
    assert sent[ids[ARABIC]].startswith("آسفون، ألغى Over a Brew Buses and trains")
    assert sent[ids[ENGLISH]].startswith("Sorry, Over a Brew has had to cancel Buses and trains")


@pytest.mark.parametrize("said, answer", [
    ("TAK", "yes"), ("nie", "no"), ("może", "maybe"), ("Tak, przyjdę!", "yes"),
    ("nie mogę", "no"), ("nie wiem", "maybe"), ("نعم", "yes"), ("لا", "no"), ("ربما", "maybe"),
    ("سأحضر", "yes"), ("لن أحضر", "no")])
def test_an_rsvp_in_polish_or_arabic_words_is_understood(said, answer):
    from flows.invites import rsvp_answer
    assert rsvp_answer(said) == answer


def test_a_voucher_code_is_dated_in_the_persons_language():
    from datetime import date

    from brewline.vouchers.claims import long_date
    day = date(2027, 12, 31)
    assert [long_date(day, c) for c in ("en", "pl", "ar")] == [
        "31 December 2027", "31 grudnia 2027", "31 ديسمبر 2027"]
