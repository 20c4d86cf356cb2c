"""Tables of the school database (SQLAlchemy Core), shared by both backends.

* ``schools`` — the current registry: the canonical registry columns, the
  point geometry, ``active`` (false once closed) and ``row_version`` for
  optimistic locking.
* ``school_changes`` — the append-only change log, written in the same
  transaction as the change: operation, full state before and after (JSON),
  account, time, delivery and reason.
* ``deliveries`` — every file import, manual edit or exchange package, with its
  counts, status (draft / published) and summary.
* ``delivery_schools`` — the accepted rows of each delivery (what publishing
  applies), ``delivery_rejected`` — its rejected rows with their reasons, and
  ``delivery_issues`` — its validation report.

Times are seconds since the Unix epoch (UTC) as floating point, which compare
the same way on SQLite and PostgreSQL (as in the accounts tables).
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import (
    Boolean,
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
)

from mapping.schema import REGISTRY_COLUMNS
from mapping.store.coltypes import PointGeometry, short_text

#: Metadata of the store's tables.
METADATA = MetaData()

#: Numeric registry columns (floating point, NULL where unknown).
NUMERIC: Final = ("lon", "lat", "classrooms", "seats", "pupils", "pupils_girls", "year")
#: Operations of the change log.
OPERATIONS: Final = ("create", "update", "move", "close", "reopen")
#: Kinds of delivery.
KINDS: Final = ("file_import", "manual_edit", "exchange_package")
#: Modes of a delivery: a full snapshot closes absent schools, a partial one does not.
MODES: Final = ("full", "partial")
#: Statuses of a delivery.
STATUSES: Final = ("draft", "published")


def _registry_columns() -> list[Column[object]]:
    cols: list[Column[object]] = []
    for name in REGISTRY_COLUMNS:
        if name == "school_id":
            cols.append(Column("school_id", short_text(120), nullable=False, unique=True))
        elif name in NUMERIC:
            cols.append(Column(name, Double, nullable=True))
        else:
            cols.append(Column(name, Text, nullable=True))
    return cols


#: The current registry, one row per school ever known (closed ones with ``active`` false).
SCHOOLS = Table(
    "schools", METADATA,
    Column("fid", Integer, primary_key=True, autoincrement=True),
    *_registry_columns(),
    Column("geom", PointGeometry, nullable=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("row_version", Integer, nullable=False, default=1),
    Column("updated_at", Double, nullable=False),
    Column("updated_by", short_text(120), nullable=False),
    Column("delivery_id", Integer, nullable=True),
)

#: Every publication or edit; one row per school and operation, never updated.
DELIVERIES = Table(
    "deliveries", METADATA,
    Column("delivery_id", Integer, primary_key=True, autoincrement=True),
    Column("kind", short_text(20), nullable=False),
    Column("mode", short_text(10), nullable=False),
    Column("source_name", Text, nullable=True),
    Column("source_sha256", short_text(64), nullable=True),
    Column("received_at", Double, nullable=False),
    Column("received_by", short_text(120), nullable=False),
    Column("rows_read", Integer, nullable=False, default=0),
    Column("accepted", Integer, nullable=False, default=0),
    Column("rejected", Integer, nullable=False, default=0),
    Column("warnings", Integer, nullable=False, default=0),
    Column("status", short_text(10), nullable=False),
    Column("published_at", Double, nullable=True),
    Column("published_by", short_text(120), nullable=True),
    Column("note", Text, nullable=True),
    Column("summary", Text, nullable=True),
)

#: The append-only change log.
SCHOOL_CHANGES = Table(
    "school_changes", METADATA,
    Column("change_id", Integer, primary_key=True, autoincrement=True),
    Column("school_id", short_text(120), nullable=False),
    Column("operation", short_text(10), nullable=False),
    Column("before", Text, nullable=True),
    Column("after", Text, nullable=False),
    Column("account", short_text(120), nullable=False),
    Column("at", Double, nullable=False),
    Column("delivery_id", Integer, ForeignKey("deliveries.delivery_id"), nullable=True),
    Column("reason", Text, nullable=True),
)
Index("ix_school_changes_at", SCHOOL_CHANGES.c.at)
Index("ix_school_changes_school_change", SCHOOL_CHANGES.c.school_id,
      SCHOOL_CHANGES.c.change_id)

#: Accepted rows of each delivery, in file order (JSON of the registry columns).
DELIVERY_SCHOOLS = Table(
    "delivery_schools", METADATA,
    Column("delivery_id", Integer, ForeignKey("deliveries.delivery_id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("school_id", short_text(120), nullable=False),
    Column("data", Text, nullable=False),
)

#: Rejected rows of each delivery: source row number, original cells (JSON), reasons.
DELIVERY_REJECTED = Table(
    "delivery_rejected", METADATA,
    Column("delivery_id", Integer, ForeignKey("deliveries.delivery_id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("row", Integer, nullable=True),
    Column("data", Text, nullable=False),
    Column("reasons", Text, nullable=True),
)

#: The validation report of each delivery.
DELIVERY_ISSUES = Table(
    "delivery_issues", METADATA,
    Column("delivery_id", Integer, ForeignKey("deliveries.delivery_id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("row", Integer, nullable=True),
    Column("column", Text, nullable=True),
    Column("value", Text, nullable=True),
    Column("severity", short_text(10), nullable=False),
    Column("code", short_text(60), nullable=True),
    Column("message", Text, nullable=True),
)
