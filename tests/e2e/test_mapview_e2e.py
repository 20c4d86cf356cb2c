"""The persistent map in Chromium: drawn once, restyled in place, events back to Python.

Runs the small page ``mapview_page.py`` (copied to a temporary folder whose
``static/`` Streamlit serves) so the component is tested on its own.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks import app_server
from mapping.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e
PAGE = Path(__file__).with_name("mapview_page.py")
MAP = ".cs-mapview"


@pytest.fixture(scope="module")
def mapview_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("mapview")
    shutil.copy(PAGE, folder / "page.py")
    env = {"PYTHONPATH": str(PROJECT_ROOT), "STREAMLIT_SERVER_ENABLE_STATIC_SERVING": "true"}
    with app_server(app=folder / "page.py", env=env) as server:
        yield server.url


def _pick(page: Any, label: str, option: str) -> None:
    page.locator(f'[data-testid="stSelectbox"]:has-text("{label}")').click()
    page.get_by_role("option", name=option).click()


def _wait_restyled(page: Any, old_key: str) -> None:
    page.wait_for_function(
        "k => document.querySelector('.cs-mapview').getAttribute('data-style-key') !== k",
        arg=old_key, timeout=60_000)


def test_indicator_change_restyles_without_downloading_the_geometry_again(
    page: Any, mapview_url: str
) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(mapview_url)
    page.wait_for_selector(f"{MAP}[data-ready='1']", timeout=90_000)
    assert page.locator("path.cs-commune").count() == 251
    geometry = [u for u in requests if "/app/static/mapview/geometry." in u]
    assert len(geometry) == 1
    key = page.get_attribute(MAP, "data-style-key")
    fill_before = page.locator("path.cs-commune").first.get_attribute("fill")
    before = len(requests)
    _pick(page, "indicator", "illiteracy_rate_10_plus")
    _wait_restyled(page, key)
    page.wait_for_timeout(300)
    later = requests[before:]
    # no geometry, no point file, no script: the shapes were restyled in place
    assert [u for u in later if "/app/static/" in u] == []
    assert page.locator("path.cs-commune").count() == 251
    assert page.get_attribute(MAP, "data-renders") == "2"
    fills = {page.locator("path.cs-commune").nth(i).get_attribute("fill") for i in range(20)}
    assert fills != {fill_before}
    assert page.blocked_requests == []
    # the legend follows the indicator
    assert "analphab" in page.inner_text(f"{MAP} .cs-legend").lower()


def test_province_filter_click_and_add_mode(page: Any, mapview_url: str) -> None:
    page.goto(mapview_url)
    page.wait_for_selector(f"{MAP}[data-ready='1']", timeout=90_000)
    key = page.get_attribute(MAP, "data-style-key")
    _pick(page, "province", "07.041")
    _wait_restyled(page, key)
    shown = page.locator("path.cs-commune").count()
    assert 10 < shown < 251
    # school points take clicks first (popups): switch them off to click communes
    page.locator(f"{MAP} input[data-layer='schools']").uncheck()
    # a commune click comes back to Python as a trigger (the panel names it)
    page.locator("path.cs-commune").nth(3).click(force=True)
    page.wait_for_selector("#cs-panel", timeout=30_000)
    code = page.get_attribute("#cs-panel", "data-code")
    assert code and code.startswith("07.041")
    page.wait_for_function(
        "() => [...document.querySelectorAll('path.cs-commune')]"
        ".some(p => p.getAttribute('stroke-width') === '3')", timeout=30_000)
    # "add a school here": the click reports a location instead
    page.get_by_text("add a school here").click()
    page.wait_for_selector(f"{MAP}.cs-mode-add", timeout=30_000)
    page.locator("path.cs-commune").nth(5).click(force=True)
    page.wait_for_selector("#cs-added", timeout=30_000)
    lat, lon = (float(v) for v in page.inner_text("#cs-added").split(","))
    assert 29.5 < lat < 33.5 and -10.5 < lon < -6.5


def test_arabic_mirrors_controls_and_draws_ten_thousand_points(
    page: Any, mapview_url: str
) -> None:
    page.goto(mapview_url + "/?lang=ar&points=10000")
    page.wait_for_selector(f"{MAP}[data-ready='1']", timeout=90_000)
    assert page.get_attribute(MAP, "dir") == "rtl"
    assert page.locator(f"{MAP} .leaflet-top.leaflet-right .leaflet-control-zoom").count() == 1
    assert page.locator(f"{MAP} .leaflet-top.leaflet-left .cs-layers").count() == 1
    assert page.locator(f"{MAP} .leaflet-bottom.leaflet-left .cs-legend").count() == 1
    canvas = page.locator(f"{MAP} canvas.cs-points[data-layer='stress']")
    canvas.wait_for(timeout=60_000)
    assert canvas.get_attribute("data-count") == "10000"
    assert float(canvas.get_attribute("data-draw-ms") or "nan") >= 0
    # a zoom by the user comes back to Python as the view state
    page.evaluate("() => document.querySelector('.cs-mapview').csView.map.zoomIn(1)")
    page.wait_for_selector("#cs-view", timeout=30_000)
    assert float(page.inner_text("#cs-view")) >= 7
    # the layer switch hides the canvas on the client and reports the layers to Python
    page.locator(f"{MAP} input[data-layer='stress']").uncheck()
    assert page.locator(f"{MAP} canvas.cs-points[data-layer='stress']").count() == 0


def test_app_indicator_change_keeps_the_geometry_and_arabic_mirrors(
    page: Any, app_url: str
) -> None:
    from mapping.i18n import t
    from mapping.indicators import catalogue

    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(app_url, wait_until="domcontentloaded")
    page.wait_for_selector(f"{MAP}[data-ready='1']", timeout=120_000)
    assert page.locator(f"{MAP} path.cs-commune").count() == 251
    assert len([u for u in requests if "/app/static/mapview/geometry." in u]) == 1
    key = page.get_attribute(MAP, "data-style-key")
    before = len(requests)
    label = catalogue()["illiteracy_rate_10_plus"].label_in("fr")
    combo = page.get_by_role("combobox", name=t("map.indicator", "fr"), exact=True).first
    combo.click()
    combo.fill(label)
    page.get_by_role("option").filter(has_text=label).first.click()
    _wait_restyled(page, key)
    page.wait_for_timeout(300)
    # restyled in place: no file of the map downloaded again
    assert [u for u in requests[before:] if "/app/static/" in u] == []
    assert page.get_attribute(MAP, "data-renders") == "2"

    page.goto(f"{app_url}/?lang=ar", wait_until="domcontentloaded")
    page.wait_for_selector(f"{MAP}[data-ready='1'][dir='rtl']", timeout=120_000)
    assert page.locator(f"{MAP} .leaflet-top.leaflet-right .leaflet-control-zoom").count() == 1
    assert page.locator(f"{MAP} .leaflet-bottom.leaflet-left .cs-legend").count() >= 1
    assert page.locator(f"{MAP} .leaflet-bottom.leaflet-right .cs-legend").count() >= 1
