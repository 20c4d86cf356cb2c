"""Apply operations to the ``schools`` table and the change log, on one connection.

Every function here runs inside the caller's write transaction
(:func:`mapping.store.engine.write_transaction`), so a change and its change-log
row are committed together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, bindparam, insert, select, update

from mapping.schema import REGISTRY_COLUMNS
from mapping.store.diff import Operation
from mapping.store.models import SCHOOL_CHANGES, SCHOOLS
from mapping.store.records import State, dumps, make_state, point_of


@dataclass(frozen=True)
class Stored:
    """A school as stored: its state, row version and last writer."""

    state: State
    row_version: int
    updated_at: float
    updated_by: str


def _columns() -> list[object]:
    return [SCHOOLS.c[c] for c in REGISTRY_COLUMNS] + [
        SCHOOLS.c.active, SCHOOLS.c.row_version, SCHOOLS.c.updated_at, SCHOOLS.c.updated_by]


def _stored(row: object) -> Stored:
    values = row._mapping  # type: ignore[attr-defined]
    return Stored(make_state(values, bool(values["active"])), int(values["row_version"]),
                  float(values["updated_at"]), str(values["updated_by"]))


def load_all(conn: Connection) -> dict[str, Stored]:
    """Every stored school (closed ones included), by id, in storage order."""
    rows = conn.execute(select(*_columns()).order_by(SCHOOLS.c.fid))  # type: ignore[call-overload]
    return {str(r.school_id): _stored(r) for r in rows}


def current_table(conn: Connection, include_closed: bool = False) -> pd.DataFrame:
    """The registry columns of the stored schools, in storage order (open ones only)."""
    stmt = select(*[SCHOOLS.c[c] for c in REGISTRY_COLUMNS]).order_by(SCHOOLS.c.fid)
    if not include_closed:
        stmt = stmt.where(SCHOOLS.c.active.is_(True))
    return pd.DataFrame(conn.execute(stmt).all(), columns=list(REGISTRY_COLUMNS))


def load_one(conn: Connection, school_id: str) -> Stored | None:
    """One stored school, or ``None``."""
    row = conn.execute(select(*_columns())  # type: ignore[call-overload]
                       .where(SCHOOLS.c.school_id == school_id)).first()
    return None if row is None else _stored(row)


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
    """
    creates = [op for op in operations if op.before is None]
    updates = [op for op in operations if op.before is not None]
    if creates:
        conn.execute(insert(SCHOOLS), [
            {**_values(op.after), "row_version": 1, "updated_at": at, "updated_by": account,
             "delivery_id": delivery_id} for op in creates])
    if updates:
        if versions is None:
            versions = {k: v.row_version for k, v in load_all(conn).items()}
        stmt = (update(SCHOOLS).where(SCHOOLS.c.school_id == bindparam("b_school_id"))
                .values({c: bindparam(f"b_{c}") for c in
                         (*REGISTRY_COLUMNS, "geom", "active", "row_version", "updated_at",
                          "updated_by", "delivery_id") if c != "school_id"}))
        params = []
        for op in updates:
            values = _values(op.after)
            values.pop("school_id")
            values.update(row_version=versions[op.school_id] + 1, updated_at=at,
                          updated_by=account, delivery_id=delivery_id)
            params.append({"b_school_id": op.school_id,
                           **{f"b_{k}": v for k, v in values.items()}})
        conn.execute(stmt, params)
    if operations:
        conn.execute(insert(SCHOOL_CHANGES), [
            {"school_id": op.school_id, "operation": op.operation, "before": dumps(op.before),
             "after": dumps(op.after), "account": account, "at": at,
             "delivery_id": delivery_id, "reason": reason} for op in operations])
