"""Numbers and coordinates as registry files write them.

Numbers may use a decimal comma and spaces as thousands separators.
Coordinates may be WGS84 lon/lat or Moroccan Lambert x/y (Nord EPSG:26191,
Sud EPSG:26192); when the CRS is not given it is detected from the values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mapping.registry.errors import RegistryError
from mapping.settings import CRS_LAMBERT_NORD, CRS_LAMBERT_SUD, CRS_STORAGE, REGION_BOUNDS

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def parse_number(value: object) -> float | None:
    """Parse a number written with a decimal point or comma; ``None`` if it is not one.

    Examples
    --------
    >>> parse_number("31,6295"), parse_number("1 234,5"), parse_number("1.234,5")
    (31.6295, 1234.5, 1234.5)
    >>> parse_number("n/a") is None
    True
    """
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value) if np.isfinite(value) else None
    text = _SPACES.sub("", str(value))
    if not text:
        return None
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    if not _NUMBER.match(text):
        return None
    number = float(text)
    return number if np.isfinite(number) else None


def parse_numbers(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column; return ``(numbers with NaN, mask of non-empty unparseable cells)``."""
    parsed = [parse_number(v) for v in values.tolist()]
    numbers = np.array([np.nan if p is None else p for p in parsed], dtype=float)
    present = np.array([v is not None and str(v).strip() != "" for v in values.tolist()],
                       dtype=bool)
    return numbers, present & np.isnan(numbers)


def in_region_box(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Mask of points inside :data:`mapping.settings.REGION_BOUNDS`."""
    x0, y0, x1, y1 = REGION_BOUNDS
    with np.errstate(invalid="ignore"):
        return np.asarray((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1), dtype=bool)


def transform(x: np.ndarray, y: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """Transform *x*, *y* from *crs* to WGS84 lon/lat (NaN stays NaN).

    Raises
    ------
    RegistryError
        If *crs* is not a CRS pyproj knows.
    """
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        source = CRS.from_user_input(crs)
    except CRSError as exc:
        raise RegistryError(f"unknown coordinate reference system {crs!r}; give an EPSG "
                            "code such as EPSG:4326, EPSG:26191 or EPSG:26192") from exc
    tr = Transformer.from_crs(source, CRS_STORAGE, always_xy=True)
    ok = np.isfinite(x) & np.isfinite(y)
    lon = np.full(len(x), np.nan)
    lat = np.full(len(x), np.nan)
    if ok.any():
        a, b = tr.transform(x[ok], y[ok])
        lon[ok], lat[ok] = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    bad = ~(np.isfinite(lon) & np.isfinite(lat))
    lon[bad] = np.nan
    lat[bad] = np.nan
    return lon, lat


def is_geographic(crs: str) -> bool:
    """Whether *crs* has degrees as axis units."""
    from pyproj import CRS

    try:
        return bool(CRS.from_user_input(crs).is_geographic)
    except Exception:
        return False


@dataclass
class Coordinates:
    """Coordinates resolved to WGS84.

    Attributes
    ----------
    lon, lat
        WGS84 degrees, NaN where unknown.
    crs
        CRS the source values were read in.
    detected
        ``True`` when the CRS was detected from the values rather than given.
    swapped
        Rows whose lat/lon looked swapped (and were swapped back).
    given_x, given_y, column
        The values as the file gave them and the (target) column they came
        from, for messages.
    """

    lon: np.ndarray
    lat: np.ndarray
    crs: str
    detected: bool
    swapped: np.ndarray
    given_x: np.ndarray | None = None
    given_y: np.ndarray | None = None
    column: str = "lon"


def resolve(a: np.ndarray, b: np.ndarray, crs: str | None) -> Coordinates:
    """Turn coordinate pairs (*a* = x/lon, *b* = y/lat) into WGS84 lon/lat.

    With *crs* ``None`` the values decide: degrees are WGS84; larger values are
    Lambert Nord or Sud Maroc, whichever puts more points in the region.
    Geographic pairs outside the region whose swap falls inside it are swapped.
    """
    n = len(a)
    finite = np.isfinite(a) & np.isfinite(b)
    swapped = np.zeros(n, dtype=bool)
    detected = crs is None
    if crs is None:
        with np.errstate(invalid="ignore"):
            degrees = finite & (np.abs(a) <= 180) & (np.abs(b) <= 180)
        if not finite.any() or degrees.sum() >= 0.5 * finite.sum():
            crs = CRS_STORAGE
        else:
            best = None
            for candidate in (CRS_LAMBERT_NORD, CRS_LAMBERT_SUD):
                lon, lat = transform(a, b, candidate)
                hits = int(in_region_box(lon, lat).sum())
                if best is None or hits > best[0]:
                    best = (hits, candidate, lon, lat)
            assert best is not None
            return Coordinates(best[2], best[3], best[1], True, swapped)
    if is_geographic(crs):
        lon, lat = transform(a, b, crs) if crs != CRS_STORAGE else (a.copy(), b.copy())
        with np.errstate(invalid="ignore"):
            out_of_range = (np.abs(lon) > 180) | (np.abs(lat) > 90)
        lon[out_of_range] = np.nan
        lat[out_of_range] = np.nan
        inside = in_region_box(lon, lat)
        swapped = finite & ~inside & in_region_box(b, a)
        lon[swapped], lat[swapped] = b[swapped], a[swapped]
        return Coordinates(lon, lat, crs, detected, swapped)
    lon, lat = transform(a, b, crs)
    return Coordinates(lon, lat, crs, detected, swapped)
