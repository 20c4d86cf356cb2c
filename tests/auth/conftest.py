"""Fixtures of the accounts tests: an empty accounts database on each backend.

``engine`` runs every test twice: on a SQLite file (the GeoPackage backend is
SQLite) and on a real PostgreSQL 15 + PostGIS cluster started for the session
on loopback. Without PostgreSQL the PostGIS half is skipped, except under
``CI=true`` where that is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from benchmarks.deploy import postgis_cluster, postgres_available
from mapping.auth import METADATA, create_tables

ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def auth_postgis_url() -> Iterator[str]:
    """URL of a throwaway PostGIS database for the accounts tests."""
    missing = postgres_available()
    if missing:
        if ON_CI:
            pytest.fail(f"{missing} (PostGIS tests must run under CI)")
        pytest.skip(missing)
    with postgis_cluster(database="accounts") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgis"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database holding empty accounts tables."""
    if request.param == "sqlite":
        eng = create_engine(f"sqlite:///{tmp_path / 'store.gpkg'}")
    else:
        eng = create_engine(request.getfixturevalue("auth_postgis_url"))
        with eng.begin() as conn:
            for table in reversed(METADATA.sorted_tables):
                conn.execute(text(f"DROP TABLE IF EXISTS {table.name} CASCADE"))
    create_tables(eng)
    yield eng
    eng.dispose()
