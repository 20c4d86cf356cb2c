"""The ingest rebuilds data/ from the raw files, deterministically."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import pandas as pd
import pytest

from mapping.ingest import build_all
from mapping.ingest.build import OUTPUTS
from mapping.ingest.census import school_age_estimates
from mapping.ingest.io import path_to_column
from mapping.settings import PROJECT_ROOT

pytestmark = pytest.mark.rawdata


@pytest.fixture(scope="module")
def rebuilt(raw_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    a = tmp_path_factory.mktemp("build_a")
    b = tmp_path_factory.mktemp("build_b")
    build_all(raw_data, a)
    build_all(raw_data, b)
    return a, b


def test_ingest_is_byte_identical_twice(rebuilt: tuple[Path, Path]) -> None:
    a, b = rebuilt
    for rel in OUTPUTS:
        assert filecmp.cmp(a / rel, b / rel, shallow=False), rel


def test_committed_data_matches_a_fresh_build(rebuilt: tuple[Path, Path]) -> None:
    a, _ = rebuilt
    for rel in OUTPUTS:
        assert filecmp.cmp(a / rel, PROJECT_ROOT / "data" / rel, shallow=False), (
            f"data/{rel} is stale: run `python -m mapping ingest`"
        )


def test_column_names_follow_the_source_fields_file(raw_data: Path) -> None:
    fields = json.loads((raw_data / "census" / "indicators-fields.json").read_text())
    for group in ("people", "households"):
        for f in fields[group]:
            assert path_to_column(f["path"]) == f["column"]


def test_douar_points_attached(rebuilt: tuple[Path, Path]) -> None:
    a, _ = rebuilt
    douars = pd.read_csv(a / "census" / "douars_2024.csv", dtype={"code": str})
    assert len(douars) == 6531
    assert douars["lon"].notna().sum() == 2991
    assert douars["population"].sum() == 2_629_485
    # the first place record of the source
    row = douars.set_index("code").loc["0410305201008"]
    assert (row["lat"], row["lon"], row["location_source"]) == (31.54894, -7.6096, "geonames")


def test_school_age_estimate_method() -> None:
    census = pd.DataFrame(
        {"population_municipal": [1000], "age_0_4": [10.0], "age_5_9": [10.0],
         "age_10_14": [10.0], "age_15_19": [10.0]}
    )
    est = school_age_estimates(census).iloc[0]
    assert est["school_age_primary_est"] == 120  # 4/5*100 + 2/5*100
    assert est["school_age_lower_secondary_est"] == 60
    assert est["school_age_upper_secondary_est"] == 60
    assert est["school_age_preschool_est"] == 40
    assert est["population_under_15_est"] == 300
