"""Planning benchmark: project all 251 communes × 2 horizons × every variant, and their needs."""

from __future__ import annotations

import geopandas as gpd

from benchmarks.report import Figure, best_of
from mapping.datasets import Region
from mapping.planning import HORIZONS, VARIANTS, default_options, needs, project

#: Target of the whole projection and needs computation, in seconds.
TARGET_S = 1.0


def bench_planning(region: Region, registry: gpd.GeoDataFrame | None,
                   repeat: int = 3) -> list[Figure]:
    """Time :func:`mapping.planning.project` then :func:`mapping.planning.needs`.

    Returns
    -------
    list of Figure
        ``planning.s``: the fastest of *repeat* runs of projection plus needs.
    """
    options = default_options(region)

    def run() -> int:
        return len(needs(project(region), registry, options))

    secs, rows = best_of(run, repeat)
    n = len(region.communes)
    label = (f"planning projection + needs, {n} communes x {len(HORIZONS)} horizons x "
             f"{len(VARIANTS)} variants")
    return [Figure("planning.s", label, secs, "s",
                   f"{rows:,} commune x cycle x year x variant rows; target <= {TARGET_S:g} s")]
