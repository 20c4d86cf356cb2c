"""The map's geometry, encoded once and published at a content-hashed static URL.

The browser downloads the commune coverage and the province outlines once per
content version: the file name carries the SHA-256 of its bytes, so a URL
never changes meaning and the browser may keep it; every rerun then sends only
per-commune styles (see :mod:`ui.mapview.payload`).

Encoding: coordinates on the web grid (1e-4 degree) as integers, each ring a
flat ``[x0, y0, dx1, dy1, ...]`` list of deltas, polygons as lists of rings.
This module does not import Streamlit.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

#: Integer units per degree of the encoded coordinates (the web grid is 1e-4 degree).
SCALE = 10_000
#: Folder under the static root where published files go (generated, never committed).
SUBDIR = "mapview"
#: Published files unused for this long are removed when the geometry is published.
KEEP_DAYS = 7


@dataclass(frozen=True)
class GeometryAsset:
    """A published geometry file.

    Attributes
    ----------
    url
        URL the browser fetches (content-hashed file name).
    path
        File on disk.
    digest
        Hex SHA-256 of the file's bytes.
    codes
        Commune codes in the file's order; per-commune arrays of a payload follow it.
    bounds
        ``(min lon, min lat, max lon, max lat)`` of the communes.
    size
        Bytes of the file.
    """

    url: str
    path: Path
    digest: str
    codes: tuple[str, ...]
    bounds: tuple[float, float, float, float]
    size: int


def _ring(coords: Any) -> list[int]:
    out: list[int] = []
    px = py = 0
    for x, y in coords:
        ix, iy = round(x * SCALE), round(y * SCALE)
        out.extend((ix - px, iy - py))
        px, py = ix, iy
    return out


def encode_polygons(geom: shapely.Geometry) -> list[list[list[int]]]:
    """Polygons of *geom* as lists of delta-encoded integer rings (exterior first).

    Parameters
    ----------
    geom
        A Polygon or MultiPolygon in EPSG:4326 (other types give an empty list).

    Returns
    -------
    list
        ``[[exterior, hole, ...], ...]``, each ring ``[x0, y0, dx, dy, ...]`` in
        units of ``1 / SCALE`` degree.
    """
    if geom is None or geom.is_empty:
        return []
    parts = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    return [
        [_ring(p.exterior.coords), *(_ring(r.coords) for r in p.interiors)]
        for p in parts
        if p.geom_type == "Polygon"
    ]


def decode_ring(ring: list[int]) -> list[tuple[float, float]]:
    """Inverse of the ring encoding (used by tests and by any Python reader)."""
    out = []
    x = y = 0
    for i in range(0, len(ring), 2):
        x += ring[i]
        y += ring[i + 1]
        out.append((x / SCALE, y / SCALE))
    return out


def geometry_bytes(communes: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame | None) -> bytes:
    """The geometry file of the map: communes (code, names, province) and province outlines.

    Parameters
    ----------
    communes
        Web communes (:func:`mapping.web.web_communes`) with ``code``, ``name_fr``,
        ``name_ar`` and ``province_code``, EPSG:4326.
    provinces
        Province outlines (:func:`mapping.web.web_provinces`) or ``None``.

    Returns
    -------
    bytes
        Compact UTF-8 JSON, deterministic for the same input.
    """
    missing = [c for c in ("code", "name_fr", "name_ar") if c not in communes]
    if missing:
        raise ValueError(f"the commune table lacks the columns {missing} the map needs")
    minx, miny, maxx, maxy = (float(v) for v in communes.total_bounds)
    doc: dict[str, Any] = {
        "v": 1,
        "scale": SCALE,
        "bounds": [round(minx, 4), round(miny, 4), round(maxx, 4), round(maxy, 4)],
        "codes": [str(c) for c in communes["code"]],
        "name_fr": [str(n) for n in communes["name_fr"]],
        "name_ar": [str(n) for n in communes["name_ar"]],
        "province": [str(p) for p in communes.get("province_code", [""] * len(communes))],
        "communes": [encode_polygons(g) for g in communes.geometry],
        "provinces": [],
    }
    if provinces is not None:
        doc["provinces"] = [
            {
                "code": str(row.province_code),
                "polys": encode_polygons(row.geometry),
            }
            for row in provinces.itertuples(index=False)
        ]
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def publish_bytes(data: bytes, static_dir: Path, url_prefix: str, stem: str,
                  suffix: str = ".json") -> tuple[str, Path, str]:
    """Write *data* once under ``static_dir/mapview/<stem>.<hash><suffix>``.

    The write is atomic (temporary file then rename), so concurrent sessions
    never serve a half-written file; an existing file of the same hash is kept.

    Returns
    -------
    tuple
        ``(url, path, hex digest)``.
    """
    digest = hashlib.sha256(data).hexdigest()
    name = f"{stem}.{digest[:16]}{suffix}"
    folder = static_dir / SUBDIR
    path = folder / name
    ignore = folder / ".gitignore"
    if not ignore.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        ignore.write_text("# written by the app at run time (ui/mapview)\n*\n", encoding="utf-8")
    if not path.is_file() or path.stat().st_size != len(data):
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=suffix)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return f"{url_prefix.rstrip('/')}/{SUBDIR}/{name}", path, digest


def prune(static_dir: Path, keep_days: float = KEEP_DAYS) -> int:
    """Remove published files not read or written for *keep_days*; return how many.

    A file any browser may still ask for is at most a few hours old in practice
    (a page keeps the URLs of its last rerun), so a week is a wide margin.
    """
    folder = static_dir / SUBDIR
    if not folder.is_dir():
        return 0
    cutoff = time.time() - keep_days * 86_400
    removed = 0
    for path in folder.iterdir():
        if path.name == ".gitignore" or not path.is_file():
            continue
        stat = path.stat()
        if max(stat.st_mtime, stat.st_atime) < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def publish_geometry(
    communes: gpd.GeoDataFrame,
    provinces: gpd.GeoDataFrame | None,
    static_dir: Path,
    url_prefix: str = "/app/static",
) -> GeometryAsset:
    """Encode the map geometry and write it at a content-hashed URL (once per content).

    Parameters
    ----------
    communes, provinces
        See :func:`geometry_bytes`.
    static_dir
        The folder Streamlit serves at *url_prefix* (``<app folder>/static``).
    url_prefix
        URL of *static_dir* (``/app/static``, behind ``server.baseUrlPath`` if set).

    Returns
    -------
    GeometryAsset
    """
    data = geometry_bytes(communes, provinces)
    prune(static_dir)
    url, path, digest = publish_bytes(data, static_dir, url_prefix, "geometry")
    minx, miny, maxx, maxy = (float(v) for v in communes.total_bounds)
    return GeometryAsset(url, path, digest, tuple(str(c) for c in communes["code"]),
                         (minx, miny, maxx, maxy), len(data))
