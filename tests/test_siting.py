"""Siting suggestions: MCLP on a hand-made case and on a real province."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from mapping.access import computed_distances, siting
from mapping.access.siting import SitingError, rank_sites, solve_mclp, suggest_sites
from mapping.datasets import Region
from mapping.schema import REGISTRY_COLUMNS


def test_mclp_beats_greedy_on_hand_case() -> None:
    # demand a..f (weight 1): X covers b,c,d,e; Y covers a,b,c; Z covers d,e,f.
    # Greedy would take X then gain 1 (total 5); the optimum Y + Z covers all 6.
    cover = np.array([
        # X  Y  Z
        [0, 1, 0],  # a
        [1, 1, 0],  # b
        [1, 1, 0],  # c
        [1, 0, 1],  # d
        [1, 0, 1],  # e
        [0, 0, 1],  # f
    ], dtype=bool)
    w = np.ones(6)
    assert solve_mclp(cover, w, 2) == [1, 2]
    assert solve_mclp(cover, w, 1) == [0]
    ranked = rank_sites(cover, w, [1, 2])
    assert [g for _, g in ranked] == [3.0, 3.0]


def test_mclp_follows_weights() -> None:
    # three separate clusters of weights 100, 50, 10: k=2 picks the two heaviest
    cover = np.zeros((6, 3), dtype=bool)
    cover[0:2, 0] = cover[2:4, 1] = cover[4:6, 2] = True
    w = np.array([60, 40, 25, 25, 5, 5], dtype=float)
    assert solve_mclp(cover, w, 2) == [0, 1]
    assert rank_sites(cover, w, [1, 0]) == [(0, 100.0), (1, 50.0)]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mclp_reaches_the_brute_force_optimum(seed: int) -> None:
    import itertools

    rng = np.random.default_rng(seed)
    cover = rng.random((40, 10)) < 0.2
    w = rng.integers(1, 100, 40).astype(float)
    for k in (1, 3, 4):
        best = max(w[cover[:, list(c)].any(axis=1)].sum()
                   for c in itertools.combinations(range(10), k))
        chosen = solve_mclp(cover, w, k)
        assert len(chosen) == k
        assert w[cover[:, chosen].any(axis=1)].sum() == pytest.approx(best)


def _registry(region: Region, province: str) -> gpd.GeoDataFrame:
    codes = region.communes.loc[region.communes["province_code"] == province, "code"]
    d = region.douars[region.douars["commune_code"].isin(codes)].dropna(subset=["lon"])
    d = d.nlargest(4, "population")
    rows = []
    for i, r in enumerate(d.itertuples()):
        row = dict.fromkeys(REGISTRY_COLUMNS)
        row.update(school_id=f"E{i}", cycle="lower_secondary", lon=r.lon, lat=r.lat)
        rows.append(row)
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=[Point(r["lon"], r["lat"])
                                                          for r in rows], crs="EPSG:4326")


@pytest.mark.parametrize("candidates", ["douars", "grid"])
def test_real_province(region: Region, candidates: str) -> None:
    province = "07.351"
    reg = _registry(region, province)
    sites = suggest_sites(region, reg, "lower_secondary", 3, province=province,
                          candidates=candidates)
    assert list(sites["rank"]) == [1, 2, 3]
    covered = sites["under15_covered"].to_numpy()
    assert (np.diff(covered) <= 1e-9).all() and covered[0] > 0
    assert covered.sum() <= sites.attrs["under15_uncovered"] + 1e-6
    codes = set(region.communes.loc[region.communes["province_code"] == province, "code"])
    assert sites["commune_code"].isin(codes).all()
    # no demand already within 5 km of an existing collège is counted
    dist = computed_distances(region, reg, "lower_secondary")
    prov = dist[dist["commune_code"].isin(codes)]
    assert sites.attrs["under15_uncovered"] == pytest.approx(
        prov.loc[~(prov["computed_km"] <= 5), "under15"].sum())


def test_single_site_is_best_douar(region: Region) -> None:
    # k = 1 on douar candidates: the best candidate can be checked by brute force
    province = "07.351"
    sites = suggest_sites(region, None, "lower_secondary", 1, province=province)
    dist = computed_distances(region, None, "lower_secondary")
    codes = region.communes.loc[region.communes["province_code"] == province, "code"]
    pts = dist[dist["commune_code"].isin(codes)]
    pts = pts[pts["under15"] > 0]
    xy = gpd.GeoSeries(gpd.points_from_xy(region.douars.loc[pts.index, "lon"],
                                          region.douars.loc[pts.index, "lat"]),
                       crs=4326).to_crs(32629)
    xy_arr = np.column_stack([xy.x, xy.y])
    dd = np.linalg.norm(xy_arr[:, None, :] - xy_arr[None, :, :], axis=2) <= 5000
    best = (dd * pts["under15"].to_numpy()[:, None]).sum(axis=0).max()
    assert sites["under15_covered"].iloc[0] == pytest.approx(best)


def test_bad_requests(region: Region) -> None:
    with pytest.raises(SitingError):
        suggest_sites(region, None, "primary", 0)
    with pytest.raises(SitingError, match="province"):
        suggest_sites(region, None, "primary", 2, province="99")
    with pytest.raises(SitingError):
        suggest_sites(region, None, "primary", 2, candidates="roads")
    assert siting.MAX_SITES >= 3


def test_reduce_problem_keeps_optimum() -> None:
    cover = np.array([
        [1, 1, 0, 1],
        [1, 1, 0, 0],
        [0, 0, 1, 0],
        [0, 0, 1, 0],
        [0, 0, 0, 0],
    ], dtype=bool)
    w = np.array([1.0, 2.0, 3.0, 4.0, 9.0])
    small, sw, kept = siting.reduce_problem(cover, w)
    # column 1 duplicates column 0, column 3 is inside column 0; rows 2 and 3 merge
    assert kept.tolist() == [0, 2]
    assert sorted(sw.tolist()) == [1.0, 2.0, 7.0]
    assert small.shape == (3, 2)
    rng = np.random.default_rng(5)
    big = rng.random((60, 40)) < 0.08
    bw = rng.integers(1, 50, 60).astype(float)
    s2, w2, k2 = siting.reduce_problem(big, bw)
    full = [int(j) for j in solve_mclp(big, bw, 4)]
    red = [int(k2[j]) for j in solve_mclp(s2, w2, 4)]
    assert bw[big[:, full].any(axis=1)].sum() == bw[big[:, red].any(axis=1)].sum()
