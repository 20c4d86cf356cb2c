"""Exchange benchmark: export, validate and diff a 10,000-school AREF package; the cost of
reading imported HCP layers on every rerun."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from benchmarks.report import Figure, best_of
from mapping.datasets import Region
from mapping.exchange import diff_registries, export_aref, export_hcp, validate_package
from mapping.registry import to_registry
from mapping.registry.frame import canonical

#: Goal of each step, in seconds.
TARGET_S = 5.0
#: Schools in the benchmark package.
N_SCHOOLS = 10_000


def large_registry(registry: gpd.GeoDataFrame, n: int = N_SCHOOLS) -> gpd.GeoDataFrame:
    """*n* schools: copies of the registry's rows under new ids (a size test, not data)."""
    base = canonical(registry)
    copies = [base.assign(school_id=base["school_id"] + f"-{k}")
              for k in range(n // max(len(base), 1) + 1)]
    return to_registry(pd.concat(copies, ignore_index=True).iloc[:n], f"{n} schools")


def _edited(reg: gpd.GeoDataFrame, seed: int = 0) -> pd.DataFrame:
    b = canonical(reg)
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(b), 300, replace=False)
    b.loc[idx[:100], "pupils"] += 5
    b.loc[idx[100:200], "lat"] += 0.01
    return b.drop(index=b.index[idx[200:250]])


def bench_exchange(region: Region, registry: gpd.GeoDataFrame, repeat: int = 2) -> list[Figure]:
    """Time :func:`export_aref`, :func:`validate_package` and :func:`diff_registries`.

    Returns
    -------
    list of Figure
        ``exchange.export_s``, ``exchange.validate_s``, ``exchange.diff_s``.
    """
    big = large_registry(registry)
    note = f"{len(big):,} schools; target <= {TARGET_S:g} s"
    export_s, data = best_of(lambda: export_aref(big, region.communes, period="bench"), repeat)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.zip"
        path.write_bytes(data)
        codes = region.communes["code"].tolist()
        validate_s, receipt = best_of(lambda: validate_package(path, codes), repeat)
    other = _edited(big)
    diff_s, diff = best_of(lambda: diff_registries(big, other), repeat)
    return [*_figures(export_s, validate_s, diff_s, data, receipt.valid, len(diff.changes),
                      note), *bench_layers(region), *bench_snapshot()]


def _figures(export_s: float, validate_s: float, diff_s: float, data: bytes, valid: bool,
             changes: int, note: str) -> list[Figure]:
    return [
        Figure("exchange.export_s", "exchange: export AREF package (CSV + GeoPackage)",
               export_s, "s", f"{note}; {len(data):,} bytes"),
        Figure("exchange.validate_s", "exchange: validate package (frictionless + domain)",
               validate_s, "s", f"{note}; valid={valid}"),
        Figure("exchange.diff_s", "exchange: diff of two deliveries (keyed pandas join)",
               diff_s, "s", f"{note}; {changes} field changes"),
    ]


def _per_call_us(fn: Callable[[], object], n: int = 2000) -> float:
    """Fastest of three batches of *n* calls, in microseconds per call."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - start) / n)
    return best * 1e6


def bench_layers(region: Region) -> list[Figure]:
    """Cost of :func:`mapping.indicators.catalogue` per rerun, without and with an
    imported HCP layer, and of reading the layer again after an import.

    Returns
    -------
    list of Figure
        ``exchange.catalogue_no_layer_us``, ``exchange.catalogue_layer_us`` (folder
        unchanged: the parsed layer is reused) and ``exchange.layer_reload_ms``.
    """
    from mapping.exchange.importer import import_hcp
    from mapping.exchange.layers import current_layer
    from mapping.indicators import catalogue
    from mapping.store.settings import STORE_DIR_ENV

    before = os.environ.get(STORE_DIR_ENV)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ[STORE_DIR_ENV] = tmp
        try:
            empty_us = _per_call_us(catalogue)
            package = Path(tmp) / "hcp.zip"
            package.write_bytes(export_hcp(region))
            _, target = import_hcp(package)
            catalogue()
            cached_us = _per_call_us(catalogue)
            n = len([i for i in catalogue() if i.startswith("hcp_")])

            def reload() -> object:
                os.utime(target)  # as a new import does: the folder's stamp changes
                return current_layer()

            reload_s, _ = best_of(reload, 5)
        finally:
            if before is None:
                os.environ.pop(STORE_DIR_ENV, None)
            else:
                os.environ[STORE_DIR_ENV] = before
    return [
        Figure("exchange.catalogue_no_layer_us", "exchange: catalogue() per rerun, no HCP layer",
               empty_us, "µs", "lists the empty layers folder"),
        Figure("exchange.catalogue_layer_us",
               "exchange: catalogue() per rerun, one HCP layer imported", cached_us, "µs",
               f"{n} HCP indicators; folder unchanged, parsed layer reused"),
        Figure("exchange.layer_reload_ms", "exchange: read the newest HCP layer again",
               reload_s * 1e3, "ms", "after a change of the layers folder (JSON + CSV)"),
    ]


def bench_snapshot(repeat: int = 200) -> list[Figure]:
    """Cost the OGC API adds to each request on a GeoPackage store: the version check,
    and the rewrite of the snapshot after a change.

    Returns
    -------
    list of Figure
        ``exchange.api_check_ms`` and ``exchange.api_snapshot_s``.
    """
    from mapping.exchange.api import Snapshot
    from mapping.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "schools.gpkg")
        snapshot = Snapshot(store, Path(tmp) / "schools.geojson")
        write_s, _ = timed_once(snapshot.refresh)
        check_us = _per_call_us(snapshot.refresh, repeat)
        n = int(store.current_registry()["lon"].notna().sum())
        store.dispose()
    return [
        Figure("exchange.api_check_ms", "exchange: OGC API version check per request (GPKG)",
               check_us / 1e3, "ms", "Store.version() compared with the snapshot's"),
        Figure("exchange.api_snapshot_s", "exchange: rewrite the OGC API snapshot (GPKG)",
               write_s, "s", f"{n:,} located schools, after a change of the store"),
    ]


def timed_once(fn: Callable[[], object]) -> tuple[float, object]:
    """Seconds taken by one call of *fn*, and its result."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result
