"""Loaders return the real region and reject corrupted copies clearly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mapping.datasets import (
    CENSUS_2024_FILE,
    COMMUNES_FILE,
    DOUARS_FILE,
    Region,
    load_census_2024,
    load_communes,
    load_region,
)
from mapping.errors import DataError
from mapping.settings import PROJECT_ROOT, REGION_POPULATION_2024


def test_counts(region: Region) -> None:
    assert len(region.communes) == 251
    assert region.communes["code"].is_unique
    assert (region.communes["type"] == "urban").sum() == 24
    assert (region.communes["type"] == "rural").sum() == 227
    assert len(region.provinces) == 8
    assert len(region.douars) == 6531
    assert region.communes.crs.to_epsg() == 4326


def test_population_totals(region: Region) -> None:
    c = region.communes.set_index("code")
    assert c["population_2024"].sum() == REGION_POPULATION_2024 == 4_892_393
    assert c.loc["07.351.01.0", "population_2024"] == 1_002_697  # Marrakech city
    p = region.provinces.set_index("province_code")
    assert p.loc["07.431", "population_2024"] == 719_671  # Safi
    sums = region.communes.groupby("province_code")["population_2024"].sum()
    assert sums.to_dict() == p["population_2024"].to_dict()


def test_census_2024_values(region: Region) -> None:
    c = region.census_2024.set_index("code")
    assert c["population_legal"].sum() == REGION_POPULATION_2024
    assert c.loc["07.351.01.0", "population_legal"] == 1_002_697
    assert c["schooling_rate_6_to_11"].between(0, 100).all()


def test_census_2014_marrakech_combined(region: Region) -> None:
    c = region.census_2014.set_index("code")
    assert len(c) == 251
    row = c.loc["07.351.01.0"]
    assert row["method_2014"].startswith("sum of 5 arrondissements")
    assert row["households_count_2014"] == 213_272
    # a weighted mean lies within its arrondissements' range
    assert 90 < row["equipment_television_2014"] < 100
    assert c.loc["07.191.09.01", "method_2014"] == "renumbered (crosswalk)"
    assert c.loc["07.191.09.01", "code_2014"] == "07.191.05.01"


def test_commune_table_joins_everything(region: Region) -> None:
    t = region.commune_table()
    assert len(t) == 251
    assert t["schooling_rate_6_to_11"].notna().all()
    assert t["equipment_internet_2014"].notna().all()


def _copy_data(tmp_path: Path) -> Path:
    dest = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", dest)
    return dest


def test_rejects_duplicate_commune_code(tmp_path: Path) -> None:
    root = _copy_data(tmp_path)
    path = root / CENSUS_2024_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(5, lines[3])  # row 3 again as row 5
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_census_2024(root)
    msg = str(err.value)
    assert "duplicate code" in msg and "communes_2024.csv" in msg and "row 5" in msg


def test_rejects_non_numeric_population(tmp_path: Path) -> None:
    root = _copy_data(tmp_path)
    path = root / DOUARS_FILE
    text = path.read_text(encoding="utf-8")
    header, first, rest = text.split("\n", 2)
    cols = first.split(",")
    cols[header.split(",").index("population")] = "abc"
    path.write_text("\n".join([header, ",".join(cols), rest]), encoding="utf-8")
    with pytest.raises(DataError, match=r"not a number.*row 1.*'population'.*'abc'"):
        load_region(root)


def test_rejects_missing_commune(tmp_path: Path) -> None:
    root = _copy_data(tmp_path)
    path = root / COMMUNES_FILE
    lines = path.read_text(encoding="utf-8").split("\n")
    del lines[2]  # drop one feature line
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataError, match="expected 251 communes, found 250"):
        load_communes(root)


def test_missing_file_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"data file not found.*ingest"):
        load_region(tmp_path)
