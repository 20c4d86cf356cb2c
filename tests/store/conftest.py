"""Fixtures of the store tests: every test runs on a GeoPackage file and on PostGIS.

``store_url`` is a fresh, empty database of each backend; ``store`` opens it
(schema at the newest revision, no delivery yet) and ``small_registry`` is a
slice of the embedded default registry, the real committed data.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


def _running_session_browser(request: pytest.FixtureRequest) -> Any | None:
    """The ``browser`` of tests/e2e/conftest.py if a test has started it in this session.

    Its fixture is visible only under tests/e2e; pytest keeps the value of a
    running fixture in its definition (``cached_result``), found here by name
    in pytest's fixture registry (``_arg2node2fixturedefs`` in pytest 9,
    ``_arg2fixturedefs`` before).
    """
    manager = getattr(request, "_fixturemanager", None)
    shared = _shared_browser_function()
    for table_name in ("_arg2node2fixturedefs", "_arg2fixturedefs"):
        entry = getattr(manager, table_name, {}).get("browser", ())
        groups = entry.values() if isinstance(entry, dict) else [entry]
        for fixturedef in (d for group in groups for d in group):
            cached = getattr(fixturedef, "cached_result", None)
            if fixturedef.func is shared and cached is not None and cached[2] is None:
                return cached[0]
    return None


def _sync_playwright_running() -> bool:
    """Whether an event loop runs in this thread (a sync Playwright's, between calls)."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _shared_browser_function() -> Any:
    from tests.e2e import conftest as e2e

    return e2e.browser.__wrapped__  # the function under the fixture (functools.wraps)


@pytest.fixture(scope="module")
def browser(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The shared headless Chromium of tests/e2e/conftest.py, for the store's browser tests.

    When the browser tests of tests/e2e already run it (one sync Playwright in
    the main thread for the whole session), that same browser; otherwise the
    same fixture's code runs for this module only and stops at its end, before
    any other module could start its own.
    """
    running = _running_session_browser(request)
    if running is not None:
        yield running
        return
    if _sync_playwright_running():
        pytest.fail("a sync Playwright already runs in this thread but the session's browser "
                    "fixture was not found: share tests/e2e/conftest.py's `browser`")
    yield from _shared_browser_function()()
