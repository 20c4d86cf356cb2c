"""Deliveries: what was received, its report and rejected rows, and its schools."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, insert, select

from mapping.store.bulk import insert_rows
from mapping.store.errors import StoreError
from mapping.store.models import (
    DELIVERIES,
    DELIVERY_ISSUES,
    DELIVERY_REJECTED,
    DELIVERY_SCHOOLS,
    KINDS,
    MODES,
)
from mapping.store.records import State, dumps, loads_many

#: Columns of :func:`list_deliveries`.
DELIVERY_COLUMNS = ("delivery_id", "kind", "mode", "source_name", "source_sha256",
                    "received_at", "received_by", "rows_read", "accepted", "rejected",
                    "warnings", "status", "published_at", "published_by", "note")


@dataclass(frozen=True)
class Delivery:
    """One delivery as stored (times in seconds since the epoch, UTC)."""

    delivery_id: int
    kind: str
    mode: str
    source_name: str | None
    source_sha256: str | None
    received_at: float
    received_by: str
    rows_read: int
    accepted: int
    rejected: int
    warnings: int
    status: str
    published_at: float | None
    published_by: str | None
    note: str | None
    summary: dict[str, Any]

    @property
    def full(self) -> bool:
        """Whether publishing closes the schools it does not list."""
        return self.mode == "full"


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        return value.item()  # numpy scalar
    return value if isinstance(value, int | float | str | bool) else str(value)


def _cells(record: dict[Any, Any]) -> str:
    return json.dumps({str(k): _plain(v) for k, v in record.items()}, ensure_ascii=False)


def insert_delivery(
    conn: Connection,
    *,
    kind: str,
    mode: str,
    account: str,
    at: float,
    schools: list[State],
    source_name: str | None = None,
    source_sha256: str | None = None,
    summary: dict[str, Any] | None = None,
    issues: pd.DataFrame | None = None,
    rejected: pd.DataFrame | None = None,
    note: str | None = None,
    texts: list[str] | None = None,
) -> int:
    """Store a draft delivery with its schools, report and rejected rows; return its id.

    *texts* are the schools' JSON texts (:func:`~mapping.store.records.dumps`)
    when the caller already made them (they are reused in the change log).

    Raises
    ------
    StoreError
        For an unknown kind or mode, a school without id, or an id twice.
    """
    if kind not in KINDS:
        raise StoreError(f"unknown delivery kind {kind!r}; use one of {', '.join(KINDS)}")
    if mode not in MODES:
        raise StoreError(f"unknown delivery mode {mode!r}; use one of {', '.join(MODES)}")
    ids = [s.get("school_id") for s in schools]
    if any(i is None for i in ids):
        raise StoreError(f"delivery {source_name!r}: {ids.count(None)} school(s) have no "
                         "school_id; give every school an identifier")
    counts = pd.Series(ids).value_counts()
    twice = sorted(str(i) for i in counts[counts > 1].index)
    if twice:
        raise StoreError(f"delivery {source_name!r}: school_id given more than once: "
                         f"{', '.join(twice[:10])}; keep one row per school")
    summary = dict(summary or {})
    n_rejected = 0 if rejected is None else len(rejected)
    issues_frame = issues if issues is not None else pd.DataFrame()
    warnings = int((issues_frame["severity"] == "warning").sum()) if len(issues_frame) else 0
    result = conn.execute(insert(DELIVERIES).values(
        kind=kind, mode=mode, source_name=source_name, source_sha256=source_sha256,
        received_at=at, received_by=account,
        rows_read=int(summary.get("rows_read", len(schools) + n_rejected)),
        accepted=len(schools), rejected=n_rejected,
        warnings=int(summary.get("warnings", warnings)), status="draft", note=note,
        summary=json.dumps(summary, ensure_ascii=False, default=str),
    ).returning(DELIVERIES.c.delivery_id))
    delivery_id = int(result.scalar_one())
    if schools:
        data = texts if texts is not None else [dumps(s) or "" for s in schools]
        insert_rows(conn, DELIVERY_SCHOOLS, [
            {"delivery_id": delivery_id, "position": i, "school_id": str(s["school_id"]),
             "data": text} for i, (s, text) in enumerate(zip(schools, data, strict=True))])
    if rejected is not None and len(rejected):
        records = rejected.to_dict("records")
        conn.execute(insert(DELIVERY_REJECTED), [
            {"delivery_id": delivery_id, "position": i,
             "row": None if _plain(r.get("row")) is None else int(r["row"]),
             "reasons": None if _plain(r.get("reasons")) is None else str(r["reasons"]),
             "data": _cells({k: v for k, v in r.items() if k not in ("row", "reasons")})}
            for i, r in enumerate(records)])
    if len(issues_frame):
        records = issues_frame.to_dict("records")
        conn.execute(insert(DELIVERY_ISSUES), [
            {"delivery_id": delivery_id, "position": i,
             "row": None if _plain(r.get("row")) is None else int(r["row"]),
             "column": None if _plain(r.get("column")) is None else str(r["column"]),
             "value": None if _plain(r.get("value")) is None else str(r["value"]),
             "severity": str(r.get("severity") or "error"),
             "code": None if _plain(r.get("code")) is None else str(r["code"]),
             "message": None if _plain(r.get("message")) is None else str(r["message"])}
            for i, r in enumerate(records)])
    return delivery_id


def _delivery(row: Any) -> Delivery:
    m = row._mapping
    return Delivery(
        delivery_id=int(m["delivery_id"]), kind=m["kind"], mode=m["mode"],
        source_name=m["source_name"], source_sha256=m["source_sha256"],
        received_at=float(m["received_at"]), received_by=m["received_by"],
        rows_read=int(m["rows_read"]), accepted=int(m["accepted"]),
        rejected=int(m["rejected"]), warnings=int(m["warnings"]), status=m["status"],
        published_at=None if m["published_at"] is None else float(m["published_at"]),
        published_by=m["published_by"], note=m["note"],
        summary=json.loads(m["summary"]) if m["summary"] else {},
    )


def get_delivery(conn: Connection, delivery_id: int) -> Delivery:
    """One delivery.

    Raises
    ------
    StoreError
        When no delivery has this id.
    """
    row = conn.execute(select(DELIVERIES).where(DELIVERIES.c.delivery_id == delivery_id)).first()
    if row is None:
        raise StoreError(f"no delivery {delivery_id} in the school database; "
                         "list them with `python -m mapping db deliveries`")
    return _delivery(row)


def list_deliveries(conn: Connection, kinds: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Every delivery, newest first (times as UTC timestamps)."""
    stmt = select(*[DELIVERIES.c[c] for c in DELIVERY_COLUMNS]).order_by(
        DELIVERIES.c.delivery_id.desc())
    if kinds:
        stmt = stmt.where(DELIVERIES.c.kind.in_(kinds))
    frame = pd.DataFrame(conn.execute(stmt).mappings().all(), columns=list(DELIVERY_COLUMNS))
    for col in ("received_at", "published_at"):
        frame[col] = pd.to_datetime(frame[col], unit="s", utc=True)
    return frame


def delivery_texts(conn: Connection, delivery_id: int) -> list[str]:
    """The JSON texts of a delivery's accepted schools, in file order."""
    return list(conn.execute(select(DELIVERY_SCHOOLS.c.data)
                             .where(DELIVERY_SCHOOLS.c.delivery_id == delivery_id)
                             .order_by(DELIVERY_SCHOOLS.c.position)).scalars())


def delivery_states(conn: Connection, delivery_id: int) -> list[State]:
    """The accepted schools of a delivery, in file order."""
    return loads_many(delivery_texts(conn, delivery_id))


def delivery_issues(conn: Connection, delivery_id: int) -> pd.DataFrame:
    """The validation report of a delivery: ``row, column, value, severity, code, message``."""
    cols = ["row", "column", "value", "severity", "code", "message"]
    rows = conn.execute(select(*[DELIVERY_ISSUES.c[c] for c in cols])
                        .where(DELIVERY_ISSUES.c.delivery_id == delivery_id)
                        .order_by(DELIVERY_ISSUES.c.position)).mappings().all()
    return pd.DataFrame(rows, columns=cols)


def delivery_rejected(conn: Connection, delivery_id: int) -> pd.DataFrame:
    """The rejected rows of a delivery: ``row``, the original cells, ``reasons``."""
    rows = conn.execute(select(DELIVERY_REJECTED)
                        .where(DELIVERY_REJECTED.c.delivery_id == delivery_id)
                        .order_by(DELIVERY_REJECTED.c.position)).mappings().all()
    records = [{"row": r["row"], **json.loads(r["data"]), "reasons": r["reasons"]}
               for r in rows]
    if not records:
        return pd.DataFrame(columns=["row", "reasons"])
    return pd.DataFrame(records)
