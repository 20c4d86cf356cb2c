"""Typed loaders for the project's ``data/`` extracts, with integrity checks.

Each loader reads one file, checks what the rest of the package relies on,
and raises :class:`~mapping.errors.DataError` naming the file, row, column and
value when a check fails. :func:`load_region` bundles everything.

The loaders are pure functions of the data folder; the app wraps them in its
own cache.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from mapping.errors import DataError
from mapping.settings import (
    CRS_STORAGE,
    REGION_COMMUNES,
    REGION_POPULATION_2024,
    data_dir,
)

COMMUNES_FILE = "boundaries/communes.geojson"
PROVINCES_FILE = "boundaries/provinces.geojson"
CENSUS_2024_FILE = "census/communes_2024.csv"
CENSUS_2014_FILE = "census/communes_2014.csv"
DOUARS_FILE = "census/douars_2024.csv"

_TEXT_COLUMNS = (
    "code", "code_digits", "province_code", "cercle_code", "commune_code", "fraction_code",
    "code_2014",
)
_TEXT: dict[Hashable, Any] = dict.fromkeys(_TEXT_COLUMNS, str)


def _path(name: str, root: Path | None) -> Path:
    path = (root or data_dir()) / name
    if not path.is_file():
        raise DataError(
            "data file not found", path=path,
            hint="run from a full checkout, or rebuild with `python -m mapping ingest`",
        )
    return path


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=_TEXT, encoding="utf-8")
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot parse CSV: {exc}", path=path) from exc


def _check_unique_codes(df: pd.DataFrame, path: Path, column: str = "code") -> None:
    dup = df[column].duplicated(keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise DataError("duplicate code", path=path, row=i + 1, column=column,
                        value=df[column].iloc[i])
    blank = df[column].isna()
    if blank.any():
        i = int(np.flatnonzero(blank.to_numpy())[0])
        raise DataError("missing code", path=path, row=i + 1, column=column)


def _check_numeric(df: pd.DataFrame, path: Path, columns: list[str]) -> None:
    for col in columns:
        if col not in df:
            raise DataError("required column missing", path=path, column=col)
        values = pd.to_numeric(df[col], errors="coerce")
        bad = values.isna() & df[col].notna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError("value is not a number", path=path, row=i + 1, column=col,
                            value=df[col].iloc[i])
        neg = values < 0
        if neg.any():
            i = int(np.flatnonzero(neg.to_numpy())[0])
            raise DataError("negative value", path=path, row=i + 1, column=col,
                            value=df[col].iloc[i])


def load_communes(root: Path | None = None) -> gpd.GeoDataFrame:
    """Load the 251 commune polygons with their HCP attributes.

    Parameters
    ----------
    root
        Data folder; defaults to :func:`mapping.settings.data_dir`.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed 0..250, sorted by ``code``, in EPSG:4326.

    Raises
    ------
    DataError
        If the file is missing, codes are duplicated, the count is not 251
        or the populations do not add up to the region total.
    """
    path = _path(COMMUNES_FILE, root)
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types
        raise DataError(f"cannot read GeoJSON: {exc}", path=path) from exc
    gdf = gdf.set_crs(CRS_STORAGE, allow_override=True)
    for col in ("code", "code_digits", "province_code", "cercle_code"):
        if col not in gdf:
            raise DataError("required column missing", path=path, column=col)
        gdf[col] = gdf[col].astype("string").astype(object).where(gdf[col].notna(), None)
    _check_unique_codes(gdf, path)
    if len(gdf) != REGION_COMMUNES:
        raise DataError(f"expected {REGION_COMMUNES} communes, found {len(gdf)}", path=path)
    _check_numeric(gdf, path, ["population_2024", "households_2024", "area_km2"])
    empty = gdf.geometry.isna() | gdf.geometry.is_empty
    if empty.any():
        i = int(np.flatnonzero(empty.to_numpy())[0])
        raise DataError("commune without geometry", path=path, row=i + 1, column="geometry",
                        value=gdf["code"].iloc[i])
    total = int(gdf["population_2024"].sum())
    if total != REGION_POPULATION_2024:
        raise DataError(
            f"commune populations add up to {total:,}, not the region's "
            f"{REGION_POPULATION_2024:,}", path=path, column="population_2024",
        )
    return gdf.sort_values("code").reset_index(drop=True)


def load_provinces(root: Path | None = None) -> gpd.GeoDataFrame:
    """Load the 8 provinces and prefectures (dissolved communes, HCP totals)."""
    path = _path(PROVINCES_FILE, root)
    gdf = gpd.read_file(path).set_crs(CRS_STORAGE, allow_override=True)
    gdf["province_code"] = gdf["province_code"].astype(str)
    _check_unique_codes(gdf, path, "province_code")
    _check_numeric(gdf, path, ["population_2024", "households_2024"])
    return gdf.sort_values("province_code").reset_index(drop=True)


def load_census_2024(root: Path | None = None) -> pd.DataFrame:
    """Load the RGPH 2024 commune indicators (flat columns, plus ``*_est`` estimates)."""
    path = _path(CENSUS_2024_FILE, root)
    df = _read_csv(path)
    _check_unique_codes(df, path)
    _check_numeric(df, path, ["population_legal", "population_municipal", "age_5_9"])
    return df


def load_census_2014(root: Path | None = None) -> pd.DataFrame:
    """Load the RGPH 2014 indicators, re-keyed on 2024 commune codes (``*_2014`` columns)."""
    path = _path(CENSUS_2014_FILE, root)
    df = _read_csv(path)
    _check_unique_codes(df, path)
    return df


def load_douars(root: Path | None = None) -> pd.DataFrame:
    """Load the 6,531 douars with HCP's official distances and matched points."""
    path = _path(DOUARS_FILE, root)
    df = _read_csv(path)
    _check_unique_codes(df, path)
    _check_numeric(df, path, ["households", "population"])
    return df


@dataclass(frozen=True)
class Region:
    """Everything the analyses need about the region, loaded and cross-checked.

    Attributes
    ----------
    communes
        Commune polygons with HCP attributes (EPSG:4326).
    provinces
        Province polygons with HCP totals.
    census_2024, census_2014
        Commune indicator tables keyed by ``code``.
    douars
        Douar table keyed by ``code``, with ``commune_code``.
    """

    communes: gpd.GeoDataFrame
    provinces: gpd.GeoDataFrame
    census_2024: pd.DataFrame
    census_2014: pd.DataFrame
    douars: pd.DataFrame

    def commune_table(self) -> gpd.GeoDataFrame:
        """Communes joined to their 2024 and 2014 indicators, one row per commune."""
        c24 = self.census_2024
        c14 = self.census_2014.drop(columns=["code_2014", "method_2014"], errors="ignore")
        out = self.communes.merge(c24, on="code", how="left", validate="one_to_one")
        out = out.merge(c14, on="code", how="left", validate="one_to_one")
        return gpd.GeoDataFrame(out, geometry="geometry", crs=self.communes.crs)


def check_region(region: Region, root: Path | None = None) -> None:
    """Cross-check the loaded files against each other.

    Raises
    ------
    DataError
        When a commune has no 2024 indicators, a province total differs from
        the sum of its communes, or a douar points at an unknown commune.
    """
    root = root or data_dir()
    codes = set(region.communes["code"])
    missing = sorted(codes - set(region.census_2024["code"]))
    if missing:
        raise DataError("commune without 2024 indicators", path=root / CENSUS_2024_FILE,
                        column="code", value=missing[0])
    sums = region.communes.groupby("province_code")["population_2024"].sum()
    for i, row in enumerate(region.provinces.itertuples(index=False)):
        got = int(sums.get(row.province_code, 0))
        if got != int(row.population_2024):
            raise DataError(
                f"communes of {row.province_code} add up to {got:,}, "
                f"province total is {int(row.population_2024):,}",
                path=root / PROVINCES_FILE, row=i + 1, column="population_2024",
            )
    bad = ~region.douars["commune_code"].isin(codes)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError("douar in an unknown commune", path=root / DOUARS_FILE, row=i + 1,
                        column="commune_code", value=region.douars["commune_code"].iloc[i])


def load_region(root: Path | None = None) -> Region:
    """Load every extract and cross-check them.

    Parameters
    ----------
    root
        Data folder; defaults to :func:`mapping.settings.data_dir`.

    Examples
    --------
    >>> region = load_region()
    >>> len(region.communes)
    251
    """
    region = Region(
        communes=load_communes(root),
        provinces=load_provinces(root),
        census_2024=load_census_2024(root),
        census_2014=load_census_2014(root),
        douars=load_douars(root),
    )
    check_region(region, root)
    return region
