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
from mapping.i18n import t
from mapping.provenance import demo_mark
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
    assert "analphab" in page.inner_text(f"{MAP} .leaflet-right .cs-legend").lower()


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


_BLOCK = """([layer, i]) => {
  const view = document.querySelector('.cs-mapview').csView;
  const entry = view.layers.get(layer);
  const p = view.map.latLngToContainerPoint([entry.layer.body.y[i], entry.layer.body.x[i]]);
  const c = entry.layer.canvas, dpr = c.width / c.clientWidth;
  const r = Math.round(4 * dpr);
  const img = c.getContext('2d').getImageData(Math.round(p.x * dpr) - r, Math.round(p.y * dpr) - r,
                                              2 * r, 2 * r).data;
  const colours = new Set();
  for (let k = 0; k < img.length; k += 4) colours.add(img.slice(k, k + 4).join(','));
  return {mark: entry.layer.markOf(i), colours: colours.size, pixels: Array.from(img).join(',')};
}"""


def test_a_fictitious_school_is_drawn_unlike_a_surveyed_one(page: Any, mapview_url: str) -> None:
    page.goto(mapview_url + "/?marks=1")
    page.wait_for_selector(f"{MAP}[data-ready='1']", timeout=90_000)
    canvas = page.locator(f"{MAP} canvas.cs-points[data-layer='marks']")
    canvas.wait_for(timeout=60_000)
    assert canvas.get_attribute("data-marks") == "circle:1 cross:1"
    # the registry's own points: inferred sites hatched, demonstration sites crossed
    marks = page.get_attribute(f"{MAP} canvas.cs-points[data-layer='schools']", "data-marks")
    assert marks is not None and "cross:" in marks and "hatched:" in marks
    assert "circle:" not in marks  # the default registry has no surveyed site
    surveyed = page.evaluate(_BLOCK, ["marks", 0])
    fictitious = page.evaluate(_BLOCK, ["marks", 1])
    assert (surveyed["mark"], fictitious["mark"]) == ("circle", "cross")
    # a plain fill is one colour, the crossed one a pattern of several
    assert surveyed["pixels"] != fictitious["pixels"]
    assert fictitious["colours"] > surveyed["colours"]
    # the legend lists the marks and the map says it shows demonstration data
    legend = page.inner_text(f"{MAP} .leaflet-bottom.leaflet-left .cs-legend")
    assert t("provenance.mark.fictitious", "fr") in legend
    assert t("provenance.mark.inferred", "fr") in legend
    assert page.locator(f"{MAP} .cs-legend svg pattern").count() >= 2
    demo = page.locator(f"{MAP} .leaflet-top.leaflet-right .cs-demo")
    assert demo.is_visible() and demo.inner_text().strip() == demo_mark("fr")


def test_arabic_class_ranges_read_left_to_right_in_the_mirrored_legend(
    page: Any, mapview_url: str
) -> None:
    page.goto(mapview_url + "/?lang=ar")
    page.wait_for_selector(f"{MAP}[data-ready='1'][dir='rtl']", timeout=90_000)
    legend = page.locator(f"{MAP} .leaflet-bottom.leaflet-left .cs-legend").first
    assert legend.locator("details").get_attribute("dir") == "rtl"
    ranges = legend.locator(".cs-row bdi")
    assert ranges.count() == 5
    for i in range(ranges.count()):
        rng = ranges.nth(i)
        assert rng.evaluate("e => getComputedStyle(e).direction") == "ltr"
        # the lower bound is drawn left of the upper one
        boxes = rng.evaluate("""e => { const r = document.createRange();
            const text = e.firstChild, dash = text.data.indexOf('–');
            r.setStart(text, 0); r.setEnd(text, 1); const first = r.getBoundingClientRect().left;
            r.setStart(text, text.data.length - 1); r.setEnd(text, text.data.length);
            return [first, r.getBoundingClientRect().left, dash]; }""")
        assert boxes[2] > 0 and boxes[0] < boxes[1]
    # the swatch sits on the right of its range in the right-to-left row
    row = legend.locator(".cs-row").first
    swatch = row.locator(".cs-swatch").bounding_box()
    text = row.locator("bdi").bounding_box()
    assert swatch is not None and text is not None and swatch["x"] > text["x"]
    # controls mirrored: scale bar (metric only) bottom right, demonstration mark top left
    assert page.locator(f"{MAP} .leaflet-bottom.leaflet-right .leaflet-control-scale").count() == 1
    assert page.locator(f"{MAP} .leaflet-control-scale-line").count() == 1
    assert page.locator(f"{MAP} .leaflet-top.leaflet-left .cs-demo").inner_text().strip() == \
        demo_mark("ar")


def test_a_second_visit_takes_the_map_files_from_the_browser_cache(
    browser: Any, app_url: str
) -> None:
    # a context of its own: request interception (the ``page`` fixture's offline guard)
    # turns Chromium's HTTP cache off; here every request is watched instead
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, locale="fr-FR")
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        sent: dict[str, str] = {}
        from_cache: set[str] = set()
        cdp.on("Network.requestWillBeSent",
               lambda e: sent.update({e["requestId"]: e["request"]["url"]}))
        cdp.on("Network.requestServedFromCache", lambda e: from_cache.add(e["requestId"]))
        cdp.on("Network.responseReceived", lambda e: from_cache.add(e["requestId"])
               if e["response"].get("fromDiskCache") else None)

        def visit() -> dict[str, bool]:
            sent.clear()
            from_cache.clear()
            page.goto(app_url, wait_until="domcontentloaded")
            page.wait_for_selector(f"{MAP}[data-ready='1']", timeout=120_000)
            page.wait_for_timeout(300)
            return {url.rsplit("/", 1)[-1]: rid in from_cache for rid, url in sent.items()
                    if "/app/static/" in url}

        first, second = visit(), visit()
        offline = [u for u in sent.values() if not u.startswith(("http://127.0.0.1", "blob:"))]
        assert offline == []
        geometry = [name for name in first if name.startswith("geometry.")]
        assert len(geometry) == 1 and first[geometry[0]] is False  # downloaded once
        assert second[geometry[0]] is True
        assert set(second) == set(first) and all(second.values()), second
    finally:
        context.close()
