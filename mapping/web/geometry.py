"""Web geometry: the commune coverage simplified once, without slivers, and its provinces."""

from __future__ import annotations

import geopandas as gpd
import shapely

#: Tolerance of the coverage simplification, in degrees (about 100 m).
SIMPLIFY_TOLERANCE = 0.001
#: Coordinate grid of the web geometry, in degrees (about 10 m).
GRID_SIZE = 1e-4


def web_communes(communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Simplify the commune coverage for the web, keeping shared borders shared.

    Uses :func:`shapely.coverage_simplify` (no gaps or slivers appear between
    neighbours), then snaps coordinates to a 1e-4 degree grid to shrink the
    payload.

    Parameters
    ----------
    communes
        Commune polygons in EPSG:4326 (any columns).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy with simplified geometry, same index and columns.
    """
    geoms = shapely.coverage_simplify(communes.geometry.to_numpy(), SIMPLIFY_TOLERANCE)
    geoms = shapely.set_precision(geoms, GRID_SIZE)
    out = communes.copy()
    out = out.set_geometry(gpd.GeoSeries(geoms, index=communes.index, crs=communes.crs))
    return out


def web_provinces(web: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Province outlines dissolved from simplified communes (they match exactly).

    The communes are a coverage (no overlaps: :func:`web_communes`), so the union is
    GEOS's coverage union, about 15 times faster than the general one and the same
    outlines (``tests/test_webmap.py`` compares them).

    Parameters
    ----------
    web
        Output of :func:`web_communes` with ``province_code``, ``province_fr`` and
        ``province_ar``.
    """
    cols = [c for c in ("province_code", "province_fr", "province_ar") if c in web]
    out = web[[*cols, "geometry"]].dissolve(by="province_code", as_index=False,
                                           method="coverage")
    out["geometry"] = shapely.set_precision(out.geometry.to_numpy(), GRID_SIZE)
    return out
