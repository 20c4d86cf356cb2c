"""Nearest-school benchmark: random points and schools, reference search, agreement check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

import benchmarks as bench  # `bench._optional` is looked up in the package: tests replace it there
from benchmarks.report import Figure, best_of, missing
from mapping.schema import REGISTRY_COLUMNS
from mapping.settings import CRS_METRIC, CRS_STORAGE

#: Tolerance of the nearest-school agreement check, in metres.
DISTANCE_TOLERANCE_M = 1e-6


def random_points(communes: gpd.GeoDataFrame, n: int, seed: int = 0) -> gpd.GeoDataFrame:
    """Draw *n* points uniformly (by area) inside the union of the commune polygons.

    Rejection sampling in the metric CRS, deterministic for a given *seed*.

    Parameters
    ----------
    communes
        Commune polygons (any CRS).
    n
        Number of points.
    seed
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    geopandas.GeoDataFrame
        *n* points in EPSG:4326, index ``0..n-1``.
    """
    rng = np.random.default_rng(seed)
    area = shapely.union_all(communes.to_crs(CRS_METRIC).geometry.to_numpy())
    shapely.prepare(area)
    xmin, ymin, xmax, ymax = area.bounds
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    got = 0
    while got < n:
        m = max(2 * (n - got), 1000)
        x = rng.uniform(xmin, xmax, m)
        y = rng.uniform(ymin, ymax, m)
        keep = shapely.contains_xy(area, x, y)
        xs.append(x[keep])
        ys.append(y[keep])
        got += int(keep.sum())
    x = np.concatenate(xs)[:n]
    y = np.concatenate(ys)[:n]
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=CRS_METRIC)
    return pts.to_crs(CRS_STORAGE)


def random_schools(communes: gpd.GeoDataFrame, n: int, seed: int = 1) -> gpd.GeoDataFrame:
    """A fictitious registry of *n* schools at random points of the region.

    The rows have every canonical registry column and are flagged
    ``fictitious`` (benchmark data, never shown to users).
    """
    pts = random_points(communes, n, seed)
    lon = pts.geometry.x.to_numpy()
    lat = pts.geometry.y.to_numpy()
    data: dict[str, Any] = dict.fromkeys(REGISTRY_COLUMNS)
    data.update({
        "school_id": [f"BENCH-{i:06d}" for i in range(n)],
        "name_fr": [f"Benchmark school {i}" for i in range(n)],
        "name_ar": [f"مدرسة اختبار {i}" for i in range(n)],
        "cycle": "primary",
        "sector": "public",
        "kind": "benchmark",
        "lon": lon,
        "lat": lat,
        "source": "benchmark (fictitious)",
        "location_quality": "fictitious",
        "capacity_quality": "fictitious",
    })
    df = pd.DataFrame(data, index=pd.RangeIndex(n))
    reg = gpd.GeoDataFrame(df, geometry=pts.geometry.to_numpy(), crs=CRS_STORAGE)
    reg.attrs["name"] = "benchmark"
    reg.attrs["key"] = f"benchmark-{n}-{seed}"
    return reg


def reference_nearest(points: gpd.GeoDataFrame, schools: gpd.GeoDataFrame) -> pd.DataFrame:
    """Nearest school of every point with :func:`geopandas.sjoin_nearest`.

    Parameters
    ----------
    points, schools
        Point GeoDataFrames in any CRS; distances are computed in EPSG:32629.

    Returns
    -------
    pandas.DataFrame
        Indexed like *points*: ``school_index`` (index label in *schools*) and
        ``distance_m``. Where several schools tie, the first one is kept.
    """
    p = points[[points.geometry.name]].to_crs(CRS_METRIC)
    s = schools[[schools.geometry.name]].to_crs(CRS_METRIC)
    joined = gpd.sjoin_nearest(p, s, how="left", distance_col="distance_m")
    joined = joined[~joined.index.duplicated(keep="first")]
    out = pd.DataFrame({"school_index": joined["index_right"].to_numpy(),
                        "distance_m": joined["distance_m"].to_numpy()}, index=joined.index)
    return out.reindex(points.index)


@dataclass
class NearestCheck:
    """Agreement of two nearest-school results on the same data.

    Attributes
    ----------
    points
        Number of points compared.
    same_school
        Points given the same school index by both.
    ties
        Points given different schools at equal distance (within tolerance).
    mismatches
        Points whose results differ otherwise (must be 0).
    max_distance_diff_m
        Largest absolute difference between the two reported distances.
    """

    points: int
    same_school: int
    ties: int
    mismatches: int
    max_distance_diff_m: float

    @property
    def identical(self) -> bool:
        """True when every point agrees (up to ties) within the tolerance."""
        return self.mismatches == 0 and self.max_distance_diff_m <= DISTANCE_TOLERANCE_M


def _xy(gdf: gpd.GeoDataFrame) -> np.ndarray:
    geom = gdf.geometry.to_crs(CRS_METRIC)
    return np.column_stack([geom.x.to_numpy(), geom.y.to_numpy()])


def compare_nearest(
    points: gpd.GeoDataFrame,
    schools: gpd.GeoDataFrame,
    ours: pd.DataFrame,
    reference: pd.DataFrame,
    tolerance_m: float = DISTANCE_TOLERANCE_M,
) -> NearestCheck:
    """Compare two nearest-school results point by point.

    Parameters
    ----------
    points, schools
        The data both results were computed on.
    ours, reference
        Indexed like *points*, with ``school_index`` (label in *schools*) and
        ``distance_m``.
    tolerance_m
        Two distances closer than this are equal.

    Returns
    -------
    NearestCheck
        A different school counts as a tie when the true distance from the
        point to our school equals the reference distance within tolerance.
    """
    ours = ours.reindex(points.index)
    reference = reference.reindex(points.index)
    pxy = _xy(points)
    sxy = _xy(schools)
    pos = pd.Series(np.arange(len(schools)), index=schools.index)
    ours_idx = ours["school_index"].to_numpy()
    ref_idx = reference["school_index"].to_numpy()
    valid = pd.notna(ours_idx)
    ours_pos = np.full(len(points), -1)
    ours_pos[valid] = pos.reindex(ours_idx[valid]).fillna(-1).to_numpy(dtype=int)
    same = np.asarray(ours_idx == ref_idx, dtype=bool)
    d_ours = ours["distance_m"].to_numpy(dtype=float)
    d_ref = reference["distance_m"].to_numpy(dtype=float)
    diff = np.abs(d_ours - d_ref)
    true_d = np.full(len(points), np.inf)
    ok = ours_pos >= 0
    true_d[ok] = np.hypot(*(pxy[ok] - sxy[ours_pos[ok]]).T)
    tie = ~same & (np.abs(true_d - d_ref) <= tolerance_m)
    bad = (~same & ~tie) | ~(diff <= tolerance_m)
    max_diff = float(np.nanmax(diff)) if len(diff) else 0.0
    return NearestCheck(len(points), int(same.sum()), int(tie.sum()), int(bad.sum()), max_diff)


def ours_nearest(points: gpd.GeoDataFrame, schools: gpd.GeoDataFrame) -> pd.DataFrame | None:
    """Nearest school with :func:`mapping.access.nearest.nearest_schools`, normalised.

    Returns ``None`` when that function is not available. The result is indexed
    like *points*, with ``school_index`` and ``distance_m``.
    """
    fn = bench._optional("mapping.access.nearest", "nearest_schools")
    if fn is None:
        return None
    res = fn(points, schools)
    cols = {c: c for c in res.columns}
    idx_col = next((c for c in ("school_index", "index_right", "school_idx") if c in cols), None)
    if idx_col is None:
        raise ValueError(f"nearest_schools returned columns {list(res.columns)}: "
                         "expected a school index column")
    out = pd.DataFrame({"school_index": res[idx_col].to_numpy(),
                        "distance_m": res["distance_m"].to_numpy(dtype=float)},
                       index=res.index)
    return out


def bench_nearest(
    communes: gpd.GeoDataFrame, n_points: int = 100_000, n_schools: int = 10_000, seed: int = 0,
    repeat: int = 3,
) -> tuple[list[Figure], NearestCheck | None]:
    """Time our nearest-school search against :func:`geopandas.sjoin_nearest`.

    Points and schools are drawn uniformly inside the commune polygons with
    seeds *seed* and *seed* + 1. Both functions run once on a small sample
    first (imports, projection set-up), then *repeat* times on the full data;
    the fastest run of each is reported. Reprojection to EPSG:32629 is
    included in both times.

    Returns
    -------
    figures, check
        The figures and the agreement check (``None`` when our function is
        not available).
    """
    label = f"{n_points:,} points x {n_schools:,} schools"
    points = random_points(communes, n_points, seed)
    schools = random_schools(communes, n_schools, seed + 1)
    reference_nearest(points.iloc[:100], schools.iloc[:100])
    ref_s, ref = best_of(lambda: reference_nearest(points, schools), repeat)
    note = f"fastest of {repeat}" if repeat > 1 else "one run"
    figures = [Figure("nearest.sjoin_s", f"nearest school, geopandas.sjoin_nearest ({label})",
                      ref_s, "s", f"reference, {note}")]
    if bench._optional("mapping.access.nearest", "nearest_schools") is None:
        figures.append(missing("nearest.ours_s",
                               f"nearest school, mapping.access.nearest ({label})", "s"))
        return figures, None
    ours_nearest(points.iloc[:100], schools.iloc[:100])
    ours_s, ours = best_of(lambda: ours_nearest(points, schools), repeat)
    check = compare_nearest(points, schools, ours, ref)
    figures += [
        Figure("nearest.ours_s", f"nearest school, mapping.access.nearest ({label})", ours_s, "s",
               note),
        Figure("nearest.ratio", "nearest school, sjoin_nearest time / ours", ref_s / ours_s
               if ours_s > 0 else None, "x", "> 1 means ours is faster"),
        Figure("nearest.identical", "nearest school, results identical to sjoin_nearest",
               "yes" if check.identical else "NO", "",
               f"{check.same_school:,} same, {check.ties:,} ties, {check.mismatches:,} "
               f"mismatches, max |d| diff {check.max_distance_diff_m:.2e} m"),
    ]
    return figures, check

