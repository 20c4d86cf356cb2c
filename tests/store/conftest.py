"""Fixtures of the store tests: every test runs on a GeoPackage file and on PostGIS.

``store_url`` is a fresh, empty database of each backend; ``store`` opens it
(schema at the newest revision, no delivery yet) and ``small_registry`` is a
slice of the embedded default registry, the real committed data.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest

from mapping.registry import load_default_registry
from mapping.roles import Actor
from mapping.store import Store, open_store
from tests.services.postgis import Cluster, postgis_cluster, postgis_url  # noqa: F401

EDITOR = Actor("amina", "editor")
VIEWER = Actor("guest", "viewer")


@pytest.fixture(params=["geopackage", "postgis"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL of each backend."""
    if request.param == "geopackage":
        return f"sqlite:///{tmp_path / 'schools.gpkg'}"
    cluster: Cluster = request.getfixturevalue("postgis_cluster")
    return cluster.new_database("store")


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An upgraded store with no delivery yet."""
    opened = open_store(store_url, timeout=5, seed=False)
    yield opened
    opened.dispose()


@pytest.fixture(scope="session")
def default_registry() -> gpd.GeoDataFrame:
    """The embedded default registry."""
    return load_default_registry()


@pytest.fixture
def small_registry(default_registry: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Forty schools of the default registry."""
    return default_registry.iloc[:40].reset_index(drop=True)
