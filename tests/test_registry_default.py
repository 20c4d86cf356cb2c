"""The default registry: calibration, honesty of the quality flags, deterministic rebuild."""

from __future__ import annotations

import pytest

from mapping.registry import load_default_registry, quality_shares
from mapping.registry.default import (
    DEFAULT_FILE,
    THRESHOLD_KM,
    calibrate,
    write_default,
)
from mapping.schema import REGISTRY_COLUMNS
from mapping.settings import data_dir


@pytest.fixture(scope="module")
def default():
    return load_default_registry()


def test_calibration(region):
    cal = calibrate(region.douars)
    # 666 school groups + 2,255 satellites (2012-13) × 3,806/5,090 former-region douars
    assert cal.published_share == pytest.approx(3806 / 5090)
    assert cal.target == pytest.approx(2921 * 3806 / 5090)
    assert cal.threshold_km == THRESHOLD_KM == 1.4
    row = cal.table.set_index("threshold_km").loc[1.4]
    assert row["douars_former_region"] == 2138
    assert row["with_point_region"] == 1339


def test_schema_and_flags(default):
    assert tuple(c for c in default.columns if c != "geometry") == REGISTRY_COLUMNS
    assert default.attrs["name"] == "default" and len(default.attrs["key"]) == 16
    assert str(default.crs) == "EPSG:4326"
    assert default["school_id"].is_unique
    assert set(default["location_quality"]) == {"inferred_census", "fictitious"}
    assert set(default["capacity_quality"]) == {"estimated"}
    inferred = default[default["location_quality"] == "inferred_census"]
    demo = default[default["location_quality"] == "fictitious"]
    assert set(inferred["source"]) == {"inferred from RGPH 2024 douar distances"}
    assert inferred["name_fr"].str.contains("site déduit").all()
    assert inferred["name_ar"].str.contains("موقع مستنتج").all()
    assert set(demo["source"]) == {"fictitious (demo)"}
    assert demo["name_fr"].str.contains("(démo)", regex=False).all()
    assert demo["name_ar"].str.contains("للعرض").all()
    assert len(inferred[inferred["cycle"] == "primary"]) == 1339
    assert default.geometry.notna().all()


def test_inferred_sites_sit_on_douars_with_small_distances(region, default):
    douars = region.douars.set_index("code")
    inferred = default[default["school_id"].str.startswith("INF-P-")]
    codes = inferred["school_id"].str[6:]
    assert (douars.loc[codes, "distance_km_primary_school"] <= THRESHOLD_KM).all()
    assert (douars.loc[codes, "commune_code"].to_numpy() == inferred["commune_code"]).all()
    # at most one inferred collège / lycée per commune
    for prefix in ("INF-C-", "INF-L-"):
        sec = default[default["school_id"].str.startswith(prefix)]
        assert sec["commune_code"].is_unique


def test_urban_communes_only_have_demo_sites(region, default):
    urban = set(region.communes.loc[region.communes["type"] == "urban", "code"])
    no_douars = urban - set(region.douars["commune_code"])
    rows = default[default["commune_code"].isin(no_douars)]
    assert len(rows) and set(rows["location_quality"]) == {"fictitious"}


def test_capacities_follow_school_age_population(region, default):
    c24 = region.census_2024.set_index("code")
    # a commune with only demo sites: all its primary school-age children are served
    code = "07.351.01.01"
    sub = default[(default["commune_code"] == code) & (default["cycle"] == "primary")]
    rate = c24.loc[code, "schooling_rate_6_to_11"] / 100
    assert sub["pupils"].sum() == pytest.approx(c24.loc[code, "school_age_primary_est"] * rate,
                                                abs=len(sub))
    assert (sub["seats"] == sub["classrooms"] * 34).all()
    assert (default["pupils"] <= default["seats"]).all()


def test_quality_shares(default):
    shares = quality_shares(default)
    assert shares["capacity_quality"] == {"estimated": 1.0}
    loc = shares["location_quality"]
    assert loc["inferred_census"] + loc["fictitious"] == pytest.approx(1.0)
    assert 0.5 < loc["inferred_census"] < 0.7


def test_rebuild_is_byte_identical(region, tmp_path):
    committed = (data_dir() / DEFAULT_FILE).read_bytes()
    out = write_default(tmp_path / "registry_default.csv", region)
    assert out.read_bytes() == committed
