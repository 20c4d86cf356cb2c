"""Reconciliation of registry and census figures: each type found where it was planted."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from mapping.datasets import Region
from mapping.exchange.reconcile import COLUMNS, commune_summary, reconcile
from mapping.registry import to_registry
from mapping.registry.frame import canonical


@pytest.fixture(scope="module")
def planted(registry: gpd.GeoDataFrame, region: Region) -> tuple[pd.DataFrame, dict[str, str]]:
    t = canonical(registry).copy()
    ids = {}
    c14 = region.census_2014
    renum = c14[c14["code"] != c14["code_2014"]].iloc[0]
    t.loc[0, "commune_code"] = "07.999.99.99"
    ids["unknown"] = t.loc[0, "school_id"]
    t.loc[1, "commune_code"] = renum["code_2014"]
    ids["renumbered"] = t.loc[1, "school_id"]
    ids["renumbered_new"] = renum["code"]
    other = region.communes.set_index("code").loc["07.351.01.0"].geometry.representative_point()
    row = t.index[(t["commune_code"] == "07.041.03.05")][0]
    t.loc[row, ["lon", "lat"]] = [other.x, other.y]
    ids["outside"] = t.loc[row, "school_id"]
    code = "07.041.01.03"
    mask = (t["commune_code"] == code) & (t["cycle"] == "primary")
    t.loc[mask, "pupils"] = t.loc[mask, "pupils"] * 3
    t.loc[mask, "pupils_girls"] = (t.loc[mask, "pupils"] * 0.2).round()
    ids["above"] = code
    lonely = "07.041.03.09"
    t = t[~((t["commune_code"] == lonely) & (t["cycle"] == "primary"))]
    ids["no_school"] = lonely
    return to_registry(t.reset_index(drop=True), "planted"), ids


def test_reconciliation_finds_each_planted_discrepancy(planted, region: Region) -> None:
    reg, ids = planted
    d = reconcile(region, reg)
    assert list(d.columns) == list(COLUMNS)
    by = dict(list(d.groupby("type")))
    assert by["unknown_commune"]["school_id"].tolist() == [ids["unknown"]]
    ren = by["renumbered_commune"]
    assert ren[["school_id", "code"]].values.tolist() == [[ids["renumbered"],
                                                           ids["renumbered_new"]]]
    out = by["point_outside_commune"]
    assert out.loc[out["school_id"] == ids["outside"], "hcp_value"].tolist() == ["07.351.01.0"]
    above = by["pupils_above_population"]
    assert ((above["code"] == ids["above"]) & (above["cycle"] == "primary")).any()
    girls = by["girls_share"]
    hit = girls[(girls["code"] == ids["above"]) & (girls["cycle"] == "primary")]
    assert hit["registry_value"].tolist() == [pytest.approx(20.0, abs=0.2)]
    none = by["no_school"]
    assert ((none["code"] == ids["no_school"]) & (none["cycle"] == "primary")).any()
    for lang in ("fr", "ar", "en"):
        assert d[f"explanation_{lang}"].str.len().min() > 20
        assert not d[f"explanation_{lang}"].str.contains("{", regex=False).any()
    assert set(d["severity"]) <= {"high", "medium", "low"}


def test_default_registry_agrees_with_the_census_it_was_built_from(registry, region) -> None:
    d = reconcile(region, registry)
    assert not {"unknown_commune", "pupils_above_population"} & set(d["type"])


def test_commune_summary_counts(planted, region: Region) -> None:
    reg, ids = planted
    summary = commune_summary(reconcile(region, reg)).set_index("code")
    assert "no_school" in summary.loc[ids["no_school"], "types"]
    assert summary["discrepancies"].sum() >= 5
