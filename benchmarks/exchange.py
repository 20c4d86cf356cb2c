"""Exchange benchmark: export, validate and diff a 10,000-school AREF package."""

from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from benchmarks.report import Figure, best_of
from mapping.datasets import Region
from mapping.exchange import diff_registries, export_aref, validate_package
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
    return b.drop(index=idx[200:250])


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
    return [
        Figure("exchange.export_s", "exchange: export AREF package (CSV + GeoPackage)",
               export_s, "s", f"{note}; {len(data):,} bytes"),
        Figure("exchange.validate_s", "exchange: validate package (frictionless + domain)",
               validate_s, "s", f"{note}; valid={receipt.valid}"),
        Figure("exchange.diff_s", "exchange: diff of two deliveries (keyed pandas join)",
               diff_s, "s", f"{note}; {len(diff.changes)} field changes"),
    ]
