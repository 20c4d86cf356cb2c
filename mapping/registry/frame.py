"""Canonical registry frames: typing of columns, geometry from lon/lat, content key.

A registry is a GeoDataFrame with :data:`mapping.schema.REGISTRY_COLUMNS`, in
EPSG:4326, a point geometry where ``lon``/``lat`` are known (``None`` elsewhere),
``attrs["key"]`` (a content hash) and ``attrs["name"]``.
"""

from __future__ import annotations

import hashlib

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from mapping.schema import REGISTRY_COLUMNS
from mapping.settings import CRS_STORAGE

#: Numeric columns of a registry (floats; NaN where unknown).
NUMERIC_COLUMNS = ("lon", "lat", "classrooms", "seats", "pupils", "pupils_girls", "year")
#: Text columns of a registry (``None`` where unknown).
TEXT_COLUMNS = tuple(c for c in REGISTRY_COLUMNS if c not in NUMERIC_COLUMNS)


def _blank(value: object) -> bool:
    if value is None or (isinstance(value, float) and value != value):
        return True
    return value is pd.NA or value is pd.NaT or str(value).strip() == ""


def canonical(df: pd.DataFrame) -> pd.DataFrame:
    """Return *df* reduced to the registry columns, typed, missing columns added."""
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    for col in REGISTRY_COLUMNS:
        values = df[col].to_numpy() if col in df else np.full(len(df), None, dtype=object)
        if col in NUMERIC_COLUMNS:
            out[col] = pd.to_numeric(pd.Series(values), errors="coerce").astype(float)
        else:
            out[col] = [_text(v) for v in values]
    return out


def _text(value: object) -> str | None:
    """Stripped text of a cell, ``None`` when blank (fast path for strings and ``None``)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    return None if _blank(value) else str(value).strip()


def content_key(df: pd.DataFrame) -> str:
    """A short hash of the registry's canonical content (order-sensitive)."""
    return _key(canonical(df))


def _key(table: pd.DataFrame) -> str:
    text = table.to_csv(index=False, lineterminator="\n", float_format="%.6f")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def to_registry(df: pd.DataFrame, name: str, key: str | None = None) -> gpd.GeoDataFrame:
    """Build a registry GeoDataFrame from a table with the canonical columns.

    Parameters
    ----------
    df
        Table with (a subset of) :data:`~mapping.schema.REGISTRY_COLUMNS`.
    name
        Registry name, stored in ``attrs["name"]``.
    key
        Content key; computed with :func:`content_key` when ``None``.
    """
    table = canonical(df)
    geometry = [
        Point(x, y) if np.isfinite(x) and np.isfinite(y) else None
        for x, y in zip(table["lon"].to_numpy(), table["lat"].to_numpy(), strict=True)
    ]
    gdf = gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(geometry, crs=CRS_STORAGE))
    gdf.attrs["key"] = key or _key(table)
    gdf.attrs["name"] = name
    return gdf


def empty_registry(name: str = "empty") -> gpd.GeoDataFrame:
    """A registry with no school."""
    return to_registry(pd.DataFrame(columns=list(REGISTRY_COLUMNS)), name)


def quality_shares(registry: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Share of rows by ``location_quality`` and by ``capacity_quality``.

    Returns
    -------
    dict
        ``{"location_quality": {level: share}, "capacity_quality": {level: share}}``
        with shares in 0..1 (levels with no row are omitted, missing values count
        as ``"unknown"``); an empty registry gives empty dicts.

    Examples
    --------
    >>> import pandas as pd
    >>> quality_shares(pd.DataFrame({"location_quality": ["fictitious", "imported"],
    ...                              "capacity_quality": ["estimated", None]}))["location_quality"]
    {'fictitious': 0.5, 'imported': 0.5}
    """
    out: dict[str, dict[str, float]] = {}
    n = len(registry)
    for col in ("location_quality", "capacity_quality"):
        if n == 0 or col not in registry:
            out[col] = {}
            continue
        counts = registry[col].fillna("unknown").astype(str).value_counts()
        out[col] = {str(k): float(v) / n for k, v in sorted(counts.items())}
    return out
