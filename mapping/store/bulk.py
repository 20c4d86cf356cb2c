"""Bulk inserts on both backends: ``COPY`` on PostgreSQL, ``executemany`` on SQLite.

A delivery of 10,000 schools writes 10,000 rows in each of three tables; row by
row that dominates a publish. :func:`insert_rows` and :func:`update_rows`
send them at once, inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, bindparam, insert, update
from sqlalchemy.types import TypeDecorator


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert *rows* (dicts with the same keys) into *table*, in bulk.

    Values are bound as the column types bind them (a point becomes EWKT on
    PostgreSQL, a GeoPackage blob on SQLite). PostgreSQL: one ``COPY ... FROM
    STDIN`` on the transaction's connection. SQLite: one ``executemany`` of the
    Core ``INSERT``, compiled once.
    """
    if not rows:
        return
    names = list(rows[0])
    binders: list[Any] = []
    for name in names:
        kind = table.c[name].type
        binders.append(kind.process_bind_param if isinstance(kind, TypeDecorator) else None)
    dialect = conn.dialect
    if dialect.name != "postgresql":
        # the Core INSERT compiled once, the rows bound as plain tuples (no per-row compile)
        compiled = str(insert(table).compile(dialect=dialect, column_keys=names))
        conn.exec_driver_sql(compiled, [
            tuple(row[n] if bind is None else bind(row[n], dialect)
                  for n, bind in zip(names, binders, strict=True)) for row in rows])
        return
    from psycopg import sql  # PostgreSQL only: a GeoPackage store never loads the driver

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(n) for n in names))
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[n] if bind is None else bind(row[n], dialect)
                                for n, bind in zip(names, binders, strict=True)])
    finally:
        cursor.close()


def update_rows(conn: Connection, table: Table, key: str,
                rows: Sequence[Mapping[str, Any]]) -> None:
    """``UPDATE table SET ... WHERE key = :key`` for each of *rows* (dicts with the same keys).

    The Core ``UPDATE`` is compiled once and run as one ``executemany`` with
    the values bound as the column types bind them (no per-row compilation).
    """
    if not rows:
        return
    names = list(rows[0])
    dialect = conn.dialect
    stmt = (update(table).where(table.c[key] == bindparam(f"b_{key}"))
            .values({n: bindparam(f"b_{n}") for n in names if n != key}))
    compiled = stmt.compile(dialect=dialect)
    binders: dict[str, Any] = {}
    for name in names:
        kind = table.c[name].type
        binders[name] = kind.process_bind_param if isinstance(kind, TypeDecorator) else None

    def bound(row: Mapping[str, Any]) -> dict[str, Any]:
        return {f"b_{n}": row[n] if bind is None else bind(row[n], dialect)
                for n, bind in binders.items()}

    order = compiled.positiontup
    if order:  # positional parameters (SQLite's "?")
        params: list[Any] = [tuple(b[p] for p in order) for b in map(bound, rows)]
    else:
        params = [bound(row) for row in rows]
    conn.exec_driver_sql(str(compiled), params)
