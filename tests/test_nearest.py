"""Nearest school with a k-d tree: identical to geopandas.sjoin_nearest."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from mapping.access.nearest import nearest_schools
from mapping.datasets import Region
from mapping.errors import MappingError


def _reference(points: gpd.GeoDataFrame, schools: gpd.GeoDataFrame) -> pd.DataFrame:
    """sjoin_nearest in EPSG:32629, ties broken towards the first school (by position)."""
    p = points.to_crs(32629)
    s = schools.to_crs(32629).reset_index(drop=True)
    j = gpd.sjoin_nearest(p, s, distance_col="d")
    j = j.reset_index(names="pt")
    j = j.sort_values(["pt", "index_right"]).groupby("pt", sort=False).first()
    return pd.DataFrame({"pos": j["index_right"], "d": j["d"]}).reindex(points.index)


def _check(points: gpd.GeoDataFrame, schools: gpd.GeoDataFrame) -> pd.DataFrame:
    got = nearest_schools(points, schools)
    ref = _reference(points, schools)
    assert list(got.index) == list(points.index)
    pos = pd.Index(schools.index).get_indexer(got["school_index"])
    assert (pos == ref["pos"].to_numpy()).all()
    assert (got["distance_m"].to_numpy() == ref["d"].to_numpy()).all()  # bit-identical
    assert (got["school_id"].to_numpy() == schools["school_id"].to_numpy()[pos]).all()
    return got


def test_real_douars(region: Region) -> None:
    d = region.douars.dropna(subset=["lon", "lat"])
    pts = gpd.GeoDataFrame(d[["code"]], geometry=gpd.points_from_xy(d["lon"], d["lat"]),
                           crs="EPSG:4326")
    rng = np.random.default_rng(7)
    pick = rng.choice(len(pts), 300, replace=False)
    schools = pts.iloc[pick].rename(columns={"code": "school_id"})
    schools.index = [f"s{i}" for i in range(len(schools))]  # non-range labels
    got = _check(pts, schools)
    # douars used as school sites are at distance 0 from themselves
    assert (got.loc[pts.index[pick], "distance_m"] == 0).all()


def test_random_points_lonlat() -> None:
    rng = np.random.default_rng(1)
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(rng.uniform(-9.8, -7, 2000),
                                                       rng.uniform(30.8, 32.9, 2000)),
                           crs="EPSG:4326")
    sch = gpd.GeoDataFrame({"school_id": [f"x{i}" for i in range(150)]},
                           geometry=gpd.points_from_xy(rng.uniform(-9.8, -7, 150),
                                                       rng.uniform(30.8, 32.9, 150)),
                           crs="EPSG:4326")
    _check(pts, sch)


def test_exact_ties_are_deterministic() -> None:
    # integer metric grid: many exact ties; 12 schools stacked on one spot (> k candidates)
    rng = np.random.default_rng(3)
    sx = rng.integers(0, 20, 60) * 1000.0 + 500_000
    sy = rng.integers(0, 20, 60) * 1000.0 + 3_500_000
    sx = np.concatenate([sx, np.full(12, 510_000.0)])
    sy = np.concatenate([sy, np.full(12, 3_510_000.0)])
    sch = gpd.GeoDataFrame({"school_id": [f"k{i}" for i in range(len(sx))]},
                           geometry=gpd.points_from_xy(sx, sy), crs=32629)
    px = rng.integers(0, 40, 3000) * 500.0 + 500_000
    py = rng.integers(0, 40, 3000) * 500.0 + 3_500_000
    px[:5], py[:5] = 510_000.0, 3_510_000.0
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(px, py), crs=32629)
    got = _check(pts, sch)
    # the stacked spot resolves to its first school in table order
    first_stacked = sch.index[(sx == 510_000.0) & (sy == 3_510_000.0)][0]
    assert (got["school_index"].iloc[:5] == first_stacked).all()
    # run twice: same answer
    assert got.equals(nearest_schools(pts, sch))


def test_missing_geometries_and_empty_schools() -> None:
    pts = gpd.GeoDataFrame(geometry=[Point(-8, 31.5), None, Point()], crs="EPSG:4326")
    sch = gpd.GeoDataFrame({"school_id": ["a", "b"]}, geometry=[None, Point(-8, 31.6)],
                           crs="EPSG:4326")
    got = nearest_schools(pts, sch)
    assert got["school_id"].tolist() == ["b", None, None]
    assert got["distance_m"].iloc[0] == pytest.approx(11_090, rel=0.01)
    assert got["distance_m"].iloc[1:].isna().all()
    none = nearest_schools(pts, sch.iloc[0:0])
    assert none["distance_m"].isna().all() and none["school_id"].isna().all()


def test_bad_inputs() -> None:
    pts = gpd.GeoDataFrame(geometry=[Point(-8, 31.5)])
    sch = gpd.GeoDataFrame({"school_id": ["a"]}, geometry=[Point(-8, 31.6)], crs="EPSG:4326")
    with pytest.raises(MappingError, match="coordinate reference system"):
        nearest_schools(pts, sch)
    poly = gpd.GeoDataFrame(geometry=[Point(-8, 31.5).buffer(0.1)], crs="EPSG:4326")
    with pytest.raises(MappingError, match="points"):
        nearest_schools(poly, sch)


def test_nearer_targets_keeps_ties_with_the_current_school() -> None:
    from mapping.access.nearest import nearer_targets, point_distances

    pts = np.array([[0.0, 0.0], [10.0, 0.0], [np.nan, np.nan], [100.0, 0.0]])
    current = np.array([5.0, 2.0, np.nan, np.nan])
    targets = np.array([[3.0, 4.0], [12.0, 0.0], [12.0, 0.0]])
    hit, target, best = nearer_targets(pts, current, targets)
    # point 0: 5 m to the first target, as far as its school: it keeps its school
    assert hit.tolist() == [False, False, False, True]
    assert target.tolist() == [0, 1, -1, 1]  # first of the two tied targets
    assert best[3] == pytest.approx(88.0)
    assert point_distances(pts[:1], targets).shape == (1, 3)
    none = nearer_targets(pts, current, np.empty((0, 2)))
    assert not none[0].any()
