"""Attach schools to HCP communes: by point, by code, or by name.

Points are joined by point-in-polygon in EPSG:32629. A point on a shared
border (or in several polygons) goes to the smallest commune code, so the
result never depends on row order; a point in a gap between polygons goes to
the nearest commune within :data:`SNAP_METRES`.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from mapping.filters import fold
from mapping.settings import CRS_METRIC, CRS_STORAGE

#: Points farther than this from every commune are outside the region.
SNAP_METRES = 250.0

_SUFFIX = re.compile(r"\((?:cr|cu|m|c|ar|mun|municipalite|commune)\)\s*$", re.IGNORECASE)
_PREFIX = re.compile(
    r"^(?:province|prefecture|préfecture|commune rurale|commune urbaine|commune|municipalite|"
    r"municipalité|cr|cu|direction provinciale|dp|عمالة|إقليم|اقليم|جماعة|الجماعة الترابية|"
    r"الجماعة|المديرية الإقليمية)(?:\s*[:\-–]\s*|\s+)",
    re.IGNORECASE,
)


def name_key(text: object) -> str:
    """Normalise a commune or province name for matching.

    Removes suffixes like ``(CR)``, ``(CU)``, ``(M)`` and prefixes like
    ``Province:`` or ``جماعة``, then folds case, accents and Arabic letter
    variants (:func:`mapping.filters.fold`); spaces and hyphens are dropped.

    Examples
    --------
    >>> name_key("Sidi Abdellah Ghiat (CR)") == name_key("sidi-abdellah  ghiat")
    True
    >>> name_key("Province: Al Haouz") == name_key("AL HAOUZ")
    True
    """
    if text is None:
        return ""
    s = str(text).strip()
    for _ in range(2):
        s = _SUFFIX.sub("", s).strip()
        s = _PREFIX.sub("", s).strip()
    s = fold(s)
    s = re.sub(r"^(?:ال)(?=\S)", "", s)  # Arabic article at the start
    return re.sub(r"[\s\-–—_'’.,()]+", "", s)


_CACHE: dict[str, tuple[object, object]] = {}


def _metric_polygons(communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Commune polygons in EPSG:32629, cached for the last communes frame seen."""
    hit = _CACHE.get("metric")
    if hit is not None and hit[0] is communes:
        return hit[1]
    polys = communes[["code", "geometry"]].to_crs(CRS_METRIC)
    _CACHE["metric"] = (communes, polys)
    return polys


def commune_index(communes: pd.DataFrame) -> CommuneIndex:
    """A :class:`CommuneIndex`, cached for the last communes frame seen."""
    hit = _CACHE.get("index")
    if hit is not None and hit[0] is communes:
        return hit[1]  # type: ignore[return-value]
    index = CommuneIndex(communes)
    _CACHE["index"] = (communes, index)
    return index


def point_communes(lon: np.ndarray, lat: np.ndarray, communes: gpd.GeoDataFrame) -> np.ndarray:
    """Commune code of each point (``None`` outside every commune or without a point)."""
    out = np.full(len(lon), None, dtype=object)
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return out
    idx = np.flatnonzero(ok)
    pts = gpd.GeoDataFrame(
        {"_i": idx}, geometry=[Point(x, y) for x, y in zip(lon[ok], lat[ok], strict=True)],
        crs=CRS_STORAGE,
    ).to_crs(CRS_METRIC)
    polys = _metric_polygons(communes)
    hit = gpd.sjoin(pts, polys, how="inner", predicate="intersects")
    first = hit.sort_values(["_i", "code"]).drop_duplicates("_i")
    out[first["_i"].to_numpy()] = first["code"].to_numpy()
    missing = pts[~pts["_i"].isin(first["_i"])]
    if len(missing):
        near = gpd.sjoin_nearest(missing, polys, how="inner", max_distance=SNAP_METRES)
        near = near.sort_values(["_i", "code"]).drop_duplicates("_i")
        out[near["_i"].to_numpy()] = near["code"].to_numpy()
    return out


class CommuneIndex:
    """Look up communes by HCP code (dotted or 9 digits) or by name within a province."""

    def __init__(self, communes: pd.DataFrame) -> None:
        self.codes = set(communes["code"])
        self.by_digits: dict[str, str] = {
            str(d): str(c) for d, c in zip(communes["code_digits"], communes["code"], strict=True)
        }
        self.by_name: dict[str, list[tuple[str, str]]] = {}
        self.provinces: dict[str, str] = {}
        for row in communes.itertuples(index=False):
            for name in (row.name_fr, row.name_ar):
                key = name_key(name)
                if key:
                    self.by_name.setdefault(key, []).append(
                        (str(row.code), str(row.province_code)))
            for name in (row.province_fr, row.province_ar):
                self.provinces[name_key(name)] = str(row.province_code)

    def code(self, value: object) -> str | None:
        """The dotted code of *value* (``"07.041.03.05"`` or ``"070410305"``), else ``None``."""
        if value is None:
            return None
        text = str(value).strip()
        if text in self.codes:
            return text
        digits = re.sub(r"\D", "", text)
        if len(digits) == 9 and digits in self.by_digits:
            return self.by_digits[digits]
        if len(digits) == 8 and "0" + digits in self.by_digits:  # leading zero lost
            return self.by_digits["0" + digits]
        return None

    def province(self, value: object) -> str | None:
        """Province code of a province name or code, else ``None``."""
        if value is None:
            return None
        text = str(value).strip()
        if re.fullmatch(r"07\.\d{3}", text):
            return text
        return self.provinces.get(name_key(text))

    def by_commune_name(self, name: object, province: str | None = None) -> list[str]:
        """Commune codes whose French or Arabic name matches *name* (within *province*)."""
        found = self.by_name.get(name_key(name), [])
        if province:
            found = [f for f in found if f[1] == province]
        return sorted({code for code, _ in found})
