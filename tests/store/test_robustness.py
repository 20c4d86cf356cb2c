"""Robustness of the store with real processes, on both backends.

Concurrent conflicting edits, many concurrent writers, a publish killed with
SIGKILL halfway, a GeoPackage locked by another process, and a database at an
older schema revision upgraded by Alembic.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from sqlalchemy import create_engine, event, func, insert, inspect, select

from mapping.roles import Actor
from mapping.schema import REGISTRY_COLUMNS
from mapping.store import EditConflict, StoreBusy, migrate, open_store
from mapping.store.models import DELIVERIES, SCHOOL_CHANGES, SCHOOLS
from mapping.store.records import dumps, loads, make_state
from tests.store.conftest import EDITOR

FORK = mp.get_context("fork")
WRITERS, EDITS, SCHOOLS_EDITED = 20, 50, 12


def _table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(frame[list(REGISTRY_COLUMNS)]).sort_values("school_id").reset_index(
        drop=True)


def _conflicting_editor(url: str, school_id: str, value: int, barrier: Any, out: Any) -> None:
    store = open_store(url, upgrade=False, seed=False, timeout=30)
    record = store.school(school_id)
    barrier.wait(30)
    try:
        store.edit_school(Actor(f"editor{value}", "editor"), school_id, {"pupils": value},
                          record.row_version)
        out.put(("ok", value))
    except EditConflict as exc:
        out.put(("conflict", str(exc)))


def test_two_editors_same_school_exactly_one_wins(
        store: Any, small_registry: gpd.GeoDataFrame) -> None:
    store.create_delivery(EDITOR, small_registry, mode="full", publish=True)
    school_id = str(small_registry.iloc[0]["school_id"])
    url = store.engine.url.render_as_string(hide_password=False)
    barrier, out = FORK.Barrier(2), FORK.Queue()
    procs = [FORK.Process(target=_conflicting_editor, args=(url, school_id, v, barrier, out))
             for v in (101, 202)]
    for p in procs:
        p.start()
    results = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(30)
    kinds = sorted(r[0] for r in results)
    assert kinds == ["conflict", "ok"]
    winner = next(r[1] for r in results if r[0] == "ok")
    assert "changed by editor" in next(r[1] for r in results if r[0] == "conflict")
    assert store.school(school_id).state["pupils"] == winner
    history = store.history(school_id).drop_duplicates("change_id")
    assert history["operation"].tolist() == ["create", "update"]


def _writer(url: str, ids: list[str], index: int, out: Any) -> None:
    store = open_store(url, upgrade=False, seed=False, timeout=60)
    actor = Actor(f"writer{index}", "editor")
    done: dict[str, int] = {}
    while sum(done.values()) < EDITS:
        school_id = ids[(index * 3 + sum(done.values())) % len(ids)]
        record = store.school(school_id)
        toggle = store.reopen_school if not record.active else store.close_school
        try:
            toggle(actor, school_id, record.row_version)
            done[school_id] = done.get(school_id, 0) + 1
        except (EditConflict, StoreBusy):
            continue
    out.put(done)
    store.dispose()


def test_many_concurrent_writers_lose_no_update(
        store: Any, small_registry: gpd.GeoDataFrame) -> None:
    schools = small_registry.iloc[:SCHOOLS_EDITED].copy()
    store.create_delivery(EDITOR, schools, mode="full", publish=True)
    ids = schools["school_id"].astype(str).tolist()
    url = store.engine.url.render_as_string(hide_password=False)
    store.engine.dispose()
    out = FORK.Queue()
    procs = [FORK.Process(target=_writer, args=(url, ids, i, out)) for i in range(WRITERS)]
    for p in procs:
        p.start()
    finished = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(30)
    succeeded = {i: sum(d.get(i, 0) for d in finished) for i in ids}
    assert sum(succeeded.values()) == WRITERS * EDITS
    with store.reading() as conn:
        rows = conn.execute(select(SCHOOL_CHANGES.c.school_id, SCHOOL_CHANGES.c.operation,
                                   SCHOOL_CHANGES.c.after)
                            .order_by(SCHOOL_CHANGES.c.change_id)).all()
    edits = [r for r in rows if r.operation in ("close", "reopen")]
    assert len(edits) == WRITERS * EDITS  # exactly one history row per successful edit
    replay: dict[str, dict[str, object]] = {}
    for r in rows:
        replay[r.school_id] = loads(r.after) or {}
    for school_id in ids:
        record = store.school(school_id)
        assert record.row_version == 1 + succeeded[school_id]  # no update lost
        assert record.state == make_state(replay[school_id], bool(replay[school_id]["active"]))
        assert record.active == (succeeded[school_id] % 2 == 0)  # toggles from open


def _killed_publisher(url: str, delivery_id: int, marker: str) -> None:
    store = open_store(url, upgrade=False, seed=False, timeout=30)

    @event.listens_for(store.engine, "before_cursor_execute")
    def _halfway(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # the schools and the change log are written (in bulk: COPY on PostgreSQL, which
        # no statement hook sees); the delivery is marked published next
        if statement.lstrip().upper().startswith("UPDATE DELIVERIES"):
            written = conn.execute(select(func.count()).select_from(SCHOOL_CHANGES)).scalar()
            Path(marker).write_text(f"schools and {written} change-log rows written")
            time.sleep(120)  # killed here, inside the publish transaction

    store.publish(EDITOR, delivery_id)


def test_publish_killed_halfway_leaves_the_database_unchanged(
        store: Any, small_registry: gpd.GeoDataFrame, tmp_path: Path) -> None:
    store.create_delivery(EDITOR, small_registry.iloc[:20], mode="full", publish=True)
    before = _table(store.current_registry())
    changes_before = store.change_count()
    update = small_registry.iloc[10:40].copy()
    update["pupils"] = 7.0
    delivery_id = store.create_delivery(EDITOR, update, mode="full")
    url = store.engine.url.render_as_string(hide_password=False)
    marker = tmp_path / "halfway"
    proc = FORK.Process(target=_killed_publisher, args=(url, delivery_id, str(marker)))
    proc.start()
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and proc.is_alive():
        time.sleep(0.05)
    assert marker.exists(), "the publisher never reached the end of its transaction"
    # inside the killed transaction: 20 creations, 10 updates, 10 closures more
    assert marker.read_text() == f"schools and {changes_before + 40} change-log rows written"
    os.kill(proc.pid or 0, signal.SIGKILL)
    proc.join(10)
    assert proc.exitcode == -signal.SIGKILL
    pd.testing.assert_frame_equal(_table(store.current_registry()), before)
    assert store.change_count() == changes_before
    assert store.delivery(delivery_id).status == "draft"
    preview = store.publish(EDITOR, delivery_id)  # the same publish now succeeds
    assert preview.counts["create"] == 20 and preview.counts["close"] == 10
    pd.testing.assert_frame_equal(_table(store.current_registry()), _table(update))


def _lock_holder(path: str, ready: Any, release: Any) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    ready.set()
    release.wait(60)
    conn.execute("ROLLBACK")
    conn.close()


def test_locked_geopackage_gives_busy_after_a_bounded_wait(
        tmp_path: Path, small_registry: gpd.GeoDataFrame) -> None:
    path = tmp_path / "locked.gpkg"
    store = open_store(path, seed=False, timeout=0.5)
    store.create_delivery(EDITOR, small_registry, mode="full", publish=True)
    school_id = str(small_registry.iloc[0]["school_id"])
    ready, release = FORK.Event(), FORK.Event()
    holder = FORK.Process(target=_lock_holder, args=(str(path), ready, release))
    holder.start()
    assert ready.wait(30)
    try:
        with pytest.raises(StoreBusy, match=r"busy.*try again"):
            store.edit_school(EDITOR, school_id, {"pupils": 5}, 1)
        assert len(store.current_registry()) == len(small_registry)  # readers still read
    finally:
        release.set()
        holder.join(30)
    assert store.edit_school(EDITOR, school_id, {"pupils": 5}, 1).row_version == 2
    store.dispose()


@pytest.mark.parametrize("revision", ["store_0001", "store_0002"])
def test_older_schema_is_upgraded_without_losing_rows(store_url: str, revision: str) -> None:
    engine = create_engine(store_url)
    from mapping.store.engine import make_engine

    old = make_engine(store_url, 5)
    assert migrate.current_revisions(old) == ()  # a new database: no version table
    migrate.upgrade(old, revision)
    assert migrate.current_revisions(old) == (revision,) == _alembic_reads(old)
    assert not migrate.is_current(old)
    state = make_state({"school_id": "OLD-1", "name_fr": "École ancienne", "cycle": "primary",
                        "commune_code": "07.041.01.01", "lon": -7.65, "lat": 31.55})
    later = {**state, "pupils": 120.0}
    with old.begin() as conn:
        delivery = conn.execute(insert(DELIVERIES).values(
            kind="file_import", mode="full", received_at=1.0,
            received_by="old", rows_read=1, accepted=1, rejected=0, warnings=0,
            status="published", published_at=1.0, published_by="old")
            .returning(DELIVERIES.c.delivery_id)).scalar_one()
        conn.execute(insert(SCHOOLS).values(
            **{c: later[c] for c in REGISTRY_COLUMNS}, geom=(-7.65, 31.55), active=True,
            row_version=2, updated_at=3.0, updated_by="old", delivery_id=delivery))
        conn.execute(insert(SCHOOL_CHANGES), [
            {"school_id": "OLD-1", "operation": "create", "before": None,
             "after": dumps(state), "account": "old", "at": 1.0, "delivery_id": delivery},
            {"school_id": "OLD-1", "operation": "update", "before": dumps(state),
             "after": dumps(later), "account": "old", "at": 3.0, "delivery_id": delivery}])
    old.dispose()
    store = open_store(store_url, seed=False)
    assert set(migrate.current_revisions(store.engine)) == set(migrate.head_revisions())
    assert set(_alembic_reads(store.engine)) == set(migrate.HEADS)
    assert migrate.is_current(store.engine)
    indexes = {i["name"] for i in inspect(store.engine).get_indexes("school_changes")}
    assert {"ix_school_changes_school_change", "ix_school_changes_at"} <= indexes
    assert "ix_school_changes_school_id" not in indexes
    assert store.current_registry()["school_id"].tolist() == ["OLD-1"]
    assert store.current_registry()["pupils"].tolist() == [120.0]
    assert store.current_registry(as_of=2.0)["pupils"].isna().all()  # before the update
    assert store.current_registry(as_of=3.0)["pupils"].tolist() == [120.0]
    assert store.history("OLD-1")["account"].iloc[0] == "old"
    assert store.change_count("OLD-1") == 2
    assert store.delivery_issues(delivery).empty
    assert store.seed_default() is None  # an existing database is never re-seeded
    record = store.edit_school(EDITOR, "OLD-1", {"classrooms": 4}, 2)  # writes still work
    assert record.row_version == 3 and store.change_count() == 3
    store.dispose()
    engine.dispose()


def _alembic_reads(engine: Any) -> tuple[str, ...]:
    """The revisions as Alembic itself reads them from the database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return tuple(MigrationContext.configure(conn).get_current_heads())


def test_the_known_heads_are_those_of_the_revision_scripts() -> None:
    # opening a store compares its version with HEADS (no Alembic import): a new
    # revision script must update it, or every open would run the upgrade again
    assert set(migrate.HEADS) == set(migrate.head_revisions())
