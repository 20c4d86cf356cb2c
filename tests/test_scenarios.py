"""Add-a-school / close-a-school scenarios: effect on computed distances, JSON files."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from mapping.access import scenarios
from mapping.access.scenarios import AddedSchool, Scenario, ScenarioError
from mapping.datasets import Region
from mapping.schema import REGISTRY_COLUMNS


def _registry(region: Region) -> gpd.GeoDataFrame:
    """Collèges at the 40 most populous located douars (a test registry, not real schools)."""
    d = region.douars.dropna(subset=["lon"]).nlargest(40, "population")
    rows = []
    for i, r in enumerate(d.itertuples()):
        row = dict.fromkeys(REGISTRY_COLUMNS)
        row.update(school_id=f"C{i}", cycle="lower_secondary", lon=r.lon, lat=r.lat,
                   commune_code=r.commune_code, status="open", source="test")
        rows.append(row)
    reg = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=[Point(r["lon"], r["lat"]) for r in rows],
                           crs="EPSG:4326")
    reg.attrs.update(key="k", name="test")
    return reg


@pytest.fixture(scope="module")
def registry(region: Region) -> gpd.GeoDataFrame:
    return _registry(region)


def _far_douar(region: Region, registry: gpd.GeoDataFrame) -> pd.Series:
    from mapping.access import computed_distances

    dist = computed_distances(region, registry, "lower_secondary")
    label = dist["computed_km"].idxmax()
    return region.douars.loc[label]


def test_add_school_reduces_distances(region: Region, registry: gpd.GeoDataFrame) -> None:
    far = _far_douar(region, registry)
    scen = Scenario().with_school(AddedSchool(float(far["lon"]), float(far["lat"]),
                                              "lower_secondary", 300, "Nouveau collège"))
    res = scenarios.evaluate(region, registry, scen, "lower_secondary")
    d = res.douars
    assert d.loc[far.name, "after_km"] == pytest.approx(0.0, abs=1e-6)
    assert d.loc[far.name, "before_km"] > 5
    assert (d["after_km"] <= d["before_km"] + 1e-9).all()
    near = d["after_school"] == "SCN-1"
    assert near.sum() >= 1 and (d.loc[near, "after_km"] < d.loc[near, "before_km"]).all()
    s = res.summary
    assert s["population_within_after"] >= s["population_within_before"]
    assert s["population_newly_within"] == pytest.approx(
        s["population_within_after"] - s["population_within_before"])
    assert s["under15_newly_within"] > 0
    assert res.changed.index.isin(d.index).all() and len(res.changed) >= 1
    assert s["douars_changed"] == len(res.changed)


def test_close_school_increases_distances(region: Region, registry: gpd.GeoDataFrame) -> None:
    scen = Scenario().with_closed("C0")
    res = scenarios.evaluate(region, registry, scen, "lower_secondary", threshold_km=5)
    d = res.douars
    assert (d["after_km"] >= d["before_km"] - 1e-9).all()
    assert (d["after_school"] != "C0").all()
    assert res.summary["population_no_longer_within"] > 0


def test_apply_flags_hypothetical_rows(region: Region, registry: gpd.GeoDataFrame) -> None:
    far = _far_douar(region, registry)
    scen = Scenario(added=(AddedSchool(float(far["lon"]), float(far["lat"]), "primary", 120),),
                    closed=("C1",))
    out = scenarios.apply(registry, scen, region=region)
    assert len(out) == len(registry)
    added = out[out["school_id"] == "SCN-1"].iloc[0]
    assert added["status"] == "scenario" and added["location_quality"] == "fictitious"
    assert added["commune_code"] == far["commune_code"]
    assert "C1" not in set(out["school_id"])
    assert out.attrs["key"] != registry.attrs["key"]
    assert len(registry) == 40  # input untouched
    with pytest.raises(ScenarioError, match="unknown school"):
        scenarios.apply(registry, Scenario(closed=("nope",)))


def test_json_round_trip(tmp_path: Path) -> None:
    scen = Scenario(
        added=(AddedSchool(-8.1, 31.6, "lower_secondary", 400, "مدرسة <b>"),
               AddedSchool(-9.2, 32.3, "primary")),
        closed=("A-1", "B-2"), name="Essai",
    )
    path = scenarios.save(scen, tmp_path / "s.json")
    back = scenarios.load(path)
    assert back == scen
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == scenarios.SCENARIO_VERSION


@pytest.mark.parametrize(("text", "match"), [
    ("{not json", "not valid JSON"),
    ("[]", "JSON object"),
    ('{"kind": "other", "version": 1}', "not a scenario file"),
    ('{"kind": "carte-scolaire-scenario", "version": 99}', "unsupported scenario version"),
    ('{"kind": "carte-scolaire-scenario", "version": 1, "added": [{"lon": 2.3, "lat": 48.8, '
     '"cycle": "primary"}]}', "outside the Marrakech-Safi region"),
    ('{"kind": "carte-scolaire-scenario", "version": 1, "added": [{"lon": -8, "lat": 31.5, '
     '"cycle": "university"}]}', "unknown cycle"),
    ('{"kind": "carte-scolaire-scenario", "version": 1, "added": [{"lon": -8, "lat": 31.5, '
     '"cycle": "primary", "colour": "red"}]}', "unknown field"),
    ('{"kind": "carte-scolaire-scenario", "version": 1, "added": [{"lon": -8, "lat": 31.5, '
     '"cycle": "primary", "seats": -3}]}', "seats"),
    ('{"kind": "carte-scolaire-scenario", "version": 1, "added": [{"lat": 31.5, '
     '"cycle": "primary"}]}', "missing field"),
])
def test_invalid_files(text: str, match: str) -> None:
    with pytest.raises(ScenarioError, match=match):
        scenarios.loads(text, source="upload.json")


def test_distance_band() -> None:
    s = pd.Series([0.5, 1.0, 1.5, 4.0, 12.0, 30.0, np.nan])
    assert scenarios.distance_band(s).tolist() == [0, 0, 1, 2, 4, 5, -1]


def _assert_same(full: scenarios.ScenarioResult, fast: scenarios.ScenarioResult) -> None:
    pd.testing.assert_frame_equal(fast.douars, full.douars)
    pd.testing.assert_series_equal(pd.Series(fast.summary), pd.Series(full.summary),
                                   check_exact=True)
    assert (fast.supply is None) == (full.supply is None)
    if full.supply is not None and fast.supply is not None:
        pd.testing.assert_frame_equal(fast.supply, full.supply)


@pytest.fixture(scope="module")
def default_registry() -> gpd.GeoDataFrame:
    from mapping.registry import load_default_registry

    return load_default_registry()


@pytest.mark.parametrize("cycle", ["primary", "lower_secondary"])
def test_recomputing_only_the_affected_douars_equals_the_full_recomputation(
    region: Region, default_registry: gpd.GeoDataFrame, cycle: str
) -> None:
    """On the real douars and the default registry: add, close, both, and a school exactly
    where an existing one stands (a tie goes to the existing school, as in the full run)."""
    reg = default_registry
    base = scenarios.baseline(region, reg, cycle)
    located = region.douars.dropna(subset=["lon"])
    picks = located.sample(4, random_state=7)
    added = tuple(AddedSchool(float(r.lon), float(r.lat), cycle, 200, f"s{i}")
                  for i, r in enumerate(picks.itertuples()))
    ids = reg.loc[reg["cycle"] == cycle, "school_id"].astype(str).tolist()
    # the nearest school of the most douars: closing it moves many of them
    busiest = str(base.distances["school_id"].value_counts().index[0])
    same = reg[reg["school_id"] == ids[5]].geometry.iloc[0]
    cases = [
        Scenario(added=added[:1]),
        Scenario(added=added),
        Scenario(closed=(busiest,)),
        Scenario(added=added[1:3], closed=(busiest, ids[10])),
        Scenario(added=(AddedSchool(float(same.x), float(same.y), cycle, 0, "tie"),)),
        Scenario(added=(AddedSchool(float(picks.iloc[0].lon), float(picks.iloc[0].lat),
                                    "upper_secondary" if cycle != "upper_secondary" else
                                    "primary"),)),
    ]
    for scen in cases:
        full = scenarios.evaluate_full(region, reg, scen, cycle, 5.0)
        fast = scenarios.evaluate(region, reg, scen, cycle, 5.0, base=base)
        _assert_same(full, fast)
    # the test bites: the cases do change distances and supply
    moved = scenarios.evaluate(region, reg, cases[3], cycle, 5.0, base=base)
    assert moved.summary["douars_changed"] > 0
    assert moved.supply is not None and len(moved.supply) >= 2
    tie = scenarios.evaluate(region, reg, cases[4], cycle, 5.0, base=base)
    assert (tie.douars["after_school"] != "SCN-1").all()


def test_affected_douars_from_an_empty_registry_and_unknown_closures(
    region: Region, registry: gpd.GeoDataFrame
) -> None:
    empty = registry.iloc[0:0]
    far = _far_douar(region, registry)
    scen = Scenario(added=(AddedSchool(float(far["lon"]), float(far["lat"]),
                                       "lower_secondary"),))
    base = scenarios.baseline(region, empty, "lower_secondary")
    fast = scenarios.evaluate(region, empty, scen, "lower_secondary", base=base)
    _assert_same(scenarios.evaluate_full(region, empty, scen, "lower_secondary"), fast)
    assert fast.douars["after_km"].notna().all() and fast.douars["before_km"].isna().all()
    # closing the only school of a two-school registry, then every school
    two = registry.iloc[:2]
    for closed in (("C0",), ("C0", "C1")):
        _assert_same(scenarios.evaluate_full(region, two, Scenario(closed=closed),
                                             "lower_secondary"),
                     scenarios.evaluate(region, two, Scenario(closed=closed), "lower_secondary"))
    with pytest.raises(ScenarioError, match="unknown school"):
        scenarios.evaluate(region, registry, Scenario(closed=("nope",)), "lower_secondary",
                           base=scenarios.baseline(region, registry, "lower_secondary"))
