"""How long Brewline waits for the database before it counts it as down.

Twilio gives a webhook 15 seconds. A database that refuses is noticed at once, but one
that hangs (a stalled network, a stuck server) would hold the request until Twilio gives
up, and the person's text would get no answer at all. With these limits a hang raises the
same errors as a refusal, well inside 15 seconds, so the spool and the holding reply take
over.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

# Beyond the server's own statement_timeout, so a slow but living server reports first.
CLIENT_MARGIN = 1.0


@dataclass(frozen=True)
class DatabaseLimits:
    """Seconds to wait: for a new connection, for one statement, for a free pooled one."""

    connect: float = 3.0
    statement: float = 5.0
    pool: float = 3.0


def postgres_kwargs(limits: DatabaseLimits) -> dict[str, Any]:
    """create_engine() arguments that bound connecting, each statement and the pool."""
    return {"pool_timeout": limits.pool, "connect_args": {
        # libpq counts whole seconds and takes 2 as its least.
        "connect_timeout": max(2, round(limits.connect)),
        "options": f"-c statement_timeout={int(limits.statement * 1000)}"}}


def bound_postgres(engine: Engine, limits: DatabaseLimits) -> None:
    """Make each connection give up on a silent server (statement_timeout cannot: the
    server never hears the query when the network stalls, so the client must stop)."""
    from sqlalchemy import event

    within = limits.statement + CLIENT_MARGIN

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect, _record, cargs, cparams):
        connection = _bounded_class().connect(*cargs, **cparams)
        connection.answer_within = within
        return connection

    _bound_ping(engine, limits.connect)


def _bound_ping(engine: Engine, seconds: float) -> None:
    """The pool's check of a pooled connection (pool_pre_ping) waits only `seconds`: a
    connection that cannot answer ";" that fast is as good as gone, and the pool then
    tries a new one. (SQLAlchemy has no event for it, so this engine's own dialect is
    given a ping that lowers the connection's limit for the check.)"""
    ping = engine.dialect.do_ping

    def do_ping(dbapi_connection) -> bool:
        was = dbapi_connection.answer_within
        dbapi_connection.answer_within = seconds
        try:
            return ping(dbapi_connection)
        finally:
            dbapi_connection.answer_within = was

    engine.dialect.do_ping = do_ping


_BOUNDED: list[type] = []


def _bounded_class() -> type:
    """psycopg's Connection, with every wait for the server bounded (made on first use:
    psycopg is only imported by processes that use PostgreSQL)."""
    if _BOUNDED:
        return _BOUNDED[0]
    import psycopg
    from psycopg import errors

    class BoundedConnection(psycopg.Connection):
        """A connection whose every wait for the server ends after `answer_within`."""

        answer_within: float | None = None

        def wait(self, gen, interval: float = 0.1, timeout: float | None = None):
            limit = timeout if timeout is not None else self.answer_within
            try:
                return super().wait(gen, interval=interval, timeout=limit)
            except errors._WaitTimeout:
                if timeout is not None:
                    raise
                # Half-way through a query: nobody can use this connection again.
                self.pgconn.finish()
                raise psycopg.OperationalError(
                    f"the database did not answer within {limit:g} seconds") from None

    _BOUNDED.append(BoundedConnection)
    return BoundedConnection
