"""Nearest school of any point set, with a k-d tree in EPSG:32629.

:func:`nearest_schools` gives the same nearest school and the same distance as
``geopandas.sjoin_nearest`` (distances computed by shapely in the metric CRS);
where several schools are exactly as near, it keeps the first one in the
schools table's order, where ``sjoin_nearest`` returns them all.
"""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from mapping.errors import MappingError
from mapping.settings import CRS_METRIC

#: Candidates examined per point before falling back to a radius query for ties.
_K: Final = 4
#: Relative slack on k-d tree distances when looking for exact ties.
_SLACK: Final = 1e-9


def _metric_xy(gdf: gpd.GeoDataFrame, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Point coordinates in EPSG:32629 (NaN rows for missing points) and a validity mask.

    Coordinates are transformed with the same pyproj call as ``GeoSeries.to_crs``
    (``always_xy``), without building new geometries.
    """
    if gdf.crs is None:
        raise MappingError(f"{what} have no coordinate reference system; set one (EPSG:4326)")
    arr = np.asarray(gdf.geometry.array, dtype=object)
    valid = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    xy = np.full((len(arr), 2), np.nan)
    if valid.any():
        kinds = shapely.get_type_id(arr[valid])
        if (kinds != 0).any():
            raise MappingError(f"{what} must be points; found another geometry type")
        coords = shapely.get_coordinates(arr[valid])
        if not CRS.from_user_input(gdf.crs).equals(CRS_METRIC):
            transformer = Transformer.from_crs(gdf.crs, CRS_METRIC, always_xy=True)
            x, y = transformer.transform(coords[:, 0], coords[:, 1])
            coords = np.column_stack([x, y])
        xy[valid] = coords
    return xy, valid


def _point_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distance between point coordinates, bit-identical to GEOS (sqrt(dx²+dy²))."""
    dx = a[..., 0] - b[..., 0]
    dy = a[..., 1] - b[..., 1]
    return np.asarray(np.sqrt(dx * dx + dy * dy))


def nearest_schools(points: gpd.GeoDataFrame, schools: gpd.GeoDataFrame) -> pd.DataFrame:
    """For each point, the nearest school and the distance to it in metres.

    Parameters
    ----------
    points
        Point geometries in any CRS (missing or empty geometries allowed).
    schools
        School point geometries in any CRS, with a ``school_id`` column when
        available; missing or empty geometries are ignored.

    Returns
    -------
    pandas.DataFrame
        Indexed like *points*: ``school_index`` (index label of the nearest
        school in *schools*), ``school_id`` and ``distance_m`` (float, metres,
        EPSG:32629). NaN/None for points without geometry or when no school
        has a location. Ties go to the school that comes first in *schools*.

    Examples
    --------
    >>> near = nearest_schools(douars, registry[registry["cycle"] == "primary"])
    >>> near["distance_m"].median()  # doctest: +SKIP
    """
    n = len(points)
    out_pos = np.full(n, -1, dtype=np.int64)
    out_dist = np.full(n, np.nan)
    pxy, pvalid = _metric_xy(points, "points")
    sxy, svalid = _metric_xy(schools, "schools")
    school_pos = np.flatnonzero(svalid)
    if pvalid.any() and len(school_pos):
        from scipy.spatial import cKDTree  # 0.3 s to import: not at the app's start

        tree = cKDTree(sxy[school_pos])
        qi = np.flatnonzero(pvalid)
        qxy = pxy[qi]
        k = min(_K, len(school_pos))
        tdist, tidx = tree.query(qxy, k=k)
        if k == 1:
            tdist, tidx = tdist[:, None], tidx[:, None]
        pos = school_pos[tidx[:, 0]]
        best = _point_distance(qxy, sxy[pos])
        # near-ties (k-d tree and GEOS may differ in the last bit): decide on exact distances
        if k > 1:
            tied = np.flatnonzero(tdist[:, 1] <= tdist[:, 0] * (1 + _SLACK) + _SLACK)
            if len(tied):
                cand = school_pos[tidx[tied]]
                exact = _point_distance(qxy[tied][:, None, :], sxy[cand])
                emin = exact.min(axis=1)
                pos[tied] = np.where(exact == emin[:, None], cand,
                                     np.iinfo(np.int64).max).min(axis=1)
                best[tied] = emin
                # all k candidates tied: more schools may tie beyond the k-th
                if k < len(school_pos):
                    crowded = tied[tdist[tied, -1] <= tdist[tied, 0] * (1 + _SLACK) + _SLACK]
                    for j in crowded:
                        r = tdist[j, 0] * (1 + _SLACK) + _SLACK
                        ring = np.asarray(tree.query_ball_point(qxy[j], r=r), dtype=np.int64)
                        c = school_pos[ring]
                        d = _point_distance(qxy[j][None, :], sxy[c])
                        pos[j] = int(c[d == d.min()].min())
                        best[j] = float(d.min())
        out_pos[qi] = pos
        out_dist[qi] = best
    found = out_pos >= 0
    labels = np.full(n, None, dtype=object)
    ids = np.full(n, None, dtype=object)
    if found.any():
        labels[found] = schools.index.to_numpy()[out_pos[found]]
        if "school_id" in schools:
            ids[found] = schools["school_id"].to_numpy()[out_pos[found]]
    return pd.DataFrame(
        {"school_index": labels, "school_id": ids, "distance_m": out_dist}, index=points.index
    )


def metric_coordinates(gdf: gpd.GeoDataFrame, what: str = "points") -> np.ndarray:
    """Point coordinates in EPSG:32629, one row per row of *gdf* (NaN where no point).

    The same transformation as :func:`nearest_schools`, so distances computed
    from them (:func:`point_distances`) are bit-identical to its own.
    """
    xy, _valid = _metric_xy(gdf, what)
    return xy


def point_distances(points_xy: np.ndarray, targets_xy: np.ndarray) -> np.ndarray:
    """Distances in metres from each point to each target (shape: points × targets).

    Both in EPSG:32629 (:func:`metric_coordinates`); computed as
    :func:`nearest_schools` does (sqrt(dx² + dy²), as GEOS), NaN for missing points.
    """
    a = np.asarray(points_xy, dtype=float).reshape(-1, 2)
    b = np.asarray(targets_xy, dtype=float).reshape(-1, 2)
    return _point_distance(a[:, None, :], b[None, :, :])


def nearer_targets(
    points_xy: np.ndarray, current_m: np.ndarray, targets_xy: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which points have a target strictly nearer than their current nearest school.

    This is the test of a new school's reach: a point whose current distance is
    not greater than its distance to every new school keeps its nearest school
    (ties go to the school already in the table, as in :func:`nearest_schools`).

    Parameters
    ----------
    points_xy
        Point coordinates (EPSG:32629), n × 2.
    current_m
        Current distance of each point to its nearest school, metres (NaN: none).
    targets_xy
        New schools (EPSG:32629), m × 2, in table order.

    Returns
    -------
    tuple of numpy.ndarray
        ``affected`` (bool, n): a new school is nearer; ``target`` (int, n):
        position of the nearest new school (first one on ties; -1 when none);
        ``distance_m`` (float, n): distance to it.
    """
    n = len(points_xy)
    if len(targets_xy) == 0 or n == 0:
        return np.zeros(n, dtype=bool), np.full(n, -1), np.full(n, np.nan)
    d = point_distances(points_xy, targets_xy)
    valid = ~np.isnan(d).all(axis=1)
    target = np.full(n, -1)
    best = np.full(n, np.nan)
    if valid.any():
        target[valid] = np.nanargmin(d[valid], axis=1)
        best[valid] = d[np.flatnonzero(valid), target[valid]]
    current = np.asarray(current_m, dtype=float)
    affected = valid & (np.isnan(current) | (best < np.where(np.isnan(current), np.inf, current)))
    return affected, target, best
