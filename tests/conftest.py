"""Shared fixtures: the real project data, loaded once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mapping.datasets import Region, load_region
from mapping.settings import PROJECT_ROOT

RAW_DATA = PROJECT_ROOT.parent / "shared" / "data"
ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_raw_data() -> Path:
    """Return the raw data folder, or skip (never under CI) when it is absent."""
    if RAW_DATA.is_dir():
        return RAW_DATA
    if ON_CI:
        pytest.fail(f"raw data folder {RAW_DATA} is missing under CI")
    pytest.skip(f"raw data folder {RAW_DATA} is absent (fresh clone without ../shared)")


@pytest.fixture(scope="session")
def raw_data() -> Path:
    """The read-only raw HCP/OSM folder (skips when absent outside CI)."""
    return require_raw_data()


@pytest.fixture(scope="session")
def region() -> Region:
    """The region loaded from the committed data/ extracts."""
    return load_region()
