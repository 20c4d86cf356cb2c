"""Apply operations to the ``schools`` table and the change log, on one connection.

Every function here runs inside the caller's write transaction
(:func:`mapping.store.engine.write_transaction`), so a change and its change-log
row are committed together or not at all.

New rows go in bulk (:func:`mapping.store.bulk.insert_rows`); reads fetch the
columns with one ``SELECT`` and build states column by column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, select

from mapping.schema import REGISTRY_COLUMNS
from mapping.store.bulk import insert_rows, update_rows
from mapping.store.diff import Operation
from mapping.store.models import SCHOOL_CHANGES, SCHOOLS
from mapping.store.records import STATE_FIELDS, State, clean_column, dumps, point_of

#: Columns of :func:`load_all` after the registry ones.
_TAIL = ("active", "row_version", "updated_at", "updated_by")


@dataclass(frozen=True)
class Stored:
    """A school as stored: its state, row version and last writer."""

    state: State
    row_version: int
    updated_at: float
    updated_by: str


def _columns() -> list[Any]:
    return [SCHOOLS.c[c] for c in (*REGISTRY_COLUMNS, *_TAIL)]


def _stored_rows(rows: Sequence[Any]) -> list[Stored]:
    """Stored schools from ``(*REGISTRY_COLUMNS, *_TAIL)`` rows, column by column."""
    if not rows:
        return []
    columns = list(zip(*rows, strict=True))
    k = len(REGISTRY_COLUMNS)
    fields = [clean_column(c, columns[i]) for i, c in enumerate(REGISTRY_COLUMNS)]
    fields.append([bool(v) for v in columns[k]])
    states = [dict(zip(STATE_FIELDS, row, strict=True)) for row in zip(*fields, strict=True)]
    return [Stored(state, int(version), float(at), str(by)) for state, version, at, by in
            zip(states, columns[k + 1], columns[k + 2], columns[k + 3], strict=True)]


def load_all(conn: Connection) -> dict[str, Stored]:
    """Every stored school (closed ones included), by id, in storage order."""
    rows = conn.execute(select(*_columns()).order_by(SCHOOLS.c.fid)).all()
    return {str(s.state["school_id"]): s for s in _stored_rows(rows)}


def current_columns(conn: Connection, include_closed: bool = False) -> dict[str, list[Any]]:
    """Registry column → stored values of the schools, in storage order (open ones only)."""
    stmt = select(*[SCHOOLS.c[c] for c in REGISTRY_COLUMNS]).order_by(SCHOOLS.c.fid)
    if not include_closed:
        stmt = stmt.where(SCHOOLS.c.active.is_(True))
    rows = conn.execute(stmt).all()
    if not rows:
        return {c: [] for c in REGISTRY_COLUMNS}
    return {c: list(v) for c, v in zip(REGISTRY_COLUMNS, zip(*rows, strict=True), strict=True)}


def current_table(conn: Connection, include_closed: bool = False) -> pd.DataFrame:
    """The registry columns of the stored schools, in storage order (open ones only)."""
    return pd.DataFrame(current_columns(conn, include_closed), columns=list(REGISTRY_COLUMNS))


def load_one(conn: Connection, school_id: str) -> Stored | None:
    """One stored school, or ``None``."""
    row = conn.execute(select(*_columns()).where(SCHOOLS.c.school_id == school_id)).first()
    return None if row is None else _stored_rows([row])[0]


def _values(state: State) -> dict[str, object]:
    values: dict[str, object] = {c: state.get(c) for c in REGISTRY_COLUMNS}
    values["geom"] = point_of(state)
    values["active"] = bool(state.get("active", True))
    return values


def apply(
    conn: Connection,
    operations: Sequence[Operation],
    account: str,
    at: float,
    delivery_id: int | None,
    reason: str | None = None,
    versions: dict[str, int] | None = None,
    after_texts: Mapping[str, str] | None = None,
) -> None:
    """Write *operations* and one change-log row each.

    Parameters
    ----------
    conn
        Connection inside a write transaction.
    operations
        From :func:`mapping.store.diff.plan` or an edit.
    account
        Account name written in the log and on the rows.
    at
        Time of the change (seconds since the epoch, UTC).
    delivery_id
        Delivery the changes belong to.
    reason
        Free text kept in the log.
    versions
        School id → stored row version for updates (loaded when ``None``).
    after_texts
        School id → JSON text of ``op.after`` (:func:`~mapping.store.records.dumps`),
        when already made (a delivery's schools); the others are made here.
    """
    creates = [op for op in operations if op.before is None]
    updates = [op for op in operations if op.before is not None]
    insert_rows(conn, SCHOOLS, [
        {**_values(op.after), "row_version": 1, "updated_at": at, "updated_by": account,
         "delivery_id": delivery_id} for op in creates])
    if updates:
        if versions is None:
            versions = {k: v.row_version for k, v in load_all(conn).items()}
        update_rows(conn, SCHOOLS, "school_id", [
            {**_values(op.after), "school_id": op.school_id,
             "row_version": versions[op.school_id] + 1, "updated_at": at,
             "updated_by": account, "delivery_id": delivery_id} for op in updates])
    texts = after_texts or {}
    insert_rows(conn, SCHOOL_CHANGES, [
        {"school_id": op.school_id, "operation": op.operation, "before": dumps(op.before),
         "after": texts.get(op.school_id) or dumps(op.after), "account": account, "at": at,
         "delivery_id": delivery_id, "reason": reason} for op in operations])
