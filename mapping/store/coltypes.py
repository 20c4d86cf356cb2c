"""Column types valid on both backends and in a GeoPackage.

:class:`PointGeometry` is a point column stored as PostGIS ``geometry`` or as a
GeoPackage geometry blob; :func:`short_text` is ``VARCHAR(n)`` on PostgreSQL
and ``TEXT`` in the GeoPackage (whose types GDAL and QGIS check).

The registry keeps ``lon``/``lat`` as numbers (what every reader uses); the
geometry column is written alongside so QGIS and PostGIS users see the points.
On PostgreSQL it is a GeoAlchemy2 ``geometry(POINT, 4326)``; on SQLite it is
the GeoPackage binary format (``GP`` header + little-endian WKB), so the file
opens in QGIS and GDAL as it is, with no SpatiaLite extension needed.
"""

from __future__ import annotations

import struct
from typing import Any, Final

from geoalchemy2 import Geometry
from sqlalchemy import LargeBinary, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine, UserDefinedType

#: SRS of every stored geometry.
SRID: Final = 4326


def gpkg_point(lon: float, lat: float, srid: int = SRID) -> bytes:
    """GeoPackage binary of a 2-D point (header with envelope, little-endian).

    Examples
    --------
    >>> blob = gpkg_point(-8.0, 31.6)
    >>> blob[:2], len(blob)
    (b'GP', 61)
    """
    # flags: binary type 0, envelope [minx, maxx, miny, maxy] (code 1), little-endian
    header = b"GP" + bytes([0, 0b00000011]) + struct.pack("<i", srid)
    envelope = struct.pack("<4d", lon, lon, lat, lat)
    wkb = struct.pack("<BIdd", 1, 1, lon, lat)
    return header + envelope + wkb


def short_text(length: int) -> TypeEngine[str]:
    """``VARCHAR(length)`` on PostgreSQL, ``TEXT`` on SQLite (a GeoPackage type)."""
    return String(length).with_variant(Text(), "sqlite")


class _GpkgPoint(UserDefinedType[bytes]):
    """GeoPackage ``POINT`` column holding GeoPackage binary blobs."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "POINT"


class PointGeometry(TypeDecorator[Any]):
    """Point column: PostGIS geometry or GeoPackage blob, bound from ``(lon, lat)``."""

    impl = LargeBinary
    cache_ok = True
    # read by GeoAlchemy2's DDL hooks, which see the PostGIS implementation
    geometry_type = "POINT"
    srid = SRID
    dimension = 2
    spatial_index = False
    use_N_D_index = False
    use_typmod = None
    nullable = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """GeoAlchemy2 geometry on PostgreSQL, a blob elsewhere."""
        if dialect is None:  # GeoAlchemy2's own DDL checks ask without a dialect
            return LargeBinary()
        if dialect.name == "postgresql":
            return dialect.type_descriptor(
                Geometry("POINT", srid=SRID, spatial_index=False)
            )
        return dialect.type_descriptor(_GpkgPoint())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        """``(lon, lat)`` or ``None`` → the dialect's stored value."""
        if value is None:
            return None
        lon, lat = float(value[0]), float(value[1])
        if dialect.name == "postgresql":
            return f"SRID={SRID};POINT({lon!r} {lat!r})"
        return gpkg_point(lon, lat)
