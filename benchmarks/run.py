"""Run every benchmark in turn and collect the figures in one report."""

from __future__ import annotations

from collections.abc import Callable

import benchmarks as bench  # the steps are looked up in the package: tests replace them there
from benchmarks.data import ATLAS_INDICATORS
from benchmarks.deploy import bench_deploy
from benchmarks.exchange import bench_exchange
from benchmarks.hostile import bench_hostile
from benchmarks.planning import bench_planning
from benchmarks.report import Figure, Report, failed
from benchmarks.store import bench_store


def run_all(
    quick: bool = False, browser: bool = True, load: bool = False, seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Run every benchmark and return the report.

    Parameters
    ----------
    quick
        Reduced sizes for a smoke check (10,000 x 1,000 nearest, 2 atlas
        provinces x 2 indicators, 1 rerun, 4 load sessions).
    browser
        Run the browser measurements (cold start, reruns, peak memory).
    load
        Also run the concurrent-session load benchmark.
    seed
        Seed of the random points and schools.
    progress
        Called with the name of each step before it runs.
    """
    import asyncio

    say = progress or (lambda _msg: None)
    report = Report(quick=quick)

    def guarded(step: str, key: str, fn: Callable[[], list[Figure]]) -> None:
        say(step)
        try:
            report.add(fn())
        except Exception as exc:
            report.add([failed(key, step, "", exc)])

    say("loaders")
    figures, region, registry = bench.bench_loaders()
    report.add(figures)
    guarded("web map", "webmap.bytes", lambda: bench.bench_webmap(region, registry))
    n_points, n_schools = (10_000, 1_000) if quick else (100_000, 10_000)
    guarded("nearest school", "nearest.ours_s",
            lambda: bench.bench_nearest(region.communes, n_points, n_schools, seed,
                                        repeat=1 if quick else 3)[0])
    guarded("siting", "siting.s", lambda: bench.bench_siting(region, registry))
    guarded("hostile files", "hostile.worst_s", lambda: bench_hostile(quick=quick))
    guarded("planning", "planning.s", lambda: bench_planning(region, registry))
    guarded("store", "store.geopackage.import_publish_s", lambda: bench_store(registry, quick))
    guarded("exchange", "exchange.export_s", lambda: bench_exchange(region, registry))
    provinces = sorted(region.communes["province_code"].unique())
    if quick:
        guarded("atlas", "atlas.s",
                lambda: bench.bench_atlas(region, registry, provinces[:2], ATLAS_INDICATORS[:2]))
    else:
        guarded("atlas", "atlas.s",
                lambda: bench.bench_atlas(region, registry, provinces, ATLAS_INDICATORS))
    if browser:
        guarded("browser", "browser.cold_start_s",
                lambda: asyncio.run(bench.browser_figures(quick=quick)))
        guarded("deploy", "deploy.2proc.errors", lambda: bench_deploy(4 if quick else 20))
    if load:
        guarded("load", "load.errors", lambda: bench.load_figures(sessions=4 if quick else 20))
    return report
