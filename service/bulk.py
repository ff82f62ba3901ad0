"""Inserting many rows at once: COPY on PostgreSQL, one executemany on SQLite.

Campaigns and imports write tens of thousands of rows; ORM objects, or even batched
INSERT ... VALUES on PostgreSQL, cost seconds where COPY costs a fraction of one.
"""
from __future__ import annotations

from sqlalchemy import Table, insert, text
from sqlalchemy.orm import Session


def insert_rows(session: Session, model, rows: list[dict], ids: bool = False) -> list[int]:
    """Insert `rows` (dicts of column values, same keys) in this transaction.

    Column defaults are filled in here; returns the new ids in order when `ids` is true.
    """
    if not rows:
        return []
    table: Table = model.__table__
    rows = [_with_defaults(table, row) for row in rows]
    if session.get_bind().dialect.name == "postgresql":
        return _copy(session, table, rows, ids)
    connection = session.connection()
    if ids:
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(connection.execute(statement, rows).scalars())
    connection.execute(insert(table), rows)
    return []


def _with_defaults(table: Table, row: dict) -> dict:
    full = dict(row)
    for column in table.columns:
        default = column.default
        if column.name in full or default is None or not default.is_scalar and not default.is_callable:
            continue
        full[column.name] = default.arg(None) if default.is_callable else default.arg
    return full


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
