"""Commune and province boundaries from the OpenStreetMap TopoJSON."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from mapping.errors import DataError
from mapping.ingest.io import read_raw_csv, require
from mapping.settings import CRS_METRIC, CRS_STORAGE, REGION_COMMUNES

COMMUNE_COLUMNS = [
    "code",
    "code_digits",
    "name_fr",
    "name_ar",
    "type",
    "province_code",
    "province_fr",
    "province_ar",
    "cercle_code",
    "area_km2",
    "population_2024",
    "households_2024",
    "population_2014",
]


def build_communes(source: Path) -> gpd.GeoDataFrame:
    """Join the 251 OSM commune polygons to the HCP commune attributes.

    Parameters
    ----------
    source
        The raw data folder (``shared/data``).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per commune, sorted by HCP code, in EPSG:4326.
    """
    topo = require(source / "boundaries" / "communes_07.topojson")
    shapes = gpd.read_file(topo)[["code", "geometry"]].rename(columns={"code": "code_digits"})
    shapes = shapes.set_crs(CRS_STORAGE, allow_override=True)
    attrs_path = source / "census" / "communes_attributes_07.csv"
    attrs = read_raw_csv(attrs_path)
    provinces = read_raw_csv(source / "census" / "provinces_07.csv")

    dup = shapes["code_digits"][shapes["code_digits"].duplicated()]
    if not dup.empty:
        raise DataError("duplicate commune code in boundaries", path=topo, value=dup.iloc[0])
    missing = sorted(set(attrs["code_digits"]) - set(shapes["code_digits"]))
    extra = sorted(set(shapes["code_digits"]) - set(attrs["code_digits"]))
    if missing or extra:
        raise DataError(
            f"boundaries and attributes disagree: {len(missing)} communes without a shape, "
            f"{len(extra)} shapes without attributes",
            path=topo,
            value=(missing + extra)[:5],
        )

    prov = provinces.rename(
        columns={"code": "province_code", "name_fr": "province_fr", "name_ar": "province_ar"}
    )[["province_code", "province_fr", "province_ar"]]
    table = attrs.merge(prov, on="province_code", how="left", validate="many_to_one")
    unknown = table[table["province_fr"].isna()]
    if not unknown.empty:
        raise DataError(
            "commune in an unknown province",
            path=attrs_path,
            row=int(unknown.index[0]) + 1,
            column="province_code",
            value=unknown["province_code"].iloc[0],
        )
    for col in ("population_2024", "households_2024", "population_2014"):
        table[col] = pd.to_numeric(table[col], errors="raise").astype("int64")
    table["area_km2"] = pd.to_numeric(table["area_km2"], errors="raise")
    table["cercle_code"] = table["cercle_code"].replace("", None)

    gdf = gpd.GeoDataFrame(
        table.merge(shapes, on="code_digits", validate="one_to_one"),
        geometry="geometry",
        crs=CRS_STORAGE,
    )
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)
    gdf = gdf.sort_values("code", kind="stable").reset_index(drop=True)
    if len(gdf) != REGION_COMMUNES:
        raise DataError(f"expected {REGION_COMMUNES} communes, built {len(gdf)}", path=topo)
    return gdf[[*COMMUNE_COLUMNS, "geometry"]]


def build_provinces(communes: gpd.GeoDataFrame, source: Path) -> gpd.GeoDataFrame:
    """Dissolve the communes into the 8 provinces and prefectures.

    Names, type and totals come from HCP's ``provinces_07.csv``; the commune
    count and area are recomputed from the communes.
    """
    provinces = read_raw_csv(source / "census" / "provinces_07.csv")
    geoms = (
        communes.groupby("province_code")["geometry"]
        .agg(lambda s: shapely.coverage_union_all(s.values))
        .rename("geometry")
    )
    counts = communes.groupby("province_code").agg(
        communes=("code", "size"),
        urban_communes=("type", lambda s: int((s == "urban").sum())),
    )
    out = provinces.rename(columns={"code": "province_code"})[
        ["province_code", "name_fr", "name_ar", "type", "population_2024", "households_2024"]
    ]
    out = out.merge(counts, left_on="province_code", right_index=True, validate="one_to_one")
    out = out.merge(geoms, left_on="province_code", right_index=True, validate="one_to_one")
    for col in ("population_2024", "households_2024"):
        out[col] = out[col].astype("int64")
    gdf = gpd.GeoDataFrame(out, geometry="geometry", crs=CRS_STORAGE)
    gdf["area_km2"] = (gdf.to_crs(CRS_METRIC).area / 1e6).round(1)
    gdf = gdf.sort_values("province_code").reset_index(drop=True)
    cols = ["province_code", "name_fr", "name_ar", "type", "communes", "urban_communes"]
    return gdf[[*cols, "population_2024", "households_2024", "area_km2", "geometry"]]
