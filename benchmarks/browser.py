"""Browser benchmarks: Playwright helpers, cold start, rerun times and peak memory.

Playwright is imported lazily: it is a development dependency.
"""

from __future__ import annotations

import contextvars
import statistics
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from benchmarks.report import Figure, failed, missing
from benchmarks.server import _rss_figure, app_server

#: Chromium shipped by Debian; a browser is never downloaded.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
)
#: Timeout of one browser wait, in ms; concurrent sessions raise it for their steps.
_WAIT_MS: contextvars.ContextVar[float] = contextvars.ContextVar("bench_wait_ms",
                                                                 default=60_000.0)
#: CSS selector of the st_folium component iframe (the previous map path).
MAP_IFRAME = 'iframe[title*="st_folium"]'
#: CSS selector of the persistent map component (in the page itself, no iframe).
MAP_COMPONENT = ".cs-mapview"
#: CSS selector of a drawn commune shape inside the map iframe (class set by mapping.web);
#: when no shape carries it, every interactive vector shape is counted instead.
MAP_PATHS = "path.cs-commune"
_SHAPES_JS = (
    "() => { const c = document.querySelectorAll('path.cs-commune');"
    " return Array.from(c.length ? c : document.querySelectorAll('path.leaflet-interactive')); }"
)


async def launch_chromium(playwright: Any) -> Any:
    """Launch the system Chromium headless with the project's flags."""
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS),
                                            headless=True)


async def map_frame(page: Any, timeout_ms: float | None = None) -> Any:
    """The frame holding the map: the page itself for the persistent map component, the
    st_folium iframe's frame for the previous path; once attached."""
    timeout_ms = timeout_ms or _WAIT_MS.get()
    handle = await page.wait_for_selector(f"{MAP_COMPONENT}, {MAP_IFRAME}", state="attached",
                                          timeout=timeout_ms)
    if await handle.evaluate("e => e.tagName") != "IFRAME":
        return page.main_frame
    frame = await handle.content_frame()
    if frame is None:
        raise RuntimeError("the map iframe has no frame")
    return frame


async def wait_for_paths(page: Any, minimum: int = 1, timeout_ms: float | None = None) -> int:
    """Wait until the map iframe draws at least *minimum* vector paths; return the count."""
    timeout_ms = timeout_ms or _WAIT_MS.get()
    deadline = time.perf_counter() + timeout_ms / 1000
    while True:
        try:
            frame = await map_frame(page, timeout_ms=max(1.0, (deadline - time.perf_counter())
                                                         * 1000))
            n = int(await frame.evaluate(f"({_SHAPES_JS})().length"))
            if n >= minimum:
                return n
        except Exception:  # frame detached while rerendering: retry
            if time.perf_counter() > deadline:
                raise
        if time.perf_counter() > deadline:
            raise TimeoutError(f"map drew fewer than {minimum} shapes in {timeout_ms} ms")
        await page.wait_for_timeout(50)


async def map_signature(page: Any) -> str:
    """A fingerprint of what the map draws (count and fill colours of its shapes)."""
    frame = await map_frame(page)
    sig: str = await frame.evaluate(
        f"({_SHAPES_JS})()"
        ".map(p => (p.getAttribute('fill') || '') + (p.getAttribute('d') || '').length)"
        ".join('|')"
    )
    return sig


async def wait_for_redraw(page: Any, before: str, timeout_ms: float | None = None) -> str:
    """Wait until the map's fingerprint differs from *before*; return the new one."""
    timeout_ms = timeout_ms or _WAIT_MS.get()
    deadline = time.perf_counter() + timeout_ms / 1000
    while True:
        try:
            now = await map_signature(page)
            if now and now != before:
                return now
        except Exception:
            if time.perf_counter() > deadline:
                raise
        if time.perf_counter() > deadline:
            raise TimeoutError(f"the map was not redrawn within {timeout_ms} ms")
        await page.wait_for_timeout(25)


async def click_commune(page: Any, nth: int = 0) -> None:
    """Click the *nth* commune shape of the map.

    The click is dispatched on the shape itself, as Leaflet receives it: a pointer
    click at the centre of the shape's box could land on a school cluster drawn
    above it, or outside a concave commune.
    """
    frame = await map_frame(page)
    handle = await frame.evaluate_handle(f"({_SHAPES_JS})()[{int(nth)}]")
    element = handle.as_element()
    if element is None:
        raise RuntimeError(f"the map has no commune shape number {nth}")
    await element.dispatch_event("click")


async def wait_idle(page: Any, timeout_ms: float | None = None) -> None:
    """Wait until Streamlit has finished running the script (no status widget)."""
    timeout_ms = timeout_ms or _WAIT_MS.get()
    await page.wait_for_timeout(50)
    await page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden",
                                                                    timeout=timeout_ms)


async def redrawn(page: Any, action: Callable[[], Awaitable[Any]]) -> None:
    """Run the UI *action*, then wait until the map is redrawn and the script is idle."""
    before = await map_signature(page)
    await action()
    await wait_for_redraw(page, before)
    await wait_idle(page)


#: Installed in the page right before the user's final gesture: the page's clock at the
#: next pointer press or click (whichever comes first).
_PRESS_JS = """() => {
  window.__csPress = null;
  const note = () => { if (window.__csPress === null) window.__csPress = performance.now(); };
  document.addEventListener('pointerdown', note, {capture: true, once: true});
  document.addEventListener('click', note, {capture: true, once: true});
}"""
#: Redrawn: the map's fingerprint (as :func:`map_signature`) differs from the argument.
REDRAWN_JS = (
    "(before) => { const s = (" + _SHAPES_JS + ")()"
    ".map(p => (p.getAttribute('fill') || '') + (p.getAttribute('d') || '').length).join('|');"
    " return s && s !== before ? performance.now() : false; }"
)


async def latency_ms(page: Any, gesture: Callable[[], Awaitable[Any]], done_js: str,
                     arg: Any = None, timeout_ms: float | None = None) -> float:
    """Milliseconds from the press of *gesture* to *done_js* first holding, in the page.

    *done_js* is a predicate evaluated by the page at every animation frame, returning
    ``performance.now()`` once the answer is on screen (``false`` before). Both ends are
    read from the page's own clock, so neither the harness's polling nor Playwright's
    round trips are counted: this is the interval the user sees between pressing and
    the answer. Call it for the final gesture, after any typing that prepares it.
    """
    timeout_ms = timeout_ms or _WAIT_MS.get()
    await page.evaluate(_PRESS_JS)
    await gesture()
    handle = await page.wait_for_function(done_js, arg=arg, polling="raf", timeout=timeout_ms)
    done = float(await handle.json_value())
    pressed = await page.evaluate("() => window.__csPress")
    if pressed is None:
        raise RuntimeError("the gesture pressed nothing in the page")
    return done - float(pressed)


async def open_option(page: Any, label: str, option: str,
                      timeout_ms: float | None = None) -> Any:
    """Open the selectbox or multiselect labelled *label* and type *option*; return the
    option's locator, ready to be clicked (the user's final gesture)."""
    timeout_ms = timeout_ms or _WAIT_MS.get()
    combo = page.get_by_role("combobox", name=label, exact=True).first
    if not await combo.count():  # a multiselect with values names them in its label
        combo = page.get_by_role("combobox", name=label).first
    await combo.click(timeout=timeout_ms)
    await combo.fill(option, timeout=timeout_ms)
    target = page.get_by_role("option").filter(has_text=option).first
    await target.wait_for(timeout=timeout_ms)
    return target


async def choose_option(
    page: Any, label: str, option: str, timeout_ms: float | None = None
) -> None:
    """Pick *option* in the Streamlit selectbox or multiselect labelled *label*.

    The option is typed into the box's search field (long option lists are
    virtualised, so not every option is in the DOM), then clicked.
    """
    timeout_ms = timeout_ms or _WAIT_MS.get()
    target = await open_option(page, label, option, timeout_ms)
    await target.click(timeout=timeout_ms)


async def browser_figures(quick: bool = False, env: dict[str, str] | None = None) -> list[Figure]:
    """Cold start, rerun times and peak memory, measured in headless Chromium.

    Cold start is the time from launching ``streamlit run`` to the map iframe
    drawing the 251 commune shapes. Rerun times are measured in the browser,
    from the interaction (choosing a province, choosing an indicator) to the
    map being redrawn with different shapes or colours, with the script run
    finished; they include the round trip and the redraw, so they bound the
    server time from above.
    """
    from playwright.async_api import async_playwright

    figures: list[Figure] = []
    async with async_playwright() as pw:
        browser = await launch_chromium(pw)
        try:
            with app_server(env=env) as server:
                ctx = await browser.new_context(viewport={"width": 1400, "height": 900})
                page = await ctx.new_page()
                await page.goto(server.url, wait_until="domcontentloaded")
                try:
                    n = await wait_for_paths(page, minimum=251, timeout_ms=120_000)
                except Exception as exc:
                    figures.append(missing("browser.cold_start_s",
                                           "cold start to first drawn map", "s", str(exc)[:120]))
                    figures.append(_rss_figure(server))
                    return figures
                cold = time.perf_counter() - server.started
                figures.append(Figure(
                    "browser.cold_start_s", "cold start to first drawn map (browser)", cold, "s",
                    f"process start -> {n} shapes drawn; server ready after "
                    f"{server.ready - server.started:.1f} s"))
                await wait_idle(page)
                figures += await _rerun_figures(page, repeats=1 if quick else 3)
                figures.append(_rss_figure(server))
                await ctx.close()
        finally:
            await browser.close()
    # the persistent map's journeys, beside the previous folium path (issue 15)
    from benchmarks.mapview import mapview_figures

    try:
        figures += await mapview_figures(quick=quick, env=env)
    except Exception as exc:
        figures.append(failed("mapview.journeys", "persistent map figures", "s", exc))
    return figures


#: Indicator labels (French, the default language) tried for the indicator rerun.
RERUN_INDICATORS = ("illiteracy_rate_10_plus", "schooling_rate_6_to_11")
#: Province names (French) tried for the filter rerun.
RERUN_PROVINCES = ("Safi", "Essaouira")


async def _rerun_figures(page: Any, repeats: int) -> list[Figure]:
    from mapping.indicators import catalogue

    cat = catalogue()
    out: list[Figure] = []
    ind_times: list[float] = []
    prov_times: list[float] = []
    try:
        for i in range(repeats):
            ind = cat[RERUN_INDICATORS[i % 2]].label_in("fr")
            t0 = time.perf_counter()
            await redrawn(page, partial(choose_option, page, _ui_label("indicator"), ind))
            ind_times.append(time.perf_counter() - t0)
    except Exception as exc:
        out.append(failed("browser.rerun_indicator_s", "rerun after an indicator change", "s",
                          exc))
    else:
        out.append(Figure("browser.rerun_indicator_s", "rerun after an indicator change "
                          "(browser, median)", statistics.median(ind_times), "s",
                          f"interaction -> map redrawn, {repeats} run(s)"))
    try:
        for i in range(repeats):
            province = RERUN_PROVINCES[i % 2]
            t0 = time.perf_counter()
            await redrawn(page, partial(choose_option, page, _ui_label("province"), province))
            prov_times.append(time.perf_counter() - t0)
            await page.keyboard.press("Escape")
            # back to the whole region (not timed)
            await redrawn(page, page.get_by_role("button", name=_t("ui.reset")).first.click)
    except Exception as exc:
        out.append(failed("browser.rerun_filter_s", "rerun after a filter change", "s", exc))
    else:
        out.append(Figure("browser.rerun_filter_s", "rerun after a filter change "
                          "(browser, median)", statistics.median(prov_times), "s",
                          f"province chosen -> map redrawn, {repeats} run(s)"))
    return out


def _ui_label(what: str) -> str:
    from mapping.i18n import t

    keys = {"indicator": "map.indicator", "province": "ui.province"}
    return t(keys[what], "fr")



def _t(key: str) -> str:
    from mapping.i18n import t

    return t(key, "fr")


