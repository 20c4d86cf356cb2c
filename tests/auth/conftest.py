"""Fixtures of the accounts tests: an empty accounts database on each backend.

``engine`` runs every test twice: on a SQLite file (the GeoPackage backend is
SQLite) and on a fresh database of the session's real PostgreSQL 15 + PostGIS
cluster (:mod:`tests.services.postgis`). Without PostgreSQL the PostGIS half is
skipped, except under ``CI=true`` where that is a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine

from mapping.auth import create_tables
from tests.services.postgis import Cluster, postgis_cluster  # noqa: F401


@pytest.fixture
def auth_postgis_url(postgis_cluster: Cluster) -> str:  # noqa: F811
    """URL of a new, empty PostGIS database."""
    return postgis_cluster.new_database("auth")


@pytest.fixture(params=["sqlite", "postgis"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database holding empty accounts tables."""
    if request.param == "sqlite":
        eng = create_engine(f"sqlite:///{tmp_path / 'store.gpkg'}")
    else:
        eng = create_engine(request.getfixturevalue("auth_postgis_url"))
    create_tables(eng)
    yield eng
    eng.dispose()
