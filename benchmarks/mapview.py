"""Browser-measured figures of the persistent map (issue 15), beside the previous folium path.

Every figure is measured in headless Chromium against a live server on this
machine: from the user's action to the answer drawn, with the script run
finished. The previous path (folium page re-created by streamlit-folium in its
iframe) is measured in the same run on a small page with the same inputs, and
the ratio printed. Figures only; nothing is asserted.
"""

from __future__ import annotations

import ast
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.browser import (
    REDRAWN_JS,
    _t,
    _ui_label,
    click_commune,
    latency_ms,
    launch_chromium,
    map_signature,
    open_option,
    redrawn,
    wait_for_paths,
    wait_for_redraw,
    wait_idle,
)
from benchmarks.report import Figure, failed
from benchmarks.server import app_server
from mapping.settings import PROJECT_ROOT

#: Indicators the changes cycle through (the first one shown is the app's default).
INDICATORS = ("illiteracy_rate_10_plus", "schooling_rate_6_to_11")
#: The previous path cycles through three, so every change draws a map it has not just drawn.
OLD_INDICATORS = ("schooling_rate_6_to_11", "illiteracy_rate_10_plus", "population_2024")
PROVINCES = ("Safi", "Essaouira")
#: Points of the stress layer (real school locations repeated, shifted 200 m each round).
STRESS_POINTS = 10_000
#: Seconds of idle measured to subtract the process's background CPU from the journey's.
IDLE_S = 10.0
#: Commune (shape number) clicked once before the timed journey, which clicks others.
WARM_UP_COMMUNE = 200

#: The previous path: the folium page of the map, re-created by streamlit-folium per rerun.
OLD_PAGE = '''
from pathlib import Path
import geopandas as gpd
import streamlit as st
from mapping import web
from mapping.classify import classify
from mapping.datasets import load_region
from mapping.indicators import catalogue
from mapping.registry import load_default_registry
from mapping.table import indicator_table
from ui import components

STATIC = Path(__file__).parent / "static"
IDS = {ids!r}

@st.cache_resource
def base():
    web.install_static(STATIC / "vendor")
    region = load_region()
    reg = load_default_registry()
    table = indicator_table(region, reg)
    w = web.web_communes(region.communes)
    geom = w.set_index("code").geometry.reindex(table["code"])
    table = table.set_geometry(gpd.GeoSeries(geom.to_numpy(), index=table.index, crs=table.crs))
    return table, reg, web.web_provinces(w)

table, reg, provinces = base()
cat = catalogue()
ind = cat[st.selectbox("indicator", IDS, format_func=lambda i: cat[i].label_in("fr"))]
cls = classify(table[ind.id].to_numpy(dtype=float), "quantiles", 5,
               higher_is_better=ind.higher_is_better)
m = web.assemble_map("fr", web.Choropleth(table, ind, cls), provinces=provinces, schools=reg)
components.show_map(m, key="old_map", height=620)
'''

#: The persistent map with a stress layer of points on real school locations.
STRESS_PAGE = '''
from pathlib import Path
import streamlit as st
from mapping import web
from mapping.datasets import load_region
from mapping.registry import load_default_registry
from ui.mapview import component, payload
from ui.mapview.geometry import publish_geometry
from ui.mapview.layers import schools_layer

STATIC = Path(__file__).parent / "static"

@st.cache_resource
def base():
    web.install_static(STATIC / "vendor")
    w = web.web_communes(load_region().communes)
    geom = publish_geometry(w, web.web_provinces(w), STATIC)
    lay = schools_layer(load_default_registry(), "fr")
    n, total = len(lay.lon), {n_points}
    idx = [k % n for k in range(total)]
    stress = payload.PointLayer(
        "stress", "load test points", [lay.lon[i] + 0.002 * (k // n) for k, i in enumerate(idx)],
        [lay.lat[i] for i in idx], [lay.style[i] for i in idx], lay.styles,
        [lay.radius[i] for i in idx], lay.fields, [lay.values[i] for i in idx])
    return geom, payload.publish_layer(stress, STATIC), component.publish_code(STATIC)

geom, layer, code = base()
styles = payload.commune_styles(geom, {{c: "#dddddd" for c in geom.codes}}, {{}})
component.show(payload.map_data(geom, styles, "fr", layers=[layer]), "stress", code=code)
'''


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


class _Bytes:
    """Counts the bytes the server sends over the page's websocket."""

    def __init__(self, page: Any) -> None:
        self.total = 0
        page.on("websocket", self._attach)

    def _attach(self, ws: Any) -> None:
        ws.on("framereceived", self._frame)

    def _frame(self, payload: Any) -> None:
        self.total += len(payload) if isinstance(payload, (bytes, str)) else 0


async def _journey_cpu(server: Any, page: Any, repeats: int, counter: _Bytes
                       ) -> tuple[float | None, float, dict[str, Any]]:
    """The planner's journey on *page*: app CPU seconds, wall seconds, the timings."""
    cpu0, t0 = server.cpu_seconds(), time.perf_counter()
    timings = await _planner(page, server.url, repeats, counter)
    cpu1, wall = server.cpu_seconds(), time.perf_counter() - t0
    return (None if cpu0 is None or cpu1 is None else cpu1 - cpu0), wall, timings


async def _first_visit_cpu(browser: Any, server: Any) -> float | None:
    """App CPU for a first-time visitor's map: a fresh browser fetches Streamlit's front end."""
    ctx = await browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = await ctx.new_page()
        cpu0 = server.cpu_seconds()
        await _first_map(page, server.url)
        await wait_idle(page)
        cpu1 = server.cpu_seconds()
    finally:
        await ctx.close()
    return None if cpu0 is None or cpu1 is None else cpu1 - cpu0


async def _idle_rate(server: Any) -> float | None:
    """CPU seconds per second the app process uses while nobody interacts with it."""
    import asyncio

    cpu0 = server.cpu_seconds()
    await asyncio.sleep(IDLE_S)
    cpu1 = server.cpu_seconds()
    return None if cpu0 is None or cpu1 is None else (cpu1 - cpu0) / IDLE_S


async def _timed(action: Callable[[], Awaitable[Any]]) -> float:
    t0 = time.perf_counter()
    await action()
    return time.perf_counter() - t0


async def _first_map(page: Any, url: str) -> float:
    t0 = time.perf_counter()
    await page.goto(url, wait_until="domcontentloaded")
    await wait_for_paths(page, minimum=251, timeout_ms=180_000)
    return time.perf_counter() - t0


#: Answered: a heading of the page names the commune (the panel is shown).
_HEADING_JS = (
    "(name) => { for (const h of document.querySelectorAll('h1, h2, h3, h4'))"
    " if (h.textContent.includes(name)) return performance.now(); return false; }"
)


async def _pick(page: Any, what: str, option: str) -> tuple[float, float]:
    """Choose *option* in the *what* box; return (press -> map redrawn in the page, in s;
    the whole step as the harness sees it: typing, redraw, script idle, in s)."""
    t0 = time.perf_counter()
    before = await map_signature(page)
    target = await open_option(page, _ui_label(what), option)
    ms = await latency_ms(page, target.click, REDRAWN_JS, before)
    await wait_idle(page)
    return ms / 1000, time.perf_counter() - t0


async def _indicator_changes(page: Any, repeats: int, counter: _Bytes | None = None
                             ) -> tuple[list[float], list[float], list[int]]:
    from mapping.indicators import catalogue

    cat = catalogue()
    times: list[float] = []
    totals: list[float] = []
    sent: list[int] = []
    for i in range(repeats):
        label = cat[INDICATORS[i % 2]].label_in("fr")
        before = counter.total if counter else 0
        seen, total = await _pick(page, "indicator", label)
        times.append(seen)
        totals.append(total)
        if counter:
            await page.wait_for_timeout(200)
            sent.append(counter.total - before)
    return times, totals, sent


async def _planner(page: Any, url: str, repeats: int, counter: _Bytes) -> dict[str, Any]:
    """The planner's journey on the app's map page; returns the timings."""
    from mapping.datasets import load_communes

    names = load_communes().set_index("code")["name_fr"]
    out: dict[str, Any] = {"first_map": await _first_map(page, url)}
    await wait_idle(page)
    out["indicator"], out["indicator_total"], out["bytes"] = await _indicator_changes(
        page, repeats, counter)
    prov: list[float] = []
    for i in range(repeats):
        prov.append((await _pick(page, "province", PROVINCES[i % 2]))[0])
        await page.keyboard.press("Escape")
        await redrawn(page, page.get_by_role("button", name=_t("ui.reset")).first.click)
    out["province"] = prov
    clicks: list[float] = []
    for i in range(repeats):
        nth = 10 + 37 * i
        code = await page.evaluate(
            f"() => document.querySelectorAll('path.cs-commune')[{nth}].getAttribute('data-code')")
        ms = await latency_ms(page, partial(click_commune, page, nth), _HEADING_JS,
                              str(names[code]), timeout_ms=60_000)
        await wait_idle(page)
        clicks.append(ms / 1000)
    out["click"] = clicks
    return out


async def _access(page: Any, url: str) -> dict[str, float]:
    """Add a collège on the access page, then ask for the best 3 sites."""
    await page.goto(f"{url}/access?prov=07.161&lang=fr", wait_until="domcontentloaded")
    await wait_for_paths(page, minimum=35, timeout_ms=180_000)
    await wait_idle(page)
    await page.get_by_role("tab", name="Scénario").click()
    await page.locator(".cs-mapview").first.scroll_into_view_if_needed()
    box = await page.locator(".cs-mapview").first.bounding_box()
    await page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.4)
    await page.get_by_text(re.compile(r"Point cliqué : -\d+\.\d+, \d+\.\d+")).wait_for(
        timeout=60_000)
    await wait_idle(page)
    metric = page.get_by_text("Moins de 15 ans nouvellement à ≤ 5 km")

    async def add() -> None:
        await page.get_by_role("button", name="Ajouter une école hypothétique : Collège").click()
        await metric.wait_for(timeout=120_000)
        await wait_idle(page)

    out = {"add": await _timed(add)}
    await page.get_by_role("tab", name="Sites suggérés").click()

    async def sites() -> None:
        await page.get_by_role("button", name="Suggérer des sites").click()
        await page.get_by_text(re.compile(r"Résolu en [\d.,]+ s")).wait_for(timeout=120_000)
        await wait_idle(page)

    out["sites"] = await _timed(sites)
    return out


#: The floor of a cold start: a bare Streamlit page, no library of the app imported.
FLOOR_PAGE = '''
import streamlit as st
st.markdown("cs-floor-ready")
'''

#: The scripts of the app's first run: their module-level imports are what it imports.
FIRST_RUN_SCRIPTS = ("app.py", "ui/pages/map.py")


def _page_server(source: str, folder: Path) -> Any:
    (folder / "page.py").write_text(source, encoding="utf-8")
    env = {"PYTHONPATH": str(PROJECT_ROOT), "STREAMLIT_SERVER_ENABLE_STATIC_SERVING": "true"}
    return app_server(app=folder / "page.py", env=env, timeout_s=120)


async def _old_path(browser: Any, repeats: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp, _page_server(
            OLD_PAGE.format(ids=OLD_INDICATORS), Path(tmp)) as server:
        ctx = await browser.new_context(viewport={"width": 1400, "height": 900})
        page = await ctx.new_page()
        await _first_map(page, server.url)
        await wait_idle(page)
        times: list[float] = []
        from mapping.indicators import catalogue

        cat = catalogue()
        for i in range(repeats):
            label = cat[OLD_INDICATORS[(i + 1) % len(OLD_INDICATORS)]].label_in("fr")
            before = await map_signature(page)
            t0 = time.perf_counter()
            await page.locator('[data-testid="stSelectbox"]').first.click()
            await page.get_by_role("option", name=label, exact=True).click()
            try:
                await wait_for_redraw(page, before, timeout_ms=30_000)
                await wait_idle(page)
            except Exception:
                if not times:
                    raise
                break  # keep the changes measured so far
            times.append(time.perf_counter() - t0)
        await ctx.close()
        return times


async def _stress(browser: Any) -> tuple[float, float | None]:
    with tempfile.TemporaryDirectory() as tmp, _page_server(
            STRESS_PAGE.format(n_points=STRESS_POINTS), Path(tmp)) as server:
        ctx = await browser.new_context(viewport={"width": 1400, "height": 900})
        page = await ctx.new_page()
        await page.goto(server.url, wait_until="domcontentloaded")
        await page.wait_for_selector(".cs-mapview[data-ready='1']", timeout=180_000)
        # a second visit: the server's cache is warm, the browser's is not (new context)
        await ctx.close()
        ctx = await browser.new_context(viewport={"width": 1400, "height": 900})
        page = await ctx.new_page()
        t0 = time.perf_counter()
        await page.goto(server.url, wait_until="domcontentloaded")
        canvas = page.locator(f"canvas.cs-points[data-count='{STRESS_POINTS}']")
        await canvas.wait_for(timeout=180_000)
        wall = time.perf_counter() - t0
        # one redraw of every point (a pan), timed inside the browser
        await page.evaluate("() => document.querySelector('.cs-mapview').csView.map"
                            ".panBy([40, 0], {animate: false})")
        await page.wait_for_timeout(200)
        draw = await canvas.get_attribute("data-draw-ms")
        await ctx.close()
        return wall, float(draw) if draw else None


async def _floor(browser: Any) -> float:
    """Process start -> text shown, for a bare Streamlit page (the cold start's floor)."""
    with tempfile.TemporaryDirectory() as tmp, _page_server(FLOOR_PAGE, Path(tmp)) as server:
        ctx = await browser.new_context(viewport={"width": 1400, "height": 900})
        page = await ctx.new_page()
        await page.goto(server.url, wait_until="domcontentloaded")
        await page.get_by_text("cs-floor-ready").wait_for(timeout=120_000)
        floor = time.perf_counter() - server.started
        await ctx.close()
        return float(floor)


def first_run_imports() -> str:
    """The module-level import statements of :data:`FIRST_RUN_SCRIPTS`, read (not run)."""
    lines: dict[str, None] = {}
    for script in FIRST_RUN_SCRIPTS:
        tree = ast.parse((PROJECT_ROOT / script).read_text(encoding="utf-8"))
        lines.update(dict.fromkeys(
            ast.unparse(node) for node in tree.body
            if isinstance(node, (ast.Import, ast.ImportFrom)) and not (
                isinstance(node, ast.ImportFrom) and node.module == "__future__")))
    return "\n".join(lines)


def _import_s() -> float:
    """Seconds a fresh interpreter takes to import the modules of the app's first run."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", first_run_imports()], cwd=PROJECT_ROOT, check=True,
                   capture_output=True)
    return time.perf_counter() - t0


async def _warmed_start(browser: Any, env: dict[str, str] | None) -> list[Figure]:
    """A new process, once warm (it warms itself: ``serve.py``), then its first visitor."""
    import asyncio

    from ui.warmup import warm

    with app_server(env=env) as server:
        warm_s = await asyncio.to_thread(warm, server.port)
        ready = time.perf_counter() - server.started
        ctx = await browser.new_context(viewport={"width": 1400, "height": 900})
        page = await ctx.new_page()
        first = await _first_map(page, server.url)
        await ctx.close()
    return [
        Figure("mapview.warm_up_s", "process start -> warm (python -m ui.warmup returns)",
               ready, "s", f"the last warm-up request took {warm_s:.2f} s"),
        Figure("mapview.warmed_first_map_s",
               "first visitor of a warmed process: page open -> 251 shapes", first, "s",
               "new browser context (downloads the geometry); goal <= 2 s"),
    ]


async def mapview_figures(quick: bool = False, env: dict[str, str] | None = None
                          ) -> list[Figure]:
    """The issue-15 figures: journeys on the app, the old path, 10,000 points.

    Returns
    -------
    list of Figure
    """
    from playwright.async_api import async_playwright

    repeats = 2 if quick else 5
    figures: list[Figure] = []
    async with async_playwright() as pw:
        browser = await launch_chromium(pw)
        try:
            try:
                figures += await _warmed_start(browser, env)
            except Exception as exc:
                figures.append(failed("mapview.warmed_first_map_s", "warmed start", "s", exc))
            try:
                figures.append(Figure(
                    "mapview.cold_start_floor_s", "cold start of a bare Streamlit page",
                    await _floor(browser), "s",
                    "process start -> one line of text shown: Streamlit's own start-up on "
                    "this machine, under the cold start of the app"))
                figures.append(Figure(
                    "mapview.cold_start_imports_s", "import of the app's libraries",
                    _import_s(), "s", "fresh interpreter: the modules app.py and the map "
                    "page import (streamlit, geopandas, mapclassify, SQLAlchemy, ...)"))
            except Exception as exc:
                figures.append(failed("mapview.cold_start_floor_s", "bare page", "s", exc))
            new: dict[str, Any] = {}
            try:
                with app_server(env=env) as server:
                    ctx = await browser.new_context(viewport={"width": 1400, "height": 900})
                    page = await ctx.new_page()
                    counter = _Bytes(page)
                    t0 = time.perf_counter()
                    await page.goto(server.url, wait_until="domcontentloaded")
                    await wait_for_paths(page, minimum=251, timeout_ms=180_000)
                    figures.append(Figure(
                        "mapview.cold_start_s", "cold start to 251 shapes drawn (persistent map)",
                        time.perf_counter() - server.started, "s",
                        f"process start -> 251 shapes; first page open -> shapes "
                        f"{time.perf_counter() - t0:.2f} s"))
                    # the process has served someone: one commune panel (not one of the
                    # journey's), so the figures below leave out once-per-process work
                    await wait_idle(page)
                    await click_commune(page, WARM_UP_COMMUNE)
                    await wait_idle(page)
                    await page.close()
                    new["first_visit_cpu"] = await _first_visit_cpu(browser, server)
                    # the planner's journey, as on every visit after the first: the browser
                    # keeps Streamlit's front end and the geometry (immutable, cached files)
                    page = await ctx.new_page()
                    counter = _Bytes(page)
                    new["idle_cpu_per_s"] = await _idle_rate(server)
                    raw, wall, timings = await _journey_cpu(server, page, repeats, counter)
                    new.update(timings)
                    new["cpu_raw"], new["journey_wall"] = raw, wall
                    idle = new["idle_cpu_per_s"] or 0.0
                    new["cpu"] = None if raw is None else raw - idle * wall
                    # a second planner, the same journey: what the first one left in the
                    # process-wide caches (panels, classes, layers) serves the next
                    await page.close()
                    page = await ctx.new_page()
                    raw2, wall2, _ = await _journey_cpu(server, page, repeats, _Bytes(page))
                    new["cpu_second"] = None if raw2 is None else raw2 - idle * wall2
                    new["steps"] = 1 + 3 * repeats
                    new.update(await _access(page, server.url))
                    await ctx.close()
            except Exception as exc:
                figures.append(failed("mapview.journeys", "planner and access journeys", "s", exc))
            if new:
                figures += [
                    Figure("mapview.first_map_s", "open the map page -> 251 shapes (warm server)",
                           new["first_map"], "s", "new browser context, server cache warm"),
                    Figure("mapview.indicator_s", "indicator chosen -> map redrawn (median)",
                           _median(new["indicator"]), "s",
                           f"{repeats} changes, press of the option -> restyled, page clock; "
                           "goal <= 0.25 s"),
                    Figure("mapview.indicator_step_s",
                           "indicator change, whole scripted step (median)",
                           _median(new["indicator_total"]), "s",
                           "open the box, type, choose, redrawn, script idle (as the previous "
                           "path's figure)"),
                    Figure("mapview.province_s", "province chosen -> map redrawn (median)",
                           _median(new["province"]), "s",
                           f"{repeats} filters, page clock; goal <= 0.3 s"),
                    Figure("mapview.click_panel_s", "commune click -> panel shown (median)",
                           _median(new["click"]), "s",
                           f"{repeats} clicks, page clock; goal <= 0.3 s"),
                    Figure("mapview.bytes_per_indicator_change", "bytes sent per indicator change",
                           _median([float(b) for b in new["bytes"]]), "bytes",
                           "websocket frames server -> browser, median; goal <= 20 KB"),
                    Figure("mapview.server_cpu_per_journey_s",
                           "app server CPU per planner journey", new.get("cpu"), "s",
                           f"open map, {repeats} indicator changes, {repeats} province filters "
                           f"(and resets), {repeats} commune clicks, browser cache kept from an "
                           "earlier visit; the process's idle CPU over the journey's "
                           f"{new.get('journey_wall', 0):.0f} s subtracted; goal <= 0.5 s"),
                    Figure("mapview.server_cpu_second_journey_s",
                           "app server CPU for a second planner, same journey",
                           new.get("cpu_second"), "s",
                           "right after the first, idle subtracted: the caches are shared"),
                    Figure("mapview.server_cpu_per_journey_raw_s",
                           "app server CPU during the journey, idle included",
                           new.get("cpu_raw"), "s", "/proc/<pid>/stat before and after"),
                    Figure("mapview.server_idle_cpu_ms_per_s",
                           "app server CPU when nobody uses it",
                           None if new.get("idle_cpu_per_s") is None
                           else 1000 * new["idle_cpu_per_s"], "ms/s",
                           "Streamlit's runtime and uvicorn timers, measured for "
                           f"{IDLE_S:.0f} s before the journey on the same process"),
                    Figure("mapview.server_cpu_first_visit_s",
                           "app server CPU for a first-time visitor's map",
                           new.get("first_visit_cpu"), "s",
                           "fresh browser: Streamlit's ~120 front-end files served by the app "
                           "process, then the script run"),
                ]
                if "add" in new:
                    figures.append(Figure("mapview.add_school_s", "add a school -> result",
                                          new["add"], "s", "access page, Chichaoua; goal <= 1 s"))
                    figures.append(Figure("mapview.best_sites_s", "best 3 sites -> result",
                                          new["sites"], "s", "goal <= 1.5 s"))
            try:
                old = await _old_path(browser, repeats)
                figures.append(Figure("mapview.old_indicator_s",
                                      "indicator change, previous streamlit-folium path (median)",
                                      _median(old), "s", f"{len(old)} changes, same inputs"))
                if new and _median(new["indicator_total"]):
                    # the same scripted step on both paths
                    ratio = (_median(old) or 0) / (_median(new["indicator_total"]) or 1)
                    figures.append(Figure("mapview.indicator_speedup_x",
                                          "indicator change: previous path / persistent map",
                                          round(ratio, 1), "x", "same run, same machine"))
            except Exception as exc:
                figures.append(failed("mapview.old_indicator_s", "previous path", "s", exc))
            try:
                wall, draw = await _stress(browser)
                figures.append(Figure("mapview.points_10k_s",
                                      f"{STRESS_POINTS} points: page open -> drawn", wall, "s",
                                      "new browser context (downloads the point file); "
                                      "goal <= 1 s for the draw"))
                figures.append(Figure("mapview.points_10k_draw_ms",
                                      f"{STRESS_POINTS} points: one canvas redraw", draw, "ms",
                                      "measured in the browser (performance.now)"))
            except Exception as exc:
                figures.append(failed("mapview.points_10k_s", "10,000 points", "s", exc))
        finally:
            await browser.close()
    return figures
