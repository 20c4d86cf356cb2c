"""The change log read back: a school's history, the registry as of a time."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, func, select

from mapping.store.models import SCHOOL_CHANGES, SCHOOLS
from mapping.store.records import State, differences, loads, loads_many

#: Columns of :func:`school_history`.
HISTORY_COLUMNS = ("change_id", "at", "account", "operation", "delivery_id", "reason",
                   "field", "before", "after")


def to_epoch(when: dt.datetime | dt.date | float | str) -> float:
    """Seconds since the epoch (UTC) for a time given in any common form.

    A date (or a ``YYYY-MM-DD`` string) means the end of that day, UTC; a naive
    datetime is taken as UTC.

    Examples
    --------
    >>> to_epoch("1970-01-01")
    86399.999999
    >>> to_epoch("1970-01-02T00:00:00+00:00")
    86400.0
    """
    if isinstance(when, int | float):
        return float(when)
    if isinstance(when, str):
        text = when.strip()
        when = dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
    if not isinstance(when, dt.datetime):
        when = dt.datetime.combine(when, dt.time.max)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.timestamp()


def school_history(conn: Connection, school_id: str) -> pd.DataFrame:
    """Every change of one school, oldest first, one row per changed field.

    ``before``/``after`` hold the field's values; a creation lists the fields
    it set (``before`` empty).
    """
    rows = conn.execute(select(SCHOOL_CHANGES).where(SCHOOL_CHANGES.c.school_id == school_id)
                        .order_by(SCHOOL_CHANGES.c.change_id)).mappings().all()
    out: list[dict[str, object]] = []
    for r in rows:
        before = loads(r["before"]) or {}
        after = loads(r["after"]) or {}
        changed = differences(before, after) if before else {
            k: (None, v) for k, v in after.items() if v is not None}
        base = {"change_id": r["change_id"], "at": r["at"], "account": r["account"],
                "operation": r["operation"], "delivery_id": r["delivery_id"],
                "reason": r["reason"]}
        for name, (old, new) in changed.items():
            out.append({**base, "field": name, "before": old, "after": new})
        if not changed:
            out.append({**base, "field": None, "before": None, "after": None})
    frame = pd.DataFrame(out, columns=list(HISTORY_COLUMNS))
    frame["at"] = pd.to_datetime(frame["at"], unit="s", utc=True)
    return frame


def change_count(conn: Connection, school_id: str | None = None) -> int:
    """Number of change-log rows (of one school, or of all)."""
    stmt = select(func.count()).select_from(SCHOOL_CHANGES)
    if school_id is not None:
        stmt = stmt.where(SCHOOL_CHANGES.c.school_id == school_id)
    return int(conn.execute(stmt).scalar_one())


def last_change_id(conn: Connection) -> int:
    """Id of the newest change (0 for an empty log): a cheap version of the registry."""
    return int(conn.execute(select(func.coalesce(func.max(SCHOOL_CHANGES.c.change_id), 0)))
               .scalar_one())


def states_as_of(conn: Connection, at: float) -> list[State]:
    """The state of every school at time *at* (closed ones included), in storage order.

    One ``SELECT``: the newest change of each school up to *at* (``max(change_id)``
    per school, on the ``(school_id, change_id)`` index), its state after the
    change, and the school's storage position. The rows are put in storage
    order here (sorting the wide JSON rows in the database costs more), and
    the JSON texts are parsed in one call.
    """
    latest = (select(func.max(SCHOOL_CHANGES.c.change_id).label("change_id"))
              .where(SCHOOL_CHANGES.c.at <= at)
              .group_by(SCHOOL_CHANGES.c.school_id).subquery())
    stmt = (select(SCHOOLS.c.fid, SCHOOL_CHANGES.c.school_id, SCHOOL_CHANGES.c.after)
            .join(latest, latest.c.change_id == SCHOOL_CHANGES.c.change_id)
            .join(SCHOOLS, SCHOOLS.c.school_id == SCHOOL_CHANGES.c.school_id, isouter=True))
    rows = sorted(conn.execute(stmt).all(),
                  key=lambda r: (r[0] is None, r[0] or 0, r[1]))
    return loads_many([r[2] for r in rows])


def state_at_version(conn: Connection, school_id: str, version: int) -> State | None:
    """A school's state at row version *version* (its *version*-th change)."""
    text = conn.execute(select(SCHOOL_CHANGES.c.after)
                        .where(SCHOOL_CHANGES.c.school_id == school_id)
                        .order_by(SCHOOL_CHANGES.c.change_id)
                        .offset(max(version - 1, 0)).limit(1)).scalar()
    return loads(text)
