"""GeoJSON, GeoPackage and Shapefile: sizes known before reading, points only.

Layer, feature and field counts are read from the file's metadata before any
feature is loaded. Every layer is listed: the first (or the one asked for) is
read and the others are named in a warning. Non-point geometries are reduced
to a point inside them, with a warning per feature saying so. GDAL messages
are cleaned of server paths before they reach the user.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from mapping.registry.errors import RegistryError
from mapping.registry.grid import cell_text
from mapping.registry.limits import Limits
from mapping.registry.raw import Note, RawTable

_PATHS = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][\w.\-~ ]+)+[\\/]?")
#: Prefixes of GDAL advice that make no sense to an uploader.
_ADVICE = re.compile(r"\s*(?:Use |Set |Consider |If you ).*$", re.DOTALL)


def clean_message(exc: BaseException, filename: str, tmp: str | None = None) -> str:
    """A GDAL/pyogrio error message without server paths or driver advice."""
    text = str(exc)
    if tmp:
        text = text.replace(tmp, "")
    text = _PATHS.sub(lambda m: filename if "/" in m.group(0) or "\\" in m.group(0)
                      else m.group(0), text)
    text = _ADVICE.sub("", text).strip()
    return text[:300] or type(exc).__name__


def layers(path: Path, filename: str, tmp: str) -> list[str]:
    """Names of the layers of a vector file."""
    import pyogrio

    try:
        return [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:  # pyogrio raises several types
        raise RegistryError(f"cannot read {filename!r}: {clean_message(exc, filename, tmp)}") \
            from exc


def read_vector(path: Path, fmt: str, filename: str, tmp: str, limits: Limits,
                part: str | None = None, encoding: str | None = None,
                notes: list[Note] | None = None, others: tuple[str, ...] = ()) -> RawTable:
    """Read one layer of a vector file under *limits*.

    Parameters
    ----------
    path
        The file on disk (in the temporary folder *tmp*, never shown).
    fmt
        ``geojson``, ``gpkg`` or ``shapefile``.
    part
        Layer to read (default: the first).
    encoding
        Attribute encoding (for a Shapefile without ``.cpg``).
    notes
        Notes already found (e.g. the encoding guess).
    others
        Other shapefiles of the same archive, named in a warning.
    """
    import geopandas as gpd
    import pyogrio

    names = layers(path, filename, tmp) if fmt == "gpkg" else []
    if part is not None and fmt == "gpkg" and part not in names:
        raise RegistryError(f"{filename!r} has no layer {part!r}; its layers are "
                            f"{', '.join(map(repr, names))}")
    layer = part if fmt == "gpkg" and part is not None else (names[0] if names else None)
    try:
        info = pyogrio.read_info(path, layer=layer, encoding=encoding)
    except Exception as exc:
        raise RegistryError(f"cannot read {filename!r}: {clean_message(exc, filename, tmp)}") \
            from exc
    count = int(info.get("features") or 0)
    raw_fields = info.get("fields")
    fields = 0 if raw_fields is None else len(raw_fields)
    if count > limits.max_rows:
        raise RegistryError(f"{filename!r} has {count:,} features; at most "
                            f"{limits.max_rows:,} are accepted; split it")
    if fields > limits.max_columns:
        raise RegistryError(f"{filename!r} has {fields:,} attribute fields; at most "
                            f"{limits.max_columns:,} are accepted")
    if count * max(fields, 1) > limits.max_cells:
        raise RegistryError(f"{filename!r} has {count * fields:,} attribute cells; at most "
                            f"{limits.max_cells:,} are accepted; split it")
    try:
        gdf = gpd.read_file(path, layer=layer, encoding=encoding)
    except Exception as exc:  # pyogrio raises several types
        raise RegistryError(f"cannot read {filename!r}: {clean_message(exc, filename, tmp)}") \
            from exc
    found = list(notes or [])
    n = len(gdf)
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    crs = None
    if gdf.geometry is not None and "geometry" in gdf:
        crs = gdf.crs.to_string() if gdf.crs is not None else None
        geom = gdf.geometry
        present = (geom.notna() & ~geom.is_empty).to_numpy()
        kinds = geom.geom_type.to_numpy()
        for i in map(int, np.flatnonzero(present)):
            g = geom.iloc[i]
            if kinds[i] != "Point":
                g = g.representative_point()
                found.append(Note(i + 1, "geometry", str(kinds[i]), "non_point_geometry",
                                  index=i))
            x[i], y[i] = g.x, g.y
    attrs = pd.DataFrame(gdf.drop(columns="geometry", errors="ignore"))
    columns: dict[str, pd.Series] = {}
    for j, col in enumerate(attrs.columns):
        name = str(col).strip() or f"column_{j + 1}"
        while name in columns:
            name = f"{name} ({j + 1})"
        values = [cell_text(v) for v in attrs.iloc[:, j].tolist()]
        for i, v in enumerate(values):
            if v is not None and len(v) > limits.max_cell_chars:
                raise RegistryError(f"feature {i + 1}, field {name!r} of {filename!r} holds "
                                    f"{len(v):,} characters; at most "
                                    f"{limits.max_cell_chars:,} are accepted")
        columns[name] = pd.Series(values, dtype=object)
    table = pd.DataFrame(columns, index=pd.RangeIndex(n)) if columns else \
        pd.DataFrame(index=pd.RangeIndex(n))
    for name in names:
        if name != layer:
            found.append(Note(0, "", name, "part_left", extra={"fixed": "layer not read",
                                                                 "kind": "layer"}))
    for name in others:
        found.append(Note(0, "", name, "part_left", extra={"fixed": "shapefile not read",
                                                             "kind": "shapefile"}))
    parts = tuple(names) if names else ()
    return RawTable(table=table, format=fmt, x=x, y=y, crs=crs, notes=found, parts=parts,
                    part=layer, encoding=encoding)
