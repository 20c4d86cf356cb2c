"""School database benchmark: import + publish of 10,000 schools, reads, as-of, per backend.

The 10,000-school delivery repeats the rows of the embedded default registry
under new identifiers (a size test, not real schools). PostGIS runs on a
throwaway local cluster (:func:`benchmarks.deploy.postgis_cluster`) when
PostgreSQL 15 and PostGIS are installed.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd

from benchmarks.deploy import postgis_cluster, postgres_available
from benchmarks.report import Figure, best_of, missing, timed
from mapping.exports import to_csv
from mapping.roles import SYSTEM
from mapping.store import open_store

#: Schools in the benchmark delivery.
N_SCHOOLS = 10_000


def delivery_table(registry: pd.DataFrame, n: int = N_SCHOOLS) -> pd.DataFrame:
    """*n* rows cycling through *registry*, each under a new ``school_id``."""
    reps = -(-n // max(len(registry), 1))
    table = pd.concat([pd.DataFrame(registry)] * reps, ignore_index=True).iloc[:n].copy()
    table["school_id"] = [f"BENCH-{i:05d}" for i in range(n)]
    return table.drop(columns=["geometry"], errors="ignore")


@contextlib.contextmanager
def _database(backend: str) -> Iterator[str]:
    if backend == "geopackage":
        with tempfile.TemporaryDirectory(prefix="carte-store-bench-") as tmp:
            yield str(Path(tmp) / "bench.gpkg")
    else:
        with postgis_cluster(database="store_bench") as url:
            yield url


def _backend_figures(backend: str, data: bytes, n: int) -> list[Figure]:
    with _database(backend) as target:
        store = open_store(target, seed=False)
        _ = store.region  # loaded once per app process, not per import
        secs, outcome = timed(lambda: store.import_file(SYSTEM, data, "bench.csv", mode="full",
                                                        publish=True))
        assert outcome.published and len(outcome.imported.schools) == n
        read_s, current = best_of(store.current_registry)
        changes = store.change_count()
        as_of_s, past = best_of(lambda: store.current_registry(as_of="2999-12-31"))
        assert len(current) == len(past) == n
        version_s, _ = best_of(store.version, repeat=20)
        updated = outcome.imported.schools.copy()
        updated["pupils"] = updated["pupils"].fillna(0) + 1
        update_s, _ = timed(lambda: store.create_delivery(SYSTEM, updated, mode="full",
                                                          publish=True))
        store.dispose()
    key = f"store.{backend}"
    return [
        Figure(f"{key}.import_publish_s", f"import + publish {n:,} schools ({backend})", secs,
               "s", "read_registry validation of a CSV + draft delivery + publish, one "
                    "transaction (region loaded beforehand, as in a running app); goal ≤ 5 s"),
        Figure(f"{key}.read_s", f"read the current registry, {n:,} schools ({backend})",
               read_s, "s", "best of 3; goal ≤ 0.2 s"),
        Figure(f"{key}.as_of_s", f"registry as of a date, {changes:,} changes ({backend})",
               as_of_s, "s", "best of 3; goal ≤ 0.5 s"),
        Figure(f"{key}.version_ms", f"store version check, newest change id ({backend})",
               version_s * 1000, "ms", "best of 20; asked on every rerun by the pages"),
        Figure(f"{key}.update_publish_s", f"publish {n:,} changed schools ({backend})",
               update_s, "s", "an already validated full delivery changing one field of "
                              "every school: 10,000 updates + change-log rows"),
    ]


def bench_store(registry: gpd.GeoDataFrame, quick: bool = False) -> list[Figure]:
    """Figures of the school database on the GeoPackage and on PostGIS.

    Parameters
    ----------
    registry
        The default registry (its rows are repeated up to the delivery size).
    quick
        Use 2,000 schools instead of 10,000.
    """
    n = 2_000 if quick else N_SCHOOLS
    data = to_csv(delivery_table(registry, n))
    figures = _backend_figures("geopackage", data, n)
    why = postgres_available()
    if why:
        figures.append(missing("store.postgis.import_publish_s",
                               f"import + publish {n:,} schools (postgis)", "s", why))
    else:
        figures.extend(_backend_figures("postgis", data, n))
    return figures
