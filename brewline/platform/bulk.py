"""Inserting many rows at once: COPY on PostgreSQL, one executemany on SQLite.

Campaigns and imports write tens of thousands of rows; ORM objects, or even batched
INSERT ... VALUES on PostgreSQL, cost seconds where COPY costs a fraction of one.
"""
from __future__ import annotations

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session


def insert_rows(session: Session, model, rows: list[dict], ids: bool = False) -> list[int]:
    """Insert `rows` (dicts of column values, same keys) in this transaction.

    Column defaults are filled in here; returns the new ids in order when `ids` is true.
    """
    if not rows:
        return []
    table: Table = model.__table__
    rows = _with_defaults(table, rows)
    if session.get_bind().dialect.name == "postgresql":
        return _copy(session, table, rows, ids)
    return _executemany(session, table, rows, ids)


def _with_defaults(table: Table, rows: list[dict]) -> list[dict]:
    missing = [c.default for c in table.columns if c.name not in rows[0] and c.default is not None
               and (c.default.is_scalar or c.default.is_callable)]
    fixed = {d.column.name: d.arg for d in missing if d.is_scalar}
    made = [(d.column.name, d.arg) for d in missing if d.is_callable]
    return [{**fixed, **row, **{name: make(None) for name, make in made}} for row in rows]


def _executemany(session: Session, table: Table, rows: list[dict], ids: bool) -> list[int]:
    connection = session.connection()
    new_ids: list[int] = []
    if ids:
        # SQLite runs RETURNING with a kept order one row per statement, which is slow. Our
        # transactions begin IMMEDIATE (the write lock is held), so ids can be given here.
        start = connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
        new_ids = list(range(start + 1, start + 1 + len(rows)))
        rows = [dict(row, id=new_id) for row, new_id in zip(rows, new_ids)]
    # Straight to the driver's executemany, with each column's own bind conversion: the
    # per-row parameter building of a compiled INSERT costs more than SQLite's own work.
    columns = list(rows[0])
    convert = [table.c[name].type.bind_processor(connection.dialect) for name in columns]
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join("?" for _ in columns)
    connection.exec_driver_sql(
        f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})',
        [tuple(c(row[n]) if c else row[n] for n, c in zip(columns, convert)) for row in rows])
    return new_ids


def _copy(session: Session, table: Table, rows: list[dict], ids: bool) -> list[int]:
    connection = session.connection()
    new_ids: list[int] = []
    if ids:
        new_ids = list(connection.execute(text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
            {"table": table.name, "n": len(rows)}).scalars())
        rows = [dict(row, id=new_id) for row, new_id in zip(rows, new_ids)]
    columns = list(rows[0])
    names = ", ".join(f'"{name}"' for name in columns)
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[name] for name in columns])
    return new_ids
