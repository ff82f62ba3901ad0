"""`brewline demo`: fill a local install with a made-up year, so every page has something
to show and the yearly report has something to say.

Made-up people on Ofcom's drama numbers (+447700900000 to +447700900999, never anyone's
real phone), a session a month, answers by text and by call, vouchers and what was done.
It refuses a live install (Twilio credentials set) and a database that already has
people in it, unless --force.
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from brewline.cli.common import fail, now, runtime
from brewline.cli.demo_words import ANSWERS
from brewline.events.models import Attendance, Event
from brewline.people.models import Consent, Contact
from brewline.surveys.models import Answer, Conversation
from brewline.themes.models import AnswerTag, ThemeAction
from brewline.vouchers.models import VoucherClaim, VoucherCode, VoucherPool

DRAMA = "+447700900{:03d}"
UTC = timezone.utc
PEOPLE = 120
QUESTION = "use_here"  # the shipped set's question about making services better
HAND_TAGGED = "buses"  # one theme an organiser already gave by hand, with what was done


@click.command("demo")
@click.option("--year", type=click.IntRange(2000, 2100),
              help="The year to fill (default: this one).")
@click.option("--force", is_flag=True, help="Add the demo data even if there are people already.")
@with_appcontext
def demo(year: int | None, force: bool) -> None:
    """Fill a LOCAL install with a made-up year of people, sessions, answers and vouchers."""
    rt = runtime()
    if not rt.settings.local_mode:
        fail("demo data goes only into a local install; this one has Twilio credentials")
    year = year or now().year
    with rt.store.transaction() as db:
        if db.scalar(select(func.count(Contact.id))) and not force:
            fail("there are people in this database already; add --force to add demo data")
        made = fill(db, rt.flows, year, random.Random(year))
    click.echo(f"Demo data for {year}: {made['people']} people, {made['answers']} answers, "
               f"{made['events']} sessions, {made['vouchers']} vouchers.")


def fill(db, flows, year: int, rng: random.Random) -> dict:
    """Write the made-up year; returns how many of each were made."""
    flow = _flow(flows)
    people = _people(db, year, rng)
    answers = _answers(db, flow, people, year, rng)
    events = _events(db, people, year, rng)
    vouchers = _vouchers(db, people, year, rng)
    _actions(db, answers, year)
    return {"people": len(people), "answers": len(answers), "events": events,
            "vouchers": vouchers}


def _flow(flows):
    """The shipped question set (the one that asks QUESTION)."""
    return next(flows.get(f) for f in flows.ids() if QUESTION in flows.get(f).steps)


def _moment(year: int, rng: random.Random) -> datetime:
    return datetime(year, 1, 1, 9, tzinfo=UTC) + timedelta(days=rng.randrange(360),
                                                          minutes=rng.randrange(600))


def _people(db, year: int, rng: random.Random) -> list[Contact]:
    taken = set(db.scalars(select(Contact.phone).where(Contact.phone.like("+447700900%"))))
    free = [DRAMA.format(n) for n in range(1000) if DRAMA.format(n) not in taken][:PEOPLE]
    people = [Contact(phone=phone, source="demo", created_at=datetime(year, 1, 1, tzinfo=UTC))
              for phone in free]
    db.add_all(people)
    db.flush()
    for person in people:
        for topic, share in (("invites", 0.7), ("quotes", 0.5)):
            db.add(Consent(contact_id=person.id, topic=topic, granted=rng.random() < share,
                           channel="sms", created_at=datetime(year, 1, 2, tzinfo=UTC)))
    return people


def _answers(db, flow, people: list[Contact], year: int, rng: random.Random) -> list[tuple]:
    said = [(theme, text) for theme, texts in ANSWERS.items() for text in texts]
    made = []
    for person, (theme, text) in zip(rng.sample(people, len(said)), said):
        when, channel = _moment(year, rng), rng.choice(("sms", "sms", "voice"))
        talk = Conversation(contact_id=person.id, flow_id=flow.id, flow_version=flow.version,
                            status="finished", step=None, started_at=when, updated_at=when,
                            finished_at=when)
        db.add(talk)
        db.flush()
        answer = Answer(conversation_id=talk.id, contact_id=person.id, flow_id=flow.id,
                        flow_version=flow.version, question_id=QUESTION,
                        question_text=flow.step(QUESTION).text.render("en"), channel=channel,
                        text=text if channel == "sms" else None,
                        transcript=text if channel == "voice" else None, created_at=when)
        db.add(answer)
        made.append((theme, answer))
    db.flush()
    return made


def _events(db, people: list[Contact], year: int, rng: random.Random) -> int:
    for month in range(1, 13):
        event = Event(title="Over a Brew", starts_at=datetime(year, month, 12, 14, tzinfo=UTC),
                      where="The community centre", created_at=datetime(year, 1, 1, tzinfo=UTC))
        db.add(event)
        db.flush()
        db.add_all(Attendance(event_id=event.id, contact_id=p.id,
                              created_at=datetime(year, month, 12, 16, tzinfo=UTC))
                   for p in rng.sample(people, rng.randrange(6, 15)))
    return 12


def _vouchers(db, people: list[Contact], year: int, rng: random.Random) -> int:
    name = f"demo-{year}"
    pool = db.scalars(select(VoucherPool).where(VoucherPool.name == name)).first()
    if pool is None:
        pool = VoucherPool(name=name, value="£10 supermarket gift card")
        db.add(pool)
        db.flush()
    start = db.scalar(select(func.count(VoucherCode.id)).where(VoucherCode.pool_id == pool.id))
    given = rng.sample(people, 40)
    codes = [VoucherCode(pool_id=pool.id, code=f"DEMO-{year}-{i:04d}")
             for i in range(start, start + 60)]
    db.add_all(codes)
    db.flush()
    for person, code in zip(given, codes):
        when = _moment(year, rng)
        code.issued_at = when
        db.add(VoucherClaim(pool_id=pool.id, contact_id=person.id, status="issued",
                            code_id=code.id, earned_by="flow", requested_at=when, issued_at=when))
    return len(given)


def _actions(db, answers: list[tuple], year: int) -> None:
    db.add_all(AnswerTag(answer_id=a.id, theme=HAND_TAGGED) for theme, a in answers
               if theme == HAND_TAGGED)
    db.add(ThemeAction(theme=HAND_TAGGED, what="Asked the bus company for a later bus on route 42",
                       done_on=date(year, 6, 3), done_by="The community team",
                       changed="The last bus now leaves at 10pm, not 7pm."))
