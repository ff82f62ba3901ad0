"""How many SQL statements a text costs: pinned, so a new hook cannot quietly add more.

Transaction bookkeeping (BEGIN, SAVEPOINT, RELEASE) is left out so the count is the
same on SQLite and PostgreSQL; so is the one-off work of meeting someone new.
"""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

# An answer: the person and their conversation (one query, locked), the MessageSid check,
# the answer, the conversation update, and the text kept with our reply (one statement);
# a word that could answer an invite or a voucher offer costs a look for one (two more),
# and a step with side effects (consent, the end of the survey) a little more.
MOST_PER_ANSWER = 7
WHOLE_SURVEY = 56
BOOKKEEPING = ("BEGIN", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK")


@contextmanager
def statements(runtime):
    """Record every statement the app's engine runs inside the block."""
    seen: list[str] = []

    def record(conn, cursor, statement, *rest):
        if not statement.lstrip().upper().startswith(BOOKKEEPING):
            seen.append(statement)

    event.listen(runtime.store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(runtime.store.engine, "before_cursor_execute", record)


def counted(twilio, runtime, body: str, **extra) -> int:
    with statements(runtime) as seen:
        assert twilio.text(body, **extra).status_code == 200
    return len(seen)


def test_a_survey_by_text_costs_no_more_statements_than_it_did_when_measured(twilio, runtime):
    twilio.text("hi")
    texts = ["yes", "The tea and the chat", "REPEAT", "skip", "HELP", "Listen to us",
             "More buses please", "x" * 500, "Yes please!", "thanks!"]
    counts = {body[:20]: counted(twilio, runtime, body) for body in texts}
    assert sum(counts.values()) <= WHOLE_SURVEY, counts
    assert max(n for body, n in counts.items() if body != "Yes please!") <= MOST_PER_ANSWER, counts


def test_a_repeated_delivery_costs_three_statements_and_writes_nothing(twilio, runtime):
    twilio.text("hi")
    twilio.text("yes", sid="SM" + "c" * 32)
    with statements(runtime) as seen:
        assert twilio.text("yes", sid="SM" + "c" * 32).status_code == 200
    assert len(seen) <= 3, seen
    assert not [s for s in seen if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
