"""Diff between two deliveries: added, removed, closed, moved, id changes, fields."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from mapping.exchange import apply_diff, diff_registries
from mapping.registry.frame import canonical


def _edited(registry: gpd.GeoDataFrame) -> pd.DataFrame:
    b = canonical(registry).copy()
    b.loc[3, "pupils"] = b.loc[3, "pupils"] + 40
    b.loc[5, "lat"] = b.loc[5, "lat"] + 0.01  # about 1.1 km north
    b.loc[6, "lon"] = b.loc[6, "lon"] + 0.0001  # about 10 m: changed, not moved
    b.loc[9, "school_id"] = "AREF-NEW-ID-9"
    b.loc[11, "status"] = "closed"
    gone = b.loc[7, "school_id"]
    b = b.drop(index=[7])
    new = b.iloc[[0]].assign(school_id="AREF-ADDED-1", name_fr="École nouvelle")
    b = pd.concat([b, new], ignore_index=True)
    b.attrs["gone"] = gone
    return b


def test_diff_of_a_registry_with_itself_is_empty(registry: gpd.GeoDataFrame) -> None:
    d = diff_registries(registry, registry.copy())
    assert d.is_empty
    assert len(d.moved) == 0 and len(d.closed) == 0


def test_diff_finds_each_kind_of_change(registry: gpd.GeoDataFrame) -> None:
    a = canonical(registry)
    b = _edited(registry)
    d = diff_registries(registry, b)
    assert d.added["school_id"].tolist() == ["AREF-ADDED-1"]
    assert d.removed["school_id"].tolist() == [b.attrs["gone"]]
    assert d.id_changed[["old_id", "new_id"]].values.tolist() == [[a.loc[9, "school_id"],
                                                                    "AREF-NEW-ID-9"]]
    assert d.closed["school_id"].tolist() == [a.loc[11, "school_id"]]
    assert d.moved["school_id"].tolist() == [a.loc[5, "school_id"]]
    assert 1000 < d.moved["distance_m"].iloc[0] < 1200
    cap = d.capacity_changes()
    assert cap[["school_id", "field", "delta"]].values.tolist() == [
        [a.loc[3, "school_id"], "pupils", 40.0]]
    fields = set(zip(d.changes["school_id"], d.changes["field"], strict=True))
    assert (a.loc[6, "school_id"], "lon") in fields
    assert (a.loc[11, "school_id"], "status") in fields


def test_applying_the_diff_gives_the_new_registry(registry: gpd.GeoDataFrame) -> None:
    b = _edited(registry)
    got = canonical(apply_diff(registry, diff_registries(registry, b)))
    want = canonical(b).sort_values("school_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want)


def test_summary_per_commune_and_province(registry: gpd.GeoDataFrame, region) -> None:
    b = _edited(registry)
    d = diff_registries(registry, b)
    summary = d.summary(registry, b, region.communes)
    assert {"code", "name_fr", "province_code", "added", "moved"} <= set(summary.columns)
    assert int(summary["added"].sum()) == 1 and int(summary["moved"].sum()) == 1
    assert int(summary["removed"].sum()) == 1
