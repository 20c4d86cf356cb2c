"""Benchmark suite: honest speed and size figures to compare releases.

Every measurement is a function returning a list of :class:`Figure`. A
measurement whose code is not available (a module or function that another
part of the project has not provided yet) yields a figure whose value is
``None`` and whose note says ``n/a (not available)``, so the suite always runs
to the end. Figures are reported, never asserted.

Browser measurements start ``streamlit run serve.py`` on a free loopback port
and drive headless Chromium through Playwright (imported lazily: it is a
development dependency).

Examples
--------
>>> from mapping import bench
>>> report = bench.run_all(quick=True, browser=False)   # doctest: +SKIP
>>> print(report.table())                               # doctest: +SKIP
"""

from benchmarks.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MAP_IFRAME,
    MAP_PATHS,
    RERUN_INDICATORS,
    RERUN_PROVINCES,
    browser_figures,
    choose_option,
    click_commune,
    launch_chromium,
    map_frame,
    map_signature,
    wait_for_paths,
    wait_for_redraw,
    wait_idle,
)
from benchmarks.data import (
    ATLAS_INDICATORS,
    bench_atlas,
    bench_loaders,
    bench_siting,
    bench_webmap,
    default_registry,
    webmap_html,
)
from benchmarks.load import (
    JOURNEYS,
    Journey,
    LoadResult,
    analyst_journey,
    director_journey,
    load_figures,
    percentile,
    planner_journey,
    run_sessions,
)
from benchmarks.nearest import (
    DISTANCE_TOLERANCE_M,
    NearestCheck,
    bench_nearest,
    compare_nearest,
    ours_nearest,
    random_points,
    random_schools,
    reference_nearest,
)
from benchmarks.report import (
    NOT_AVAILABLE,
    Figure,
    Report,
    _optional,
    best_of,
    failed,
    machine,
    missing,
    timed,
)
from benchmarks.run import run_all
from benchmarks.server import AppServer, app_server, cpu_seconds, free_port, peak_rss_kib

__all__ = [
    "ATLAS_INDICATORS",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "DISTANCE_TOLERANCE_M",
    "JOURNEYS",
    "MAP_IFRAME",
    "MAP_PATHS",
    "NOT_AVAILABLE",
    "RERUN_INDICATORS",
    "RERUN_PROVINCES",
    "AppServer",
    "Figure",
    "Journey",
    "LoadResult",
    "NearestCheck",
    "Report",
    "_optional",
    "analyst_journey",
    "app_server",
    "bench_atlas",
    "bench_loaders",
    "bench_nearest",
    "bench_siting",
    "bench_webmap",
    "best_of",
    "browser_figures",
    "choose_option",
    "click_commune",
    "compare_nearest",
    "cpu_seconds",
    "default_registry",
    "director_journey",
    "failed",
    "free_port",
    "launch_chromium",
    "load_figures",
    "machine",
    "map_frame",
    "map_signature",
    "missing",
    "ours_nearest",
    "peak_rss_kib",
    "percentile",
    "planner_journey",
    "random_points",
    "random_schools",
    "reference_nearest",
    "run_all",
    "run_sessions",
    "timed",
    "wait_for_paths",
    "wait_for_redraw",
    "wait_idle",
    "webmap_html",
]
