"""Two ``streamlit run`` processes on one PostGIS: a change published reaches both on rerun.

The school is published through the store (as the other app process does on
its Data page); each app, reloaded in headless Debian Chromium, reads the
published registry from the database and shows one school more.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from benchmarks import app_server
from mapping.store import open_store
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, ON_CI
from tests.services.postgis import Cluster
from tests.store.conftest import EDITOR

_COUNT = re.compile(r"\(([\d\s,.\u202f\u00a0]+) établissements\)")


def _count(page: Any, url: str) -> int:
    page.goto(f"{url}/data", wait_until="domcontentloaded")
    heading = page.get_by_text(_COUNT).first
    heading.wait_for(timeout=90_000)
    match = _COUNT.search(heading.inner_text())
    assert match, heading.inner_text()
    return int(re.sub(r"\D", "", match.group(1)))


@pytest.mark.e2e
def test_a_published_school_appears_in_the_other_app_process(
        postgis_cluster: Cluster, tmp_path: Path) -> None:
    # its own Playwright in its own thread: the session's sync Playwright of tests/e2e may
    # be running in this one
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        pool.submit(_two_apps, postgis_cluster, tmp_path).result()


def _two_apps(postgis_cluster: Cluster, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        if ON_CI:
            pytest.fail(f"{CHROMIUM} is not installed (browser tests must run under CI)")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    url = postgis_cluster.new_database("two_apps")
    store = open_store(url)  # seeded with the default registry
    before = len(store.current_registry())
    env = {"CARTE_SCOLAIRE_DATABASE_URL": url, "CARTE_SCOLAIRE_STORE_DIR": str(tmp_path)}
    with app_server(env=env) as one, app_server(env=env) as two, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                     headless=True)
        try:
            page_one = browser.new_context(locale="fr-FR").new_page()
            page_two = browser.new_context(locale="fr-FR").new_page()
            assert _count(page_one, one.url) == before
            assert _count(page_two, two.url) == before
            school = pd.DataFrame([{
                "school_id": "E2E-NEW-1", "name_fr": "École publiée", "cycle": "primary",
                "sector": "public", "commune_code": "07.041.01.01", "lon": -7.65,
                "lat": 31.55, "location_quality": "surveyed"}])
            store.create_delivery(EDITOR, school, mode="partial", source_name="e2e.csv",
                                  publish=True)
            assert _count(page_two, two.url) == before + 1
            assert _count(page_one, one.url) == before + 1
        finally:
            browser.close()
    store.dispose()
