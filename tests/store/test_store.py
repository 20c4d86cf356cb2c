"""The school database on both backends: deliveries, preview, publish, edits, history, as-of."""

from __future__ import annotations

import time

import geopandas as gpd
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

from mapping.exports import to_csv
from mapping.registry import to_registry
from mapping.roles import PermissionDenied
from mapping.schema import REGISTRY_COLUMNS
from mapping.store import EditConflict, EditRejected, Store, StoreError, open_store
from mapping.store.records import make_state, states_of
from mapping.store.writes import current_table
from tests.store.conftest import EDITOR, VIEWER

COLS = list(REGISTRY_COLUMNS)


def _table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(frame[COLS]).sort_values("school_id").reset_index(drop=True)


def test_new_database_publishes_the_default_registry_first(
        store_url: str, default_registry: gpd.GeoDataFrame) -> None:
    store = open_store(store_url, timeout=5)
    deliveries = store.deliveries()
    assert len(deliveries) == 1
    first = deliveries.iloc[0]
    assert (first["status"], first["mode"], first["received_by"]) == ("published", "full",
                                                                     "system")
    assert first["accepted"] == len(default_registry)
    registry = store.current_registry()
    pd.testing.assert_frame_equal(_table(registry), _table(default_registry))
    assert registry.crs == "EPSG:4326"
    assert (registry["location_quality"] == default_registry["location_quality"]).all()
    assert open_store(store_url, timeout=5).seed_default() is None  # only once
    store.dispose()


def test_import_preview_publish(store: Store, small_registry: gpd.GeoDataFrame) -> None:
    first = store.create_delivery(EDITOR, small_registry.iloc[:30], mode="full",
                                  source_name="first.csv", publish=True)
    assert store.delivery(first).status == "published"
    changed = small_registry.iloc[10:40].copy()
    changed.loc[changed.index[0], "classrooms"] = 99.0
    changed.loc[changed.index[1], "lon"] = float(changed.iloc[1]["lon"]) + 0.01
    data = to_csv(changed)
    outcome = store.import_file(EDITOR, data, "academy.csv", mode="full", note="rentrée")
    counts = outcome.preview.counts
    assert counts == {"create": 10, "update": 1, "move": 1, "close": 10, "reopen": 0,
                      "unchanged": 18}
    table = outcome.preview.table()
    row = table[(table["field"] == "classrooms")].iloc[0]
    assert (row["school_id"], row["old"], row["new"]) == (changed.iloc[0]["school_id"],
                                                          small_registry.iloc[10]["classrooms"],
                                                          99.0)
    moved = table[(table["change"] == "move") & (table["field"] == "lon")].iloc[0]
    assert 900 < moved["distance_m"] < 1000  # 0.01° of longitude at 31.5° N
    assert store.delivery(outcome.delivery_id).status == "draft"
    assert len(store.current_registry()) == 30  # nothing applied before publishing
    store.publish(EDITOR, outcome.delivery_id)
    registry = store.current_registry()
    assert sorted(registry["school_id"]) == sorted(changed["school_id"])
    assert registry.set_index("school_id").loc[changed.iloc[0]["school_id"], "classrooms"] == 99
    delivery = store.delivery(outcome.delivery_id)
    assert (delivery.status, delivery.published_by, delivery.source_name) == (
        "published", "amina", "academy.csv")
    assert len(delivery.source_sha256 or "") == 64
    with pytest.raises(StoreError, match="already published"):
        store.publish(EDITOR, outcome.delivery_id)
    closed = store.school(str(small_registry.iloc[0]["school_id"]))
    assert not closed.active


def test_partial_delivery_closes_nothing(store: Store, small_registry: gpd.GeoDataFrame) -> None:
    store.create_delivery(EDITOR, small_registry, mode="full", publish=True)
    update = small_registry.iloc[:2].copy()
    update["pupils"] = [11.0, 12.0]
    preview = store.preview(store.create_delivery(EDITOR, update, mode="partial"))
    assert preview.counts["update"] == 2 and preview.counts["close"] == 0


def test_rejected_rows_and_report_are_kept(store: Store) -> None:
    data = ("school_id,name_fr,cycle,commune_code,lon,lat\n"
            "A1,École A,primary,07.041.01.01,-7.65,31.55\n"
            "A2,École B,bogus_cycle,07.041.01.01,-7.66,31.56\n"
            "A3,École C,primary,99.999.99.99,12.0,55.0\n").encode()
    outcome = store.import_file(EDITOR, data, "mixed.csv", mode="partial")
    delivery = store.delivery(outcome.delivery_id)
    assert (delivery.rows_read, delivery.accepted, delivery.rejected) == (3, 1, 2)
    rejected = store.delivery_rejected(outcome.delivery_id)
    assert list(rejected["row"]) == list(outcome.imported.rejected["row"])
    assert rejected["reasons"].notna().all()
    issues = store.delivery_issues(outcome.delivery_id)
    assert len(issues) == len(outcome.imported.issues)
    assert set(issues["severity"]) >= {"error"}


def test_registry_as_of_each_publication_equals_what_was_published(
        store: Store, small_registry: gpd.GeoDataFrame) -> None:
    published: list[tuple[float, pd.DataFrame]] = []
    for k, (start, stop) in enumerate([(0, 20), (5, 30), (10, 40)]):
        part = small_registry.iloc[start:stop].copy()
        part["pupils"] = part["pupils"] + k
        delivery = store.create_delivery(EDITOR, part, mode="full", publish=True)
        published.append((store.delivery(delivery).published_at or 0.0, _table(part)))
        time.sleep(0.01)
    for at, expected in published:
        pd.testing.assert_frame_equal(_table(store.current_registry(as_of=at)), expected)
    before = store.current_registry(as_of=published[0][0] - 1)
    assert len(before) == 0
    pd.testing.assert_frame_equal(_table(store.current_registry()), published[-1][1])


def test_edits_with_history(store: Store, small_registry: gpd.GeoDataFrame) -> None:
    store.create_delivery(EDITOR, small_registry, mode="full", publish=True)
    school_id = str(small_registry.iloc[0]["school_id"])
    record = store.school(school_id)
    assert record.row_version == 1
    edited = store.edit_school(EDITOR, school_id, {"classrooms": 12}, 1, reason="survey")
    assert (edited.row_version, edited.state["classrooms"]) == (2, 12.0)
    moved = store.move_school(EDITOR, school_id, -7.70, 31.58, 2)
    assert (moved.state["lon"], moved.state["lat"]) == (-7.70, 31.58)
    assert moved.state["commune_code"]  # joined again from the point
    closed = store.close_school(EDITOR, school_id, 3, reason="merged")
    assert not closed.active
    assert school_id not in set(store.current_registry()["school_id"])
    reopened = store.reopen_school(EDITOR, school_id, 4)
    assert reopened.active and reopened.row_version == 5
    history = store.history(school_id)
    ops = history.drop_duplicates("change_id")["operation"].tolist()
    assert ops == ["create", "update", "move", "close", "reopen"]
    row = history[history["field"] == "classrooms"].iloc[-1]
    assert (row["before"], row["after"], row["account"], row["reason"]) == (
        small_registry.iloc[0]["classrooms"], 12.0, "amina", "survey")
    assert history[history["operation"] == "move"]["field"].isin(
        ["lon", "lat", "commune_code"]).all()
    kinds = store.deliveries(("manual_edit",))
    assert len(kinds) == 4 and set(kinds["status"]) == {"published"}


def test_stale_edit_is_refused_with_what_changed(store: Store,
                                                 small_registry: gpd.GeoDataFrame) -> None:
    store.create_delivery(EDITOR, small_registry, mode="full", publish=True)
    school_id = str(small_registry.iloc[1]["school_id"])
    store.edit_school(EDITOR, school_id, {"pupils": 321}, 1)
    with pytest.raises(EditConflict) as info:
        store.edit_school(EDITOR.__class__("karim", "editor"), school_id, {"seats": 50}, 1)
    assert info.value.changed == {"pupils": (small_registry.iloc[1]["pupils"], 321.0)}
    assert info.value.by == "amina" and "pupils" in str(info.value)
    assert store.school(school_id).state["seats"] == small_registry.iloc[1]["seats"]
    assert store.change_count(school_id) == 2


def test_edits_follow_the_importer_rules(store: Store) -> None:
    record = store.add_school(EDITOR, {"school_id": "NEW-1", "name_fr": "École neuve",
                                       "cycle": "primary", "sector": "public",
                                       "lon": -8.0, "lat": 31.63})
    assert record.state["commune_code"] and record.state["source"] == "manual edit by amina"
    with pytest.raises(EditRejected, match="cycle"):
        store.add_school(EDITOR, {"school_id": "NEW-2", "cycle": "university",
                                  "lon": -8.0, "lat": 31.63})
    with pytest.raises(EditRejected):
        store.move_school(EDITOR, "NEW-1", 2.35, 48.85, 1)  # Paris: outside the region
    with pytest.raises(StoreError, match="already exists"):
        store.add_school(EDITOR, {"school_id": "NEW-1", "cycle": "primary",
                                  "lon": -8.0, "lat": 31.63})
    assert store.change_count() == 1


def test_every_write_checks_the_role(store: Store, small_registry: gpd.GeoDataFrame) -> None:
    with pytest.raises(PermissionDenied):
        store.create_delivery(VIEWER, small_registry)
    with pytest.raises(PermissionDenied):
        store.add_school(VIEWER, {"school_id": "X", "cycle": "primary"})
    assert store.deliveries().empty


def test_a_viewer_is_refused_before_any_other_check(
        store: Store, small_registry: gpd.GeoDataFrame) -> None:
    draft = store.create_delivery(EDITOR, small_registry, mode="full")
    school_id = str(small_registry.iloc[0]["school_id"])
    # each of these would fail for another reason too: the role is checked first
    writes = [
        lambda: store.edit_school(VIEWER, school_id, {"no_such_field": 1}, 1),
        lambda: store.edit_school(VIEWER, school_id, {"school_id": "OTHER"}, 1),
        lambda: store.edit_school(VIEWER, "NO-SUCH-SCHOOL", {"pupils": 1}, 99),
        lambda: store.move_school(VIEWER, "NO-SUCH-SCHOOL", 2.35, 48.85, 99),
        lambda: store.close_school(VIEWER, "NO-SUCH-SCHOOL", 99),
        lambda: store.reopen_school(VIEWER, "NO-SUCH-SCHOOL", 99),
        lambda: store.add_school(VIEWER, {"cycle": "university"}),
        lambda: store.create_delivery(VIEWER, small_registry, kind="bogus", mode="bogus"),
        lambda: store.import_file(VIEWER, b"not a registry", "x.csv"),
        lambda: store.publish(VIEWER, 999_999),
        lambda: store.publish(VIEWER, draft),
        lambda: store.seed_default(VIEWER),
        lambda: store.upgrade(VIEWER),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied):
            write()
    assert store.delivery(draft).status == "draft" and store.change_count() == 0
    assert len(store.deliveries()) == 1


def test_import_and_publish_in_one_step(store: Store,
                                        small_registry: gpd.GeoDataFrame) -> None:
    store.create_delivery(EDITOR, small_registry.iloc[:20], mode="full", publish=True)
    changed = small_registry.iloc[10:30].copy()
    changed["pupils"] = changed["pupils"] + 1
    outcome = store.import_file(EDITOR, to_csv(changed), "both.csv", mode="full", publish=True)
    assert outcome.published and store.delivery(outcome.delivery_id).status == "published"
    assert outcome.preview.counts == {"create": 10, "update": 10, "move": 0, "close": 10,
                                      "reopen": 0, "unchanged": 0}
    pd.testing.assert_frame_equal(_table(store.current_registry()), _table(changed))
    # the change log keeps the delivered states as they were delivered
    delivered = store.delivery_schools(outcome.delivery_id)
    pd.testing.assert_frame_equal(_table(delivered), _table(changed))
    assert store.change_count() == 20 + 30


def test_fast_frames_equal_the_registry_builder(
        store: Store, default_registry: gpd.GeoDataFrame) -> None:
    store.create_delivery(EDITOR, default_registry, mode="full", publish=True)
    with store.reading() as conn:
        table = current_table(conn)
    current = store.current_registry()
    expected = to_registry(table, "published registry", key=current.attrs["key"])
    assert_geodataframe_equal(current, expected, check_less_precise=False)
    assert current.attrs == {**expected.attrs, "store_version": store.version()}
    past = store.current_registry(as_of=time.time())
    assert_geodataframe_equal(past, to_registry(table, "x", key="k"), check_less_precise=False)
    # a school with no coordinates has no point
    store.add_school(EDITOR, {"school_id": "NOPOINT-1", "name_fr": "Sans point",
                              "cycle": "primary", "sector": "public",
                              "commune_code": str(default_registry.iloc[0]["commune_code"])})
    row = store.current_registry().set_index("school_id").loc["NOPOINT-1"]
    assert row.geometry is None and pd.isna(row["lon"])
    rows = [make_state(r) for r in default_registry.to_dict("records")]
    assert states_of(default_registry) == rows


def test_geopackage_opens_as_a_layer(tmp_path: object, small_registry: gpd.GeoDataFrame) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "q.gpkg"
    store = open_store(path, seed=False)
    store.create_delivery(EDITOR, small_registry, mode="full", publish=True)
    layer = gpd.read_file(path, layer="schools")
    assert len(layer) == len(small_registry) and layer.crs.to_epsg() == 4326
    first = layer.set_index("school_id").loc[small_registry.iloc[0]["school_id"]]
    assert first.geometry.x == pytest.approx(small_registry.iloc[0]["lon"])
    store.dispose()
