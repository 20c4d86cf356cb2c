"""Siting suggestions: where K new schools would bring the most children within reach.

A maximal covering location problem (MCLP), written as a mixed-integer linear
programme on a sparse matrix and solved by HiGHS (:func:`scipy.optimize.milp`):
demand points are the douars with (approximate)
coordinates, weighted by their under-15 population (estimated from the
commune's share where HCP withholds the age shares); existing schools are
kept, so demand already within the threshold of an existing school of the
cycle is left out. Candidate sites are the uncovered douars or a regular grid
in EPSG:32629. Distances are straight lines.
"""

from __future__ import annotations

import time
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from mapping.access.computed import computed_distances, douar_points
from mapping.access.official import DEFAULT_OPTIONS, check_cycle, check_threshold
from mapping.datasets import Region
from mapping.errors import MappingError
from mapping.settings import CRS_METRIC, CRS_STORAGE

CANDIDATE_KINDS: Final = ("douars", "grid")
#: Upper bound on the number of new sites asked for.
MAX_SITES: Final = 20
#: Upper bound on demand × candidate pairs handed to the solver.
MAX_PAIRS: Final = 4_000_000


class SitingError(MappingError):
    """A siting request cannot be solved as asked."""


def solve_mclp(cover: np.ndarray, weights: np.ndarray, k: int) -> list[int]:
    """Solve the MCLP on a boolean demand × candidate coverage matrix.

    Maximise the weight of the demand points covered by *k* candidates: binary
    ``x_j`` (candidate chosen), ``y_i`` in [0, 1] (point covered), ``y_i <=
    sum_j cover[i, j] x_j`` and ``sum_j x_j = k``. The ``y_i`` need not be declared
    integer: with integer ``x`` the optimum sets each to 0 or 1. Built as sparse
    matrices and solved by HiGHS (:func:`scipy.optimize.milp`), exactly.

    Parameters
    ----------
    cover
        ``cover[i, j]`` is True when candidate *j* covers demand point *i*.
    weights
        Demand of each point.
    k
        Number of candidates to choose, at most the number of candidates.

    Returns
    -------
    list of int
        Column positions of the chosen candidates (ascending).

    Raises
    ------
    SitingError
        If the solver does not reach the optimum (its message says why).
    """
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    m, n = cover.shape
    if k <= 0 or n == 0:
        return []
    a = sparse.csr_array(cover, dtype=float)
    objective = np.concatenate([np.zeros(n), -np.asarray(weights, dtype=float)])
    covered = LinearConstraint(sparse.hstack([-a, sparse.identity(m)]), -np.inf, 0.0)
    count = LinearConstraint(np.concatenate([np.ones(n), np.zeros(m)])[None, :], k, k)
    res = milp(objective, constraints=[covered, count], bounds=Bounds(0.0, 1.0),
               integrality=np.concatenate([np.ones(n), np.zeros(m)]))
    if res.status != 0 or res.x is None:
        raise SitingError(f"the siting solver stopped without an optimum: {res.message}"
                          ).keyed("access.err.siting_no_optimum", message=str(res.message))
    return [int(j) for j in np.flatnonzero(res.x[:n] > 0.5)]


def reduce_problem(cover: np.ndarray, weights: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shrink a covering problem without changing its optimum.

    Demand points with the same candidate set are merged (weights summed);
    candidates covering a subset of another candidate's demand are dropped
    (ties keep the first). Returns the reduced matrix, weights and the kept
    candidate positions.
    """
    rows, inverse = np.unique(cover, axis=0, return_inverse=True)
    w = np.bincount(inverse.ravel(), weights=weights, minlength=len(rows))
    keep_rows = rows.any(axis=1)
    rows, w = rows[keep_rows], w[keep_rows]
    c = rows.astype(np.int32)
    size = c.sum(axis=0)
    inter = c.T @ c  # inter[j, l] = demand covered by both j and l
    n = c.shape[1]
    order = np.arange(n)
    contained = inter == size[:, None]  # j's demand inside l's
    bigger = (size[None, :] > size[:, None]) | (
        (size[None, :] == size[:, None]) & (order[None, :] < order[:, None]))
    np.fill_diagonal(contained, False)
    dominated = (contained & bigger).any(axis=1) | (size == 0)
    kept = np.flatnonzero(~dominated)
    return rows[:, kept], w, kept


def rank_sites(
    cover: np.ndarray, weights: np.ndarray, chosen: list[int]
) -> list[tuple[int, float]]:
    """Order *chosen* candidates greedily by the demand each newly covers.

    Each demand point is credited to the first site (in rank order) covering it,
    so the per-site figures add up to the total covered.
    """
    left = list(chosen)
    covered = np.zeros(cover.shape[0], dtype=bool)
    out: list[tuple[int, float]] = []
    while left:
        gains = [float(weights[cover[:, j] & ~covered].sum()) for j in left]
        best = int(np.argmax(gains))
        j = left.pop(best)
        out.append((j, gains[best]))
        covered |= cover[:, j]
    return out


def _grid(points_xy: np.ndarray, spacing_m: float) -> np.ndarray:
    x0, y0 = points_xy.min(axis=0) - spacing_m / 2
    x1, y1 = points_xy.max(axis=0) + spacing_m / 2
    xs = np.arange(x0, x1 + spacing_m, spacing_m)
    ys = np.arange(y0, y1 + spacing_m, spacing_m)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def suggest_sites(
    region: Region,
    registry: gpd.GeoDataFrame | None,
    cycle: str,
    k: int,
    *,
    province: str | None = None,
    threshold_km: float | None = None,
    candidates: str = "douars",
    grid_km: float = 2.0,
) -> pd.DataFrame:
    """Suggest *k* new school sites maximising the under-15 population newly within reach.

    Parameters
    ----------
    region
        The loaded region.
    registry
        Existing schools (kept); ``None`` or empty means no school yet.
    cycle
        ``primary``, ``lower_secondary`` or ``upper_secondary``.
    k
        Number of sites, 1..:data:`MAX_SITES`.
    province
        Province code (``"07.041"``) to restrict demand and candidates; whole region if None.
    threshold_km
        Coverage radius (straight line); defaults to the cycle's threshold.
    candidates
        ``"douars"`` (uncovered douars with coordinates) or ``"grid"`` (a regular
        grid of *grid_km* spacing over the demand, in EPSG:32629, kept only near demand).
    grid_km
        Grid spacing for ``candidates="grid"``.

    Returns
    -------
    pandas.DataFrame
        One row per site, ranked: ``rank``, ``lon``, ``lat``, ``commune_code``,
        ``douar_code`` and ``name_ar`` (douar candidates), ``under15_covered``
        (newly within the threshold, credited to the first-ranked site covering
        it), ``population_covered``, ``douars_covered``, ``under15_estimated_share``
        (share of the covered under-15s that is estimated). ``attrs`` holds
        ``seconds``, ``demand_douars``, ``candidates``, ``under15_uncovered``.

    Raises
    ------
    SitingError
        For a bad *k*, *candidates* or *province*, or a problem too large.
    """
    started = time.perf_counter()
    check_cycle(cycle)
    threshold = check_threshold(
        DEFAULT_OPTIONS.threshold(cycle) if threshold_km is None else threshold_km
    )
    if not isinstance(k, (int, np.integer)) or not 1 <= k <= MAX_SITES:
        raise SitingError(f"number of sites must be between 1 and {MAX_SITES}, got {k!r}")
    if candidates not in CANDIDATE_KINDS:
        raise SitingError(f"unknown candidate kind {candidates!r}: choose douars or grid")
    dist = computed_distances(region, registry, cycle)
    if province is not None:
        provinces = set(region.provinces["province_code"])
        if province not in provinces:
            raise SitingError(f"unknown province code {province!r}: choose one of "
                              f"{', '.join(sorted(provinces))}")
        prov = region.communes.set_index("code")["province_code"]
        dist = dist[dist["commune_code"].map(prov) == province]
    uncovered = dist[~(dist["computed_km"] <= threshold)]
    pts = douar_points(region).loc[uncovered.index].to_crs(CRS_METRIC)
    dxy = np.column_stack([pts.geometry.x, pts.geometry.y])
    weights = uncovered["under15"].to_numpy(float)
    pos = weights > 0
    uncovered, dxy, weights = uncovered[pos], dxy[pos], weights[pos]
    empty = pd.DataFrame(columns=["rank", "lon", "lat", "commune_code", "douar_code", "name_ar",
                                  "under15_covered", "population_covered", "douars_covered",
                                  "under15_estimated_share"])
    if len(uncovered) == 0:
        empty.attrs.update(seconds=time.perf_counter() - started, demand_douars=0,
                           candidates=0, under15_uncovered=0.0)
        return empty
    from scipy.spatial import cKDTree  # 0.3 s to import: not at the app's start

    radius = threshold * 1000.0
    if candidates == "douars":
        cxy = dxy
    else:
        cxy = _grid(dxy, grid_km * 1000.0)
        near, _ = cKDTree(dxy).query(cxy, k=1, distance_upper_bound=radius)
        cxy = cxy[np.isfinite(near)]
    if len(dxy) * len(cxy) > MAX_PAIRS:
        raise SitingError(
            f"{len(dxy):,} demand points × {len(cxy):,} candidates is too large; choose a "
            "province or a coarser grid"
        ).keyed("access.err.siting_too_large", points=len(dxy), candidates=len(cxy))
    tree = cKDTree(cxy)
    pairs = tree.query_ball_point(dxy, r=radius)
    cover = np.zeros((len(dxy), len(cxy)), dtype=bool)
    for i, js in enumerate(pairs):
        cover[i, js] = True
    small, small_w, kept = reduce_problem(cover, weights)
    k_eff = int(min(k, len(kept)))
    chosen = [int(kept[j]) for j in solve_mclp(small, small_w, k_eff)] if k_eff else []
    ranked = rank_sites(cover, weights, chosen)
    sites = gpd.GeoSeries(gpd.points_from_xy(cxy[:, 0], cxy[:, 1]), crs=CRS_METRIC)
    lonlat = sites.to_crs(CRS_STORAGE)
    est = uncovered["under15_estimated"].to_numpy(bool)
    pop = uncovered["population"].to_numpy(float)
    covered = np.zeros(len(dxy), dtype=bool)
    rows = []
    for rank, (j, gain) in enumerate(ranked, start=1):
        new = cover[:, j] & ~covered
        covered |= cover[:, j]
        row: dict[str, object] = {
            "rank": rank,
            "lon": float(lonlat.iloc[j].x),
            "lat": float(lonlat.iloc[j].y),
            "commune_code": None,
            "douar_code": None,
            "name_ar": None,
            "under15_covered": gain,
            "population_covered": float(pop[new].sum()),
            "douars_covered": int(new.sum()),
            "under15_estimated_share": float(weights[new & est].sum() / gain) if gain else 0.0,
        }
        if candidates == "douars":
            label = uncovered.index[j]
            row["commune_code"] = uncovered.at[label, "commune_code"]
            row["douar_code"] = uncovered.at[label, "code"]
            row["name_ar"] = region.douars.at[label, "name_ar"]
        rows.append(row)
    out = pd.DataFrame(rows, columns=empty.columns)
    if candidates == "grid" and len(out):
        pts4326 = gpd.GeoDataFrame(geometry=gpd.points_from_xy(out["lon"], out["lat"]),
                                   crs=CRS_STORAGE)
        hit = gpd.sjoin(pts4326, region.communes[["code", "geometry"]], how="left",
                        predicate="within")
        out["commune_code"] = hit.groupby(level=0)["code"].first().reindex(out.index).to_numpy()
    out.attrs.update(seconds=time.perf_counter() - started, demand_douars=len(dxy),
                     candidates=len(cxy), under15_uncovered=float(weights.sum()))
    return out
