"""Deterministic writers and strict readers shared by the ingest steps."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from mapping.errors import DataError


def require(path: Path) -> Path:
    """Return *path* if it exists, else raise a :class:`DataError` saying so."""
    if not path.is_file():
        raise DataError(
            "raw source file not found",
            path=path,
            hint="pass --source pointing at the shared raw data folder (see data/README.md)",
        )
    return path


def read_raw_csv(path: Path) -> pd.DataFrame:
    """Read a raw CSV with every column as text, so codes keep leading zeros."""
    return pd.read_csv(require(path), dtype=str, keep_default_na=False, encoding="utf-8-sig")


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Write *df* as UTF-8 CSV with ``\\n`` line ends and the shortest float repr."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _round_coords(obj: Any, ndigits: int) -> Any:
    if isinstance(obj, float):
        return round(obj, ndigits)
    if isinstance(obj, (list, tuple)):
        return [_round_coords(o, ndigits) for o in obj]
    return obj


def write_geojson(gdf: gpd.GeoDataFrame, path: Path, ndigits: int = 6) -> None:
    """Write *gdf* as a compact, deterministic GeoJSON FeatureCollection.

    One feature per line, properties in column order, coordinates rounded to
    *ndigits* decimals (6 decimals is about 0.1 m).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    geo = json.loads(gdf.to_json(drop_id=True, na="null"))
    lines = []
    for feat in geo["features"]:
        feat["geometry"]["coordinates"] = _round_coords(feat["geometry"]["coordinates"], ndigits)
        lines.append(json.dumps(feat, ensure_ascii=False, separators=(",", ":")))
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def path_to_column(path: str) -> str:
    """Turn an HCP indicator path into a flat snake_case column name.

    Follows the convention of the source's ``fields.json``.

    Examples
    --------
    >>> path_to_column("schooling.rate6to11")
    'schooling_rate_6_to_11'
    >>> path_to_column("age.75+")
    'age_75_plus'
    >>> path_to_column("commute.bikeOrMotorcycle")
    'commute_bike_or_motorcycle'
    """
    s = path.replace("+", "_plus")
    s = re.sub(r"(?<=[a-zA-Z])(?=\d)", "_", s)  # rate6 -> rate_6
    s = re.sub(r"(?<=\d)(?=[a-zA-Z])", "_", s)  # 6to -> 6_to
    s = _CAMEL.sub("_", s)
    s = re.sub(r"[.\-]+", "_", s).lower()
    return re.sub(r"_+", "_", s).strip("_")
