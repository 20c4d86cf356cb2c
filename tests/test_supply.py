"""Supply vs demand per commune × cycle × sector, hand-checked on a small FICTITIOUS registry."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mapping import supply
from mapping.indicators import catalogue
from mapping.registry import to_registry

# Ait Faska (07.041.03.05): 4,193 primary and 2,083 lower-secondary school-age children
# (RGPH 2024 estimates in data/census/communes_2024.csv).
TEST_SCHOOLS = pd.DataFrame({
    "school_id": ["TEST-1", "TEST-2", "TEST-3", "TEST-4"],
    "cycle": ["primary", "primary", "primary", "lower_secondary"],
    "sector": ["public", "public", "private", "public"],
    "commune_code": ["07.041.03.05"] * 4,
    "classrooms": [10, 6, 4, 20],
    "seats": [340, 204, 120, 800],
    "pupils": [380, 150, 90, 900],
})


@pytest.fixture(scope="module")
def registry():
    return to_registry(TEST_SCHOOLS, "test")


def test_long_table_by_hand(region, registry):
    long = supply.commune_supply(region, registry)
    assert len(long) == 251 * 4 * 3
    rows = long.set_index(["code", "cycle", "sector"])
    pub = rows.loc[("07.041.03.05", "primary", "public")]
    assert (pub["schools"], pub["classrooms"], pub["seats"], pub["pupils"]) == (2, 16, 544, 530)
    assert pub["school_age"] == 4193
    assert pub["seats_per_100"] == pytest.approx(100 * 544 / 4193)
    assert pub["occupancy"] == pytest.approx(530 / 544)
    assert pub["pupils_per_class"] == pytest.approx(530 / 16)  # 33.1, under the 34 norm
    assert not pub["over_norm"] and not pub["no_school"]
    assert pub["over_early_norm"]  # 33.1 > 30, the grades 1-2 norm
    both = rows.loc[("07.041.03.05", "primary", "all")]
    assert (both["schools"], both["seats"], both["pupils"]) == (3, 664, 620)
    col = rows.loc[("07.041.03.05", "lower_secondary", "all")]
    assert col["pupils_per_class"] == pytest.approx(45.0)
    assert col["over_norm"] and col["over_cap"]  # 45 > 40
    none = rows.loc[("07.041.03.05", "upper_secondary", "all")]
    assert none["no_school"] and none["schools"] == 0 and none["seats_per_100"] == 0
    other = rows.loc[("07.161.09.01", "primary", "all")]
    assert other["no_school"]


def test_norms_are_configurable(region, registry):
    strict = supply.SupplyNorms(primary_other=30)
    rows = supply.commune_supply(region, registry, norms=strict).set_index(
        ["code", "cycle", "sector"])
    assert rows.loc[("07.041.03.05", "primary", "public"), "over_norm"]  # 33.1 > 30


def test_wide_indicators(region, registry):
    wide = supply.commune_indicators(region, registry)
    assert list(wide.columns) == [i.id for i in supply.INDICATORS]
    assert wide.index.name == "code" and len(wide) == 251
    row = wide.loc["07.041.03.05"]
    assert row["schools_primary"] == 3
    assert row["seats_per_100_primary"] == pytest.approx(100 * 664 / 4193)
    assert row["occupancy_primary"] == pytest.approx(100 * 620 / 664)
    assert row["pupils_per_class_primary"] == pytest.approx(620 / 20)
    assert row["no_school_upper_secondary"] == 1 and row["no_school_primary"] == 0
    assert wide["no_school_primary"].sum() == 250
    assert np.isnan(wide.loc["07.161.09.01", "pupils_per_class_primary"])


def test_no_registry(region):
    wide = supply.commune_indicators(region, None)
    assert (wide["schools_primary"] == 0).all() and (wide["no_school_primary"] == 1).all()


def test_indicators_in_catalogue():
    cat = catalogue()
    for ind in supply.INDICATORS:
        assert cat[ind.id] is ind
        assert ind.theme == "supply" and set(ind.label) == {"fr", "ar", "en"}
    assert cat["seats_per_100_primary"].estimated
    assert cat["pupils_per_class_lower_secondary"].estimated
    assert not cat["schools_primary"].estimated
    assert cat["pupils_per_class_primary"].higher_is_better is False


def test_default_registry_supply(region):
    from mapping.registry import load_default_registry

    wide = supply.commune_indicators(region, load_default_registry())
    # every commune has at least one (inferred or demo) site per cycle
    assert (wide[["schools_primary", "schools_lower_secondary",
                  "schools_upper_secondary"]] >= 1).all().all()
    assert wide["pupils_per_class_primary"].max() <= 34
