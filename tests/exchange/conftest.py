"""Fixtures of the exchange tests: the default registry and packages built from it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pytest

from mapping.datasets import Region
from mapping.exchange import export_aref, export_hcp
from mapping.registry import load_default_registry
from tests.services.postgis import postgis_cluster, postgis_url  # noqa: F401

CREATED = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def registry() -> gpd.GeoDataFrame:
    """The embedded default registry."""
    return load_default_registry()


@pytest.fixture(scope="session")
def aref_zip(tmp_path_factory: pytest.TempPathFactory, registry: gpd.GeoDataFrame,
             region: Region) -> Path:
    """AREF's package of the default registry."""
    path = tmp_path_factory.mktemp("pkg") / "aref-2024-2025.zip"
    path.write_bytes(export_aref(registry, region.communes, period="2024-2025",
                                 created=CREATED))
    return path


@pytest.fixture(scope="session")
def hcp_zip(tmp_path_factory: pytest.TempPathFactory, region: Region) -> Path:
    """HCP's package of RGPH 2024 indicators."""
    path = tmp_path_factory.mktemp("pkg") / "hcp-rgph-2024.zip"
    path.write_bytes(export_hcp(region, created=CREATED))
    return path
