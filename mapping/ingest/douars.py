"""The RGPH 2024 douar table with HCP's official distances, plus matched points."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from mapping.errors import DataError
from mapping.ingest.io import read_raw_csv, require

DOUAR_COLUMNS = [
    "code",
    "commune_code",
    "fraction_code",
    "fraction_ar",
    "name_ar",
    "type",
    "households",
    "population",
    "age_under_15",
    "age_15_59",
    "age_60_plus",
    "distance_km_primary_school",
    "distance_km_middle_school",
    "distance_km_high_school",
    "distance_km_health_centre",
    "distance_km_paved_road",
    "distance_km_drivable_track",
]
LOCATION_COLUMNS = [
    "lon", "lat", "location_source", "location_match", "location_name", "location_id",
]


def build_douars(source: Path, commune_codes: set[str]) -> pd.DataFrame:
    """Read the douar table, check its keys, and attach GeoNames/OSM points.

    Parameters
    ----------
    source
        The raw data folder.
    commune_codes
        Codes of the region's communes; every douar must fall in one.
    """
    path = source / "census" / "douars_2024_07.csv"
    raw = read_raw_csv(path)
    df = raw[DOUAR_COLUMNS].copy()
    bad = ~df["commune_code"].isin(commune_codes)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            "douar in an unknown commune", path=path, row=i + 1, column="commune_code",
            value=df["commune_code"].iloc[i],
        )
    # 13-digit douar code = province(3) cercle(2) commune(2) fraction(3) douar(3)
    derived = "07." + df["code"].str[0:3] + "." + df["code"].str[3:5] + "." + df["code"].str[5:7]
    mismatch = derived != df["commune_code"]
    if mismatch.any():
        i = int(np.flatnonzero(mismatch.to_numpy())[0])
        raise DataError(
            "douar code disagrees with its commune code", path=path, row=i + 1,
            column="code", value=df["code"].iloc[i],
        )
    for col in DOUAR_COLUMNS[6:]:
        df[col] = pd.to_numeric(df[col].replace("", np.nan), errors="raise")
    df["households"] = df["households"].astype("int64")
    df["population"] = df["population"].astype("int64")

    places_path = source / "census" / "douar_places_07.json"
    for col in LOCATION_COLUMNS:
        df[col] = np.nan if col in ("lon", "lat") else None
    if places_path.is_file():
        places = json.loads(require(places_path).read_text(encoding="utf-8"))["places"]
        pts = pd.DataFrame(
            places, columns=["code", "location_name", "location_source", "lat", "lon",
                             "location_id", "location_match"],
        ).set_index("code")
        unknown = pts.index.difference(pd.Index(df["code"]))
        if len(unknown):
            raise DataError("place for an unknown douar", path=places_path, value=unknown[0])
        idx = df["code"].map(lambda c: c in pts.index)
        for col in LOCATION_COLUMNS:
            df.loc[idx, col] = df.loc[idx, "code"].map(pts[col])
        df["lon"] = df["lon"].astype(float)
        df["lat"] = df["lat"].astype(float)
    return df.sort_values("code", kind="stable").reset_index(drop=True)
