"""The benchmark functions work at tiny sizes (no timing is ever asserted)."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import benchmarks as bench
from benchmarks.__main__ import main
from mapping.datasets import Region
from mapping.schema import REGISTRY_COLUMNS


@pytest.fixture(scope="module")
def points(region: Region) -> gpd.GeoDataFrame:
    return bench.random_points(region.communes, 500, seed=3)


@pytest.fixture(scope="module")
def schools(region: Region) -> gpd.GeoDataFrame:
    return bench.random_schools(region.communes, 60, seed=4)


def test_random_points_lie_in_the_region_and_are_seeded(
    region: Region, points: gpd.GeoDataFrame
) -> None:
    assert len(points) == 500
    assert points.crs == "EPSG:4326"
    inside = gpd.sjoin(points, region.communes[["code", "geometry"]], predicate="within")
    # every point lies in exactly one commune (borders aside)
    assert inside.index.nunique() >= 498
    again = bench.random_points(region.communes, 500, seed=3)
    assert shapely.equals(points.geometry.to_numpy(), again.geometry.to_numpy()).all()
    other = bench.random_points(region.communes, 500, seed=5)
    assert not shapely.equals(points.geometry.to_numpy(), other.geometry.to_numpy()).all()


def test_random_points_are_spread_by_area(region: Region) -> None:
    pts = bench.random_points(region.communes, 4000, seed=0)
    joined = gpd.sjoin(pts, region.communes[["province_code", "geometry"]], predicate="within")
    share = joined["province_code"].value_counts(normalize=True)
    area = region.communes.groupby("province_code")["area_km2"].sum()
    area = area / area.sum()
    # uniform by area: each province's share of points is close to its share of area
    assert (share.reindex(area.index).fillna(0) - area).abs().max() < 0.03


def test_random_schools_form_a_fictitious_registry(schools: gpd.GeoDataFrame) -> None:
    assert list(schools.columns[: len(REGISTRY_COLUMNS)]) == list(REGISTRY_COLUMNS)
    assert schools["school_id"].is_unique
    assert set(schools["location_quality"]) == {"fictitious"}
    assert np.allclose(schools["lon"], schools.geometry.x)


def test_nearest_check_compares_equal(
    region: Region, points: gpd.GeoDataFrame, schools: gpd.GeoDataFrame
) -> None:
    ref = bench.reference_nearest(points, schools)
    ours = bench.ours_nearest(points, schools)
    if ours is None:
        pytest.skip("mapping.access.nearest.nearest_schools is not available")
    check = bench.compare_nearest(points, schools, ours, ref)
    assert check.points == 500
    assert check.mismatches == 0
    assert check.identical
    assert check.same_school + check.ties == 500


def test_nearest_check_detects_a_wrong_school(
    points: gpd.GeoDataFrame, schools: gpd.GeoDataFrame
) -> None:
    ref = bench.reference_nearest(points, schools)
    wrong = ref.copy()
    # point 0 gets another school, with its true (larger) distance: not a tie
    other = schools.index[schools.index != ref.loc[0, "school_index"]][0]
    wrong.loc[0, "school_index"] = other
    check = bench.compare_nearest(points, schools, wrong, ref)
    assert check.mismatches >= 1
    assert not check.identical
    # a distance off by 1 mm is caught too
    off = ref.copy()
    off.loc[1, "distance_m"] += 1e-3
    assert bench.compare_nearest(points, schools, off, ref).max_distance_diff_m >= 1e-3


def test_nearest_check_accepts_ties() -> None:
    # two schools at exactly the same distance from the point
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([500_000.0], [3_500_000.0]),
                           crs="EPSG:32629")
    sch = gpd.GeoDataFrame({"school_id": ["a", "b"]},
                           geometry=gpd.points_from_xy([499_000.0, 501_000.0],
                                                       [3_500_000.0, 3_500_000.0]),
                           crs="EPSG:32629")
    ref = pd.DataFrame({"school_index": [0], "distance_m": [1000.0]})
    ours = pd.DataFrame({"school_index": [1], "distance_m": [1000.0]})
    check = bench.compare_nearest(pts, sch, ours, ref)
    assert (check.ties, check.mismatches, check.identical) == (1, 0, True)


def test_bench_nearest_reports_ratio_and_identity(region: Region) -> None:
    figures, check = bench.bench_nearest(region.communes, 300, 40, seed=1)
    keys = {f.key: f for f in figures}
    assert keys["nearest.sjoin_s"].value is not None
    if check is None:
        assert keys["nearest.ours_s"].note.startswith(bench.NOT_AVAILABLE)
    else:
        assert keys["nearest.identical"].value == "yes"
        assert keys["nearest.ratio"].unit == "x"


def test_missing_code_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch,
                                             region: Region) -> None:
    monkeypatch.setattr(bench, "_optional", lambda module, name: None)
    (fig,) = bench.bench_atlas(region, None, ["07.041"], ["population_2024"])
    assert fig.value is None and fig.note == bench.NOT_AVAILABLE
    (fig,) = bench.bench_siting(region, None)
    assert fig.value is None
    assert "n/a (not available)" in bench.Report(figures=[fig]).table()


def test_peak_rss_of_this_process() -> None:
    import os

    kib = bench.peak_rss_kib(os.getpid())
    assert kib is not None and kib > 10_000
    assert bench.peak_rss_kib(2**22 + 12345) is None


def test_percentile() -> None:
    assert bench.percentile([], 50) is None
    assert bench.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert bench.percentile([float(i) for i in range(101)], 95) == 95.0


def test_report_table_and_json(tmp_path) -> None:  # type: ignore[no-untyped-def]
    report = bench.Report(figures=[
        bench.Figure("a.s", "thing A", 1.23456, "s"),
        bench.Figure("b.bytes", "thing B", 1_234_567, "bytes"),
        bench.missing("c.s", "thing C", "s"),
    ])
    table = report.table()
    assert "1.235" in table and "1,234,567" in table and "n/a (not available)" in table
    out = tmp_path / "b.json"
    report.write_json(out)
    data = json.loads(out.read_text())
    assert data["values"] == {"a.s": 1.23456, "b.bytes": 1_234_567, "c.s": None}
    assert data["machine"]["cpus"] >= 1


def test_cli_quick_without_browser(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    # shrink the heavy steps: the command's wiring is what is tested here
    monkeypatch.setattr(bench, "bench_atlas", lambda *a, **k: [bench.missing("atlas.s", "atlas")])
    monkeypatch.setattr(bench, "bench_siting", lambda *a, **k: [bench.missing("siting.s", "s")])
    monkeypatch.setattr(bench, "bench_webmap", lambda *a, **k: [bench.missing("webmap.bytes", "")])
    real = bench.bench_nearest
    monkeypatch.setattr(bench, "bench_nearest",
                        lambda communes, n, m, seed, repeat=1: real(communes, 200, 20, seed, 1))
    out = tmp_path / "bench.json"
    assert main(["--quick", "--no-browser", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["quick"] is True
    assert data["values"]["load.region_s"] > 0
    assert "nearest.sjoin_s" in data["values"]
    assert "load_region" in capsys.readouterr().out


def test_webmap_payload_is_the_whole_region(region: Region) -> None:
    built = bench.webmap_html(region, None)
    if built is None:
        pytest.skip("mapping.web is not available")
    html, geojson = built
    assert len(json.loads(geojson)["features"]) == 251
    assert "<html" in html.lower() and len(html) > len(geojson) / 2
