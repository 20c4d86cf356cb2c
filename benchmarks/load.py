"""Load benchmark: concurrent browser sessions through the three user journeys."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from benchmarks.browser import (
    _WAIT_MS,
    RERUN_PROVINCES,
    _t,
    _ui_label,
    choose_option,
    click_commune,
    launch_chromium,
    map_signature,
    redrawn,
    wait_for_paths,
    wait_for_redraw,
    wait_idle,
)
from benchmarks.report import Figure
from benchmarks.server import _rss_figure, app_server


def percentile(values: Sequence[float], q: float) -> float | None:
    """The *q*-th percentile (0-100) of *values*, linear interpolation; None if empty."""
    if not values:
        return None
    return float(np.percentile(np.asarray(values, dtype=float), q))


@dataclass
class LoadResult:
    """Outcome of concurrent browser sessions.

    Attributes
    ----------
    sessions
        Number of concurrent sessions.
    steps
        ``(journey, step, seconds)`` for every completed step.
    errors
        ``(session, journey, step, message)`` for every failed step.
    wall_s
        Wall-clock time of the whole run.
    """

    sessions: int
    steps: list[tuple[str, str, float]] = field(default_factory=list)
    errors: list[tuple[int, str, str, str]] = field(default_factory=list)
    wall_s: float = 0.0

    def times(self, journey: str | None = None) -> list[float]:
        """Step times, for one journey or all."""
        return [s for j, _, s in self.steps if journey is None or j == journey]

    def summary(self) -> str:
        """p50/p95 of the interaction times, overall and by step, plus the errors."""
        lines = [f"{self.sessions} sessions, {len(self.steps)} steps, "
                 f"{len(self.errors)} errors, wall {self.wall_s:.1f} s"]
        keys = sorted({(j, st) for j, st, _ in self.steps})
        for j, st in [(None, None), *keys]:
            vals = [s for jj, ss, s in self.steps if (j is None or (jj, ss) == (j, st))]
            p50, p95 = percentile(vals, 50), percentile(vals, 95)
            name = "all steps" if j is None else f"{j}: {st}"
            lines.append(f"  {name:<40} n={len(vals):>3}  p50={p50 or 0:6.2f} s  "
                         f"p95={p95 or 0:6.2f} s")
        lines += [f"  error in session {i} {j}/{st}: {m}" for i, j, st, m in self.errors]
        return "\n".join(lines)


#: A journey: ``async def journey(page, url, step)`` where ``step(name)`` is an
#: async context manager timing one interaction.
Journey = Callable[[Any, str, Callable[[str], Any]], Any]


async def run_sessions(
    url: str,
    journeys: dict[str, Journey],
    sessions: int = 20,
    step_timeout_s: float = 180.0,
    total_timeout_s: float = 360.0,
    ramp_s: float = 0.5,
) -> LoadResult:
    """Drive *sessions* concurrent browser contexts through *journeys*.

    One Chromium, one context per session; session *i* runs the journey
    ``list(journeys)[i % len(journeys)]``. Every step is bounded by
    *step_timeout_s* and the whole run by *total_timeout_s*; a failed step
    ends its session and is recorded as an error. Session *i* starts
    *i* x *ramp_s* seconds after the first (users do not all arrive in the
    same millisecond); all sessions then run concurrently.
    """
    import asyncio

    from playwright.async_api import async_playwright

    result = LoadResult(sessions)
    names = list(journeys)

    async def session(i: int, browser: Any) -> None:
        name = names[i % len(names)]
        current = ["start"]
        _WAIT_MS.set(step_timeout_s * 1000)
        await asyncio.sleep(i * ramp_s)

        @contextlib.asynccontextmanager
        async def step(label: str) -> Any:
            current[0] = label
            t0 = time.perf_counter()
            yield
            result.steps.append((name, label, time.perf_counter() - t0))

        ctx = await browser.new_context(viewport={"width": 1400, "height": 900},
                                        accept_downloads=True)
        ctx.set_default_timeout(step_timeout_s * 1000)
        page = await ctx.new_page()
        page.on("dialog", lambda d: result.errors.append((i, name, current[0],
                                                          f"dialog: {d.message}")))
        try:
            await journeys[name](page, url, step)
        except Exception as exc:
            result.errors.append((i, name, current[0],
                                  f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"))
        finally:
            await ctx.close()

    t0 = time.perf_counter()
    async with async_playwright() as pw:
        browser = await launch_chromium(pw)
        try:
            tasks = [asyncio.ensure_future(session(i, browser)) for i in range(sessions)]
            _done, pending = await asyncio.wait(tasks, timeout=total_timeout_s)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)
                result.errors.append((-1, "all", "all", f"{len(pending)} sessions still "
                                      f"running after {total_timeout_s:.0f} s were cancelled"))
        finally:
            await browser.close()
    result.wall_s = time.perf_counter() - t0
    return result


async def _open_map(page: Any, url: str) -> None:
    await page.goto(url, wait_until="domcontentloaded")
    await wait_for_paths(page, minimum=251)
    await wait_idle(page)


async def planner_journey(page: Any, url: str, step: Callable[[str], Any]) -> None:
    """Planner: open the map, change the indicator, click a commune."""
    from mapping.indicators import get

    async with step("open map"):
        await _open_map(page, url)
    async with step("change indicator"):
        label = get("illiteracy_rate_10_plus").label_in("fr")
        await redrawn(page, partial(choose_option, page, _ui_label("indicator"), label))
    async with step("click a commune"):
        await click_commune(page, 100)
        # the commune panel opens with its close button
        await page.get_by_role("button", name=_t("panel.clear")).first.wait_for()
        await wait_idle(page)


async def director_journey(page: Any, url: str, step: Callable[[str], Any]) -> None:
    """Director: pick a province, open the Export page, request a PNG."""
    async with step("open map"):
        await _open_map(page, url)
    async with step("pick province"):
        await redrawn(page, partial(choose_option, page, _ui_label("province"),
                                    RERUN_PROVINCES[0]))
        await page.keyboard.press("Escape")
    async with step("open Export page"):
        await page.get_by_role("link", name=_nav_label("export"), exact=True).click()
        await page.get_by_role("button", name=_t("export.download_png")).first.wait_for()
        await wait_idle(page)
    async with step("request PNG"):
        await _request_png(page)


async def _request_png(page: Any) -> None:
    button = page.get_by_role("button", name=_t("export.download_png")).first
    await button.wait_for()
    async with page.expect_download() as info:
        await button.click()
    download = await info.value
    if await download.failure():
        raise RuntimeError("PNG download failed")
    if not (await download.path()).stat().st_size:
        raise RuntimeError("the PNG is empty")


async def analyst_journey(page: Any, url: str, step: Callable[[str], Any]) -> None:
    """Analyst: filter province and area, open the Communes page, download the CSV."""
    async with step("open map"):
        await _open_map(page, url)
    async with step("filter province and area"):
        before = await map_signature(page)
        await choose_option(page, _ui_label("province"), RERUN_PROVINCES[1])
        await page.keyboard.press("Escape")
        await wait_for_redraw(page, before)
        await wait_idle(page)
        rural = page.locator('[data-testid="stSidebar"] label').filter(
            has_text=_t("area.rural")).first
        await redrawn(page, rural.click)
    async with step("open Communes page"):
        await page.get_by_role("link", name=_nav_label("communes"), exact=True).click()
        await page.get_by_role("button", name=_t("communes.download")).first.wait_for()
        await wait_idle(page)
    async with step("download CSV"):
        async with page.expect_download() as info:
            await page.get_by_role("button", name=_t("communes.download")).first.click()
        download = await info.value
        if await download.failure():
            raise RuntimeError("CSV download failed")
        rows = (await download.path()).read_text(encoding="utf-8-sig").count("\n") - 1
        if rows < 1:
            raise RuntimeError("the CSV has no commune")


#: The three user journeys of the design document.
JOURNEYS: dict[str, Journey] = {
    "planner": planner_journey,
    "director": director_journey,
    "analyst": analyst_journey,
}


def _nav_label(page: str) -> str:
    return _t(f"nav.{page}")


def load_figures(sessions: int = 20, env: dict[str, str] | None = None) -> list[Figure]:
    """Start the app, run *sessions* concurrent journeys, report p50/p95 and errors."""
    import asyncio

    with app_server(env=env) as server:
        warm = asyncio.run(run_sessions(server.url, {"planner": planner_journey}, sessions=1))
        cpu0 = server.cpu_seconds()
        result = asyncio.run(run_sessions(server.url, JOURNEYS, sessions=sessions))
        cpu1 = server.cpu_seconds()
        rss = _rss_figure(server)
    times = result.times()
    server_cpu = None if cpu0 is None or cpu1 is None else cpu1 - cpu0
    errors = warm.errors + result.errors
    return [
        Figure("load.sessions", "load: concurrent browser sessions", sessions, "",
               f"{len(result.steps)} steps in {result.wall_s:.1f} s, after 1 warm-up session"),
        Figure("load.p50_s", "load: interaction time p50", percentile(times, 50), "s"),
        Figure("load.p95_s", "load: interaction time p95", percentile(times, 95), "s"),
        Figure("load.errors", "load: errors", len(errors), "",
               "; ".join(f"{j}/{st}: {m}" for _, j, st, m in errors[:3])),
        Figure("load.server_cpu_s", "load: CPU time of the app process during the run",
               server_cpu, "s", "the rest of the machine's time went to Chromium"),
        Figure("load.peak_rss_mib", "load: peak memory of the app process", rss.value,
               "MiB"),
    ]

