"""Change between the 2014 and 2024 censuses: coverage, reasons, hand-checked values."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

from mapping.catalogue import LANGS
from mapping.datasets import Region
from mapping.distance_learning import change
from mapping.i18n import messages
from mapping.settings import data_dir


@pytest.fixture(scope="module")
def long(region: Region) -> pd.DataFrame:
    return change.change_long(region)


@pytest.fixture(scope="module")
def wide(region: Region) -> pd.DataFrame:
    return change.change_table(region)


def test_every_2024_commune_has_2014_values_or_a_reason(region: Region,
                                                        long: pd.DataFrame) -> None:
    assert len(long) == 251 * len(change.PAIRS)
    assert set(long["code"]) == set(region.communes["code"])
    has_value = long["change"].notna()
    has_reason = long["reason"].notna()
    assert (has_value ^ has_reason).all()
    assert set(long.loc[has_reason, "reason"]) <= set(change.REASONS)
    # every 2024 commune has a 2014 row (renumbered or rebuilt), so the only gaps are the
    # distance to a paved road, which HCP publishes for rural areas only
    missing = long[has_reason]
    assert set(missing["reason"]) == {change.REASON_RURAL_ONLY}
    assert set(missing["indicator"]) == {"change_households_distance_to_paved_road_km"}
    assert (missing["type"] == "urban").all() and len(missing) == 23
    for reason in change.REASONS:
        entry = messages()[f"remote.change.reason.{reason}"]
        assert set(entry) == set(LANGS)


def test_codes_and_methods(wide: pd.DataFrame) -> None:
    assert wide["method_2014"].value_counts().to_dict() == {
        "same code": 198, "renumbered (crosswalk)": 52,
        "sum of 5 arrondissements (weighted)": 1,
    }
    renumbered = wide[wide["method_2014"] == "renumbered (crosswalk)"]
    assert (renumbered["code_2014"] != renumbered.index).all()
    assert wide.loc["07.351.01.13", "code_2014"] == "07.351.07.13"  # Tassoultante
    marrakech = wide.loc["07.351.01.0"]
    assert marrakech["code_2014"].split(";") == [
        "07.351.01.03", "07.351.01.05", "07.351.01.07", "07.351.01.09", "07.351.01.11"]


# values read by hand from data/census/communes_2014.csv, communes_2024.csv and
# boundaries/communes.geojson
HAND = {
    # Ait Ourir (urban, same code)
    ("07.041.01.01", "change_illiteracy_rate_10_plus_pts"): (28.1, 22.2, -5.9),
    ("07.041.01.01", "change_amenities_running_water_pts"): (89.4, 97.3, 7.9),
    ("07.041.01.01", "change_schooling_rate_pts"): (98.2, 97.7, -0.5),
    ("07.041.01.01", "change_population_pct"): (39108, 56954, (56954 / 39108 - 1) * 100),
    # Assahrij (rural, renumbered from 07.191.05.01)
    ("07.191.09.01", "change_amenities_running_water_pts"): (30.5, 98.2, 67.7),
    ("07.191.09.01", "change_amenities_electricity_pts"): (94.7, 98.1, 3.4),
    ("07.191.09.01", "change_households_distance_to_paved_road_km"): (1.1, 1.0, -0.1),
    # Asni (rural, same code)
    ("07.041.07.03", "change_households_distance_to_paved_road_km"): (3.1, 1.0, -2.1),
    ("07.041.07.03", "change_amenities_electricity_pts"): (94.8, 93.9, -0.9),
    # Marrakech (2014 = its 5 arrondissements)
    ("07.351.01.0", "change_illiteracy_rate_10_plus_pts"): (20.3, 13.8, -6.5),
    ("07.351.01.0", "change_population_pct"): (911990, 1002697, (1002697 / 911990 - 1) * 100),
}


@pytest.mark.parametrize(("key", "expected"), list(HAND.items()), ids=str)
def test_hand_checked_values(long: pd.DataFrame, key: tuple[str, str],
                             expected: tuple[float, float, float]) -> None:
    code, indicator = key
    row = long[(long["code"] == code) & (long["indicator"] == indicator)].iloc[0]
    v14, v24, delta = expected
    assert row["value_2014"] == pytest.approx(v14)
    assert row["value_2024"] == pytest.approx(v24)
    assert row["change"] == pytest.approx(delta, abs=1e-9)


def test_values_match_the_csv_files(wide: pd.DataFrame) -> None:
    root = data_dir() / "census"
    with open(root / "communes_2014.csv", encoding="utf-8") as f:
        rows14 = {r["code"]: r for r in csv.DictReader(f)}
    with open(root / "communes_2024.csv", encoding="utf-8") as f:
        rows24 = {r["code"]: r for r in csv.DictReader(f)}
    for pair in change.PAIRS:
        if pair.kind == "percent":
            continue
        for code in ("07.161.05.01", "07.427.07.03", "07.585.05.07"):
            a = float(rows14[code][pair.column_2014])
            b = float(rows24[code][pair.column_2024])
            assert wide.loc[code, pair.id] == pytest.approx(b - a)


def test_change_indicators_and_catalogue(region: Region) -> None:
    out = change.change_indicators(region)
    assert list(out.columns) == [ind.id for ind in change.INDICATORS]
    assert out.index.tolist() == region.communes["code"].tolist()
    units = {ind.id: ind.unit for ind in change.INDICATORS}
    assert units["change_illiteracy_rate_10_plus_pts"] == "points"
    assert units["change_households_distance_to_paved_road_km"] == "km"
    assert units["change_population_pct"] == "percent"
    for ind in change.INDICATORS:
        assert ind.theme == "remote" and ind.source == "HCP, RGPH 2014 et 2024"
        assert set(ind.label) == set(LANGS)
    # the region grew, while most rural communes lost people
    pop = region.communes.set_index("code")
    assert pop["population_2024"].sum() > pop["population_2014"].sum()
    assert np.nanmedian(out["change_population_pct"]) == pytest.approx(-2.16, abs=0.01)


def test_schooling_is_flagged_not_comparable() -> None:
    pair = change.pair("change_schooling_rate_pts")
    assert not pair.comparable
    assert all(p.comparable for p in change.PAIRS if p is not pair)
    for lang in LANGS:
        assert "7-12" in pair.note[lang] and "6-11" in pair.note[lang]
    for p in change.PAIRS:
        if p.kind == "points":
            assert "Marrakech" in p.note["fr"] and "مراكش" in p.note["ar"]


def test_every_2014_method_is_translated(wide: pd.DataFrame) -> None:
    for method in set(wide["method_2014"]):
        assert set(messages()[f"remote.change.method.{method}"]) == set(LANGS), method
