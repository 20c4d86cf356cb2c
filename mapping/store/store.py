"""The :class:`Store`: one school database (GeoPackage or PostGIS) behind one interface."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from mapping.datasets import Region, load_region
from mapping.registry import RegistryImport, load_default_registry, read_registry
from mapping.roles import SYSTEM, Actor, require
from mapping.store import deliveries as dl
from mapping.store import history as hist
from mapping.store import migrate
from mapping.store.diff import Operation, Preview, classify, plan
from mapping.store.engine import read_connection, write_transaction
from mapping.store.errors import EditConflict, StoreError
from mapping.store.models import DELIVERIES
from mapping.store.records import (
    State,
    differences,
    dumps,
    loads_many,
    make_state,
    registry_frame,
    states_of,
    stored_registry,
)
from mapping.store.validation import validate_state
from mapping.store.writes import Stored, apply, current_columns, load_all, load_one

#: Note of the first delivery of a new database.
DEFAULT_NOTE = ("embedded default registry: sites inferred from census evidence and "
                "demonstration sites, estimated capacities")


@dataclass(frozen=True)
class SchoolRecord:
    """One school as stored, with the version an edit must name.

    Attributes
    ----------
    state
        Registry fields plus ``active``.
    row_version
        Pass it back as ``expected_version`` when editing.
    updated_at, updated_by
        Time (seconds since the epoch, UTC) and account of the last change.
    """

    state: State
    row_version: int
    updated_at: float
    updated_by: str

    @property
    def school_id(self) -> str:
        """The school's identifier."""
        return str(self.state["school_id"])

    @property
    def active(self) -> bool:
        """Whether the school is open (not closed)."""
        return bool(self.state.get("active"))


@dataclass(frozen=True)
class ImportOutcome:
    """Result of :meth:`Store.import_file`: the delivery, the importer's report, the changes."""

    delivery_id: int
    imported: RegistryImport
    preview: Preview
    published: bool


def _record(stored: Stored) -> SchoolRecord:
    return SchoolRecord(stored.state, stored.row_version, stored.updated_at, stored.updated_by)


class Store:
    """A school database: current registry, deliveries, edits, history.

    Build it with :func:`mapping.store.open_store`. Every write method takes
    the acting :class:`~mapping.roles.Actor`, checks its role first and writes
    its name in the deliveries and the change log.
    """

    def __init__(self, engine: Engine, busy_timeout: float) -> None:
        self.engine = engine
        self.busy_timeout = busy_timeout
        self._region: Region | None = None
        self._sessions = sessionmaker(bind=engine)

    # -- plumbing -----------------------------------------------------------------
    @property
    def url(self) -> str:
        """The database URL (password hidden)."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def backend(self) -> str:
        """``"geopackage"`` or ``"postgis"``."""
        return "postgis" if self.engine.dialect.name == "postgresql" else "geopackage"

    @property
    def path(self) -> Path | None:
        """The GeoPackage file (``None`` on PostGIS)."""
        database = self.engine.url.database
        return Path(database) if self.backend == "geopackage" and database else None

    def session(self) -> Session:
        """A new ORM session on the store's engine (for tables other packages add)."""
        return self._sessions()

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read transaction."""
        with read_connection(self.engine) as conn:
            yield conn

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction holding the store's write lock (see :mod:`mapping.store.engine`)."""
        with write_transaction(self.engine, self.busy_timeout) as conn:
            yield conn

    @property
    def region(self) -> Region:
        """The region used to validate edits (loaded once)."""
        if self._region is None:
            self._region = load_region()
        return self._region

    def upgrade(self, actor: Actor = SYSTEM, revision: str = "heads") -> None:
        """Bring the schema to the newest revision (Alembic)."""
        require(actor, "upgrade_database")
        migrate.upgrade(self.engine, revision, self.busy_timeout)

    def dispose(self) -> None:
        """Close the engine's connections."""
        self.engine.dispose()

    # -- reading ------------------------------------------------------------------
    def version(self) -> int:
        """Id of the newest change: changes whenever the registry does (for caches)."""
        with self.reading() as conn:
            return hist.last_change_id(conn)

    def current_registry(
        self,
        as_of: Any = None,
        include_closed: bool = False,
    ) -> gpd.GeoDataFrame:
        """The published registry, now or as of a past time.

        Parameters
        ----------
        as_of
            ``None`` for now; else a datetime, date (end of that day, UTC),
            ISO string or epoch seconds.
        include_closed
            Keep closed schools (they are left out by default).

        Returns
        -------
        geopandas.GeoDataFrame
            A registry (see :func:`mapping.registry.to_registry`), with
            ``attrs["store_version"]`` the newest change id it reflects.
        """
        with self.reading() as conn:
            version = hist.last_change_id(conn)
            # the key names the content without hashing it: database, newest change, view
            where = hashlib.sha256(self.url.encode()).hexdigest()[:8]
            if as_of is None:
                columns = current_columns(conn, include_closed)
                key = f"store-{where}-{version}-{int(include_closed)}"
                frame = stored_registry(columns, "published registry", key)
            else:
                at = hist.to_epoch(as_of)
                states = hist.states_as_of(conn, at)
                if not include_closed:
                    states = [s for s in states if s.get("active")]
                key = f"store-{where}-{version}-{int(include_closed)}-at{at!r}"
                frame = registry_frame(states, f"registry as of {as_of}", key=key)
        frame.attrs["store_version"] = version
        return frame

    def school(self, school_id: str) -> SchoolRecord:
        """One school with its row version.

        Raises
        ------
        StoreError
            When no school has this id.
        """
        with self.reading() as conn:
            stored = load_one(conn, school_id)
        if stored is None:
            raise StoreError(f"no school {school_id!r} in the school database; check the id")
        return _record(stored)

    def history(self, school_id: str) -> pd.DataFrame:
        """Every change of one school (see :func:`mapping.store.history.school_history`)."""
        with self.reading() as conn:
            return hist.school_history(conn, school_id)

    def change_count(self, school_id: str | None = None) -> int:
        """Number of change-log rows (of one school, or all)."""
        with self.reading() as conn:
            return hist.change_count(conn, school_id)

    def deliveries(self, kinds: tuple[str, ...] | None = None) -> pd.DataFrame:
        """Every delivery, newest first."""
        with self.reading() as conn:
            return dl.list_deliveries(conn, kinds)

    def delivery(self, delivery_id: int) -> dl.Delivery:
        """One delivery."""
        with self.reading() as conn:
            return dl.get_delivery(conn, delivery_id)

    def delivery_issues(self, delivery_id: int) -> pd.DataFrame:
        """The validation report of a delivery."""
        with self.reading() as conn:
            return dl.delivery_issues(conn, delivery_id)

    def delivery_rejected(self, delivery_id: int) -> pd.DataFrame:
        """The rejected rows of a delivery with their reasons."""
        with self.reading() as conn:
            return dl.delivery_rejected(conn, delivery_id)

    def delivery_schools(self, delivery_id: int) -> gpd.GeoDataFrame:
        """The accepted schools of a delivery, as a registry."""
        with self.reading() as conn:
            states = dl.delivery_states(conn, delivery_id)
        return registry_frame(states, f"delivery {delivery_id}")

    def preview(self, delivery_id: int) -> Preview:
        """What publishing the delivery would change now."""
        with self.reading() as conn:
            delivery = dl.get_delivery(conn, delivery_id)
            current = {k: v.state for k, v in load_all(conn).items()}
            incoming = dl.delivery_states(conn, delivery_id)
        return plan(current, incoming, delivery.full)

    def _deliver(self, actor: Actor, registry: pd.DataFrame, publish: bool,
                 **fields: Any) -> tuple[int, Preview]:
        """Insert a delivery (and publish it) in one write transaction; also its preview.

        The schools are typed and turned into JSON once; publishing in the same
        transaction applies them from memory, without reading them back.
        """
        states = states_of(registry)
        texts = [dumps(state) or "" for state in states]
        with self.writing() as conn:
            at = time.time()
            delivery_id = dl.insert_delivery(conn, account=actor.name, at=at, schools=states,
                                             texts=texts, **fields)
            if publish:
                preview = self._publish(conn, actor, delivery_id, at, (states, texts))
            else:
                current = {k: v.state for k, v in load_all(conn).items()}
                preview = plan(current, states, fields["mode"] == "full")
        return delivery_id, preview

    # -- deliveries ---------------------------------------------------------------
    def create_delivery(
        self,
        actor: Actor,
        registry: pd.DataFrame,
        *,
        kind: str = "file_import",
        mode: str = "partial",
        source_name: str | None = None,
        source_sha256: str | None = None,
        summary: Mapping[str, Any] | None = None,
        issues: pd.DataFrame | None = None,
        rejected: pd.DataFrame | None = None,
        note: str | None = None,
        publish: bool = False,
    ) -> int:
        """Store an already validated registry as a delivery; return its id.

        Parameters
        ----------
        actor
            Who delivers (role ``edit``; ``publish`` too when *publish*).
        registry
            Validated schools (a registry frame, e.g. ``RegistryImport.schools``).
        kind
            ``"file_import"``, ``"manual_edit"`` or ``"exchange_package"``.
        mode
            ``"full"`` (absent schools are closed on publish) or ``"partial"``.
        source_name, source_sha256
            The file received and its SHA-256.
        summary, issues, rejected
            The importer's counts, report and rejected rows, kept with the delivery.
        note
            Free text (kept as the reason of every change it publishes).
        publish
            Publish it in the same transaction.
        """
        require(actor, "edit")
        if publish:
            require(actor, "publish")
        delivery_id, _ = self._deliver(
            actor, registry, publish, kind=kind, mode=mode, source_name=source_name,
            source_sha256=source_sha256, summary=dict(summary or {}), issues=issues,
            rejected=rejected, note=note)
        return delivery_id

    def import_file(
        self,
        actor: Actor,
        source: bytes | Path,
        filename: str,
        *,
        mode: str = "partial",
        note: str | None = None,
        crs: str | None = None,
        column_map: dict[str, str] | None = None,
        publish: bool = False,
    ) -> ImportOutcome:
        """Read a registry file (any format the importer reads) into a delivery.

        The file is validated by :func:`mapping.registry.read_registry`; its
        report and rejected rows are kept with the delivery. With *publish*,
        the delivery is stored and published in one transaction and the
        preview is what that publication changed.
        """
        require(actor, "edit")
        if publish:
            require(actor, "publish")
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        imported = read_registry(data, filename, crs=crs, column_map=column_map,
                                 region=self.region)
        delivery_id, preview = self._deliver(
            actor, imported.schools, publish, kind="file_import", mode=mode,
            source_name=filename, source_sha256=hashlib.sha256(data).hexdigest(),
            summary=dict(imported.summary), issues=imported.issues,
            rejected=imported.rejected, note=note)
        return ImportOutcome(delivery_id, imported, preview, publish)

    def publish(self, actor: Actor, delivery_id: int) -> Preview:
        """Apply a draft delivery to the registry, atomically; return what changed.

        Raises
        ------
        StoreError
            When the delivery does not exist or is already published.
        """
        require(actor, "publish")
        with self.writing() as conn:
            return self._publish(conn, actor, delivery_id, time.time())

    def _publish(self, conn: Connection, actor: Actor, delivery_id: int, at: float,
                 schools: tuple[list[State], list[str]] | None = None) -> Preview:
        """Apply a draft delivery; *schools* = its states and their JSON texts, if at hand."""
        delivery = dl.get_delivery(conn, delivery_id)
        if delivery.status != "draft":
            raise StoreError(f"delivery {delivery_id} is already {delivery.status}; "
                             "import the file again to publish a new delivery")
        if schools is None:
            texts = dl.delivery_texts(conn, delivery_id)
            schools = (loads_many(texts), texts)
        incoming, texts = schools
        stored = load_all(conn)
        preview = plan({k: v.state for k, v in stored.items()}, incoming, delivery.full)
        # the change log stores the delivered JSON as it is for the schools taken from it
        text_of = {id(state): text for state, text in zip(incoming, texts, strict=True)}
        after_texts = {op.school_id: text_of[id(op.after)] for op in preview.operations
                       if id(op.after) in text_of}
        apply(conn, preview.operations, actor.name, at, delivery_id, delivery.note,
              {k: v.row_version for k, v in stored.items()}, after_texts)
        conn.execute(update(DELIVERIES).where(DELIVERIES.c.delivery_id == delivery_id)
                     .values(status="published", published_at=at, published_by=actor.name))
        return preview

    def seed_default(self, actor: Actor = SYSTEM) -> int | None:
        """Publish the embedded default registry when the database has no delivery yet.

        Returns the new delivery id, or ``None`` when deliveries already exist.
        """
        require(actor, "publish")
        with self.reading() as conn:
            if conn.execute(select(func.count()).select_from(DELIVERIES)).scalar_one():
                return None
        registry = load_default_registry()
        with self.writing() as conn:
            if conn.execute(select(func.count()).select_from(DELIVERIES)).scalar_one():
                return None
            at = time.time()
            states = states_of(registry)
            texts = [dumps(state) or "" for state in states]
            delivery_id = dl.insert_delivery(
                conn, kind="file_import", mode="full", account=actor.name, at=at,
                schools=states, texts=texts, source_name="registry_default.csv",
                summary={"rows_read": len(registry), "warnings": 0}, note=DEFAULT_NOTE)
            self._publish(conn, actor, delivery_id, at, (states, texts))
        return delivery_id

    # -- edits --------------------------------------------------------------------
    def add_school(self, actor: Actor, fields: Mapping[str, object],
                   reason: str | None = None) -> SchoolRecord:
        """Add a school, checked with the importer's rules.

        Raises
        ------
        EditRejected
            When the school breaks a validation rule.
        StoreError
            When a school with this id already exists.
        """
        require(actor, "edit")
        proposed = make_state(fields)
        if proposed["source"] is None:
            proposed["source"] = f"manual edit by {actor.name}"
        after = validate_state(proposed, self.region)
        school_id = str(after["school_id"])
        with self.writing() as conn:
            if load_one(conn, school_id) is not None:
                raise StoreError(f"a school with id {school_id!r} already exists; "
                                 "choose another id or edit that school")
            self._write_edit(conn, actor, Operation("create", school_id, None, after),
                             reason, None)
            stored = load_one(conn, school_id)
        assert stored is not None
        return _record(stored)

    def edit_school(self, actor: Actor, school_id: str, changes: Mapping[str, object],
                    expected_version: int, reason: str | None = None) -> SchoolRecord:
        """Change fields of a school seen at *expected_version*.

        Raises
        ------
        EditConflict
            When the school changed since that version (nothing is saved).
        EditRejected
            When the result breaks a validation rule.
        """
        require(actor, "edit")  # before any other check: a viewer is refused, whatever it sends
        unknown = sorted(set(changes) - set(make_state({})) - {"active"})
        if unknown:
            raise StoreError(f"unknown school field(s) {unknown}; use registry columns")
        if "school_id" in changes and changes["school_id"] != school_id:
            raise StoreError("a school's id cannot be changed; close it and add a new one")

        def change(state: State) -> State:
            merged = {**state, **changes}
            return validate_state(make_state(merged, bool(state.get("active"))), self.region)

        return self._edit(actor, school_id, expected_version, change, reason)

    def move_school(self, actor: Actor, school_id: str, lon: float, lat: float,
                    expected_version: int, reason: str | None = None) -> SchoolRecord:
        """Move a school to a new point; its commune is joined again from the point."""
        def change(state: State) -> State:
            moved = make_state({**state, "lon": lon, "lat": lat, "commune_code": None},
                               bool(state.get("active")))
            return validate_state(moved, self.region)

        return self._edit(actor, school_id, expected_version, change, reason)

    def close_school(self, actor: Actor, school_id: str, expected_version: int,
                     reason: str | None = None) -> SchoolRecord:
        """Close a school (it leaves the current registry; its history stays)."""
        return self._edit(actor, school_id, expected_version,
                          lambda s: {**s, "active": False}, reason)

    def reopen_school(self, actor: Actor, school_id: str, expected_version: int,
                      reason: str | None = None) -> SchoolRecord:
        """Reopen a closed school."""
        return self._edit(actor, school_id, expected_version,
                          lambda s: {**s, "active": True}, reason)

    def _conflict(self, conn: Connection, school_id: str, expected: int,
                  stored: Stored) -> EditConflict:
        seen = hist.state_at_version(conn, school_id, expected) or {}
        return EditConflict(school_id, expected, stored.row_version,
                            differences(seen, stored.state), stored.updated_by)

    def _edit(self, actor: Actor, school_id: str, expected_version: int,
              change: Callable[[State], State], reason: str | None) -> SchoolRecord:
        require(actor, "edit")
        with self.reading() as conn:
            stored = load_one(conn, school_id)
            if stored is None:
                raise StoreError(f"no school {school_id!r} in the school database")
            if stored.row_version != expected_version:
                raise self._conflict(conn, school_id, expected_version, stored)
        after = change(stored.state)
        operation = classify(stored.state, after)
        with self.writing() as conn:
            now = load_one(conn, school_id)
            assert now is not None
            if now.row_version != expected_version:
                raise self._conflict(conn, school_id, expected_version, now)
            if operation is not None:
                self._write_edit(conn, actor, Operation(operation, school_id, now.state, after),
                                 reason, now.row_version)
                now = load_one(conn, school_id)
                assert now is not None
        return _record(now)

    def _write_edit(self, conn: Connection, actor: Actor, op: Operation,
                    reason: str | None, version: int | None) -> None:
        at = time.time()
        delivery_id = dl.insert_delivery(conn, kind="manual_edit", mode="partial",
                                         account=actor.name, at=at, schools=[op.after],
                                         source_name=None, summary={"operation": op.operation},
                                         note=reason)
        apply(conn, [op], actor.name, at, delivery_id, reason,
              None if version is None else {op.school_id: version})
        conn.execute(update(DELIVERIES).where(DELIVERIES.c.delivery_id == delivery_id)
                     .values(status="published", published_at=at, published_by=actor.name))
