"""Validate a raw registry table row by row and build the canonical registry.

Every problem becomes one line of the report (row, column, value, severity,
code, message). Rows with an ``error`` are rejected but kept with their reasons;
rows with only ``warning`` lines are accepted (after the fix the message says).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mapping.registry.columns import normalise_cycle, normalise_kind, normalise_sector
from mapping.registry.coords import (
    Coordinates,
    in_region_box,
    is_geographic,
    parse_numbers,
    resolve,
)
from mapping.registry.join import CommuneIndex, point_communes
from mapping.registry.readers import RawTable
from mapping.schema import CYCLES, QUALITY_LEVELS, REGISTRY_COLUMNS

#: Report codes with their severity and English message template.
CODES: dict[str, tuple[str, str]] = {
    "missing_cycle": ("error", "no cycle given"),
    "unknown_cycle": ("error", "unknown cycle {value!r}; use primary, lower_secondary, "
                               "upper_secondary or preschool (or Primaire/Collégial/Qualifiant)"),
    "duplicate_id": ("error", "school id {value!r} already used on row {other}"),
    "missing_id": ("warning", "no school id; {fixed!r} assigned"),
    "missing_name": ("warning", "no school name"),
    "bad_coordinates": ("warning", "coordinate {value!r} is not a number; ignored"),
    "incomplete_coordinates": ("warning", "only one coordinate given; ignored"),
    "swapped_lat_lon": ("warning", "latitude and longitude look swapped; swapped back"),
    "outside_region": ("error", "point ({value}) read as {crs} is outside the Marrakech-Safi "
                                "region; check the coordinate system (WGS84 EPSG:4326, Lambert "
                                "Nord EPSG:26191 or Lambert Sud EPSG:26192) and the columns"),
    "outside_declared_commune": ("warning", "point lies in commune {fixed} not in the declared "
                                            "commune {value}; the point's commune is used"),
    "unknown_commune_code": ("warning", "unknown commune code {value!r}"),
    "unknown_commune_name": ("warning", "no commune named {value!r}"),
    "ambiguous_commune_name": ("warning", "commune name {value!r} matches several communes "
                                          "({fixed}); give the province or the code"),
    "no_commune": ("error", "the school cannot be placed in a commune: no valid point, "
                            "commune code or commune name"),
    "bad_number": ("warning", "{value!r} is not a number; ignored"),
    "negative_value": ("error", "negative value {value}"),
    "implausible_value": ("warning", "implausible value {value} (above {fixed})"),
    "pupils_above_seats": ("warning", "pupils ({value}) far above seats ({fixed})"),
    "girls_above_pupils": ("warning", "girls ({value}) above pupils ({fixed})"),
    "unknown_sector": ("warning", "unknown sector {value!r}; left empty (counted as public)"),
    "unknown_quality": ("warning", "unknown quality level {value!r}; replaced by {fixed!r}"),
    "bad_year": ("warning", "year {value!r} is not a year between 1900 and 2100; ignored"),
    "thousands_separator": ("warning", "{value!r} read as {fixed} (a count is a whole number, so "
                                       "the separator is taken for thousands); check it"),
    "duplicate_header": ("warning", "the header {value!r} appears again in column {position} "
                                    "(first in column {other}); that column is read as "
                                    "{fixed!r}"),
    "merged_lines": ("error", "lines {value} were read as one record ({fixed} lines): a quote "
                              "is opened and not closed where it should be; fix the quotes and "
                              "upload the file again"),
    "multiline_cell": ("warning", "a quoted cell spans lines {value}; check that it is not "
                                  "two records merged by a stray quote"),
    "doubtful_encoding": ("warning", "the file is not UTF-8; it was read as {value} "
                                     "(confidence {fixed}); if names look wrong, save it as "
                                     "CSV UTF-8 and upload it again"),
    "uncached_formula": ("warning", "cell {fixed} holds a formula with no saved result "
                                    "({value!r}); read as empty; open the file in Excel or "
                                    "LibreOffice, recalculate and save it"),
    "part_left": ("warning", "{kind} {value!r} ({fixed}) was not read: one {kind} is read at a "
                             "time; choose it or upload it as its own file"),
    "non_point_geometry": ("warning", "{value} geometry reduced to a point inside it "
                                      "(representative point); give the school's own point if "
                                      "known"),
}

#: Count columns: whole numbers, where ``1,200`` and ``1.200`` mean 1200.
COUNT_COLUMNS = ("classrooms", "seats", "pupils", "pupils_girls")
_THOUSANDS = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")
#: Names the report adds to the rejected rows (user columns of the same name are renamed).
RESERVED = ("row", "reasons")

#: Upper plausibility limit of each count column.
PLAUSIBLE_MAX = {"classrooms": 200, "seats": 10_000, "pupils": 10_000, "pupils_girls": 6_000}
#: Pupils above this multiple of the seats are reported.
PUPILS_OVER_SEATS = 1.5


@dataclass
class Report:
    """Accumulates report lines."""

    lines: list[dict[str, object]] = field(default_factory=list)

    def add(self, row: int, column: str, value: object, code: str, **kw: object) -> None:
        """Add one report line."""
        severity, template = CODES[code]
        self.lines.append({
            "row": int(row), "column": column, "value": None if value is None else str(value),
            "severity": severity, "code": code,
            "message": template.format(value=value, **kw),
        })

    def frame(self) -> pd.DataFrame:
        """The report as a DataFrame (row, column, value, severity, code, message)."""
        cols = ["row", "column", "value", "severity", "code", "message"]
        return pd.DataFrame(self.lines, columns=cols)


@dataclass
class Validated:
    """Output of :func:`validate_table`."""

    accepted: pd.DataFrame
    rejected: pd.DataFrame
    issues: pd.DataFrame
    join_method: pd.Series
    coordinates: Coordinates | None


def _text(src: dict[str, pd.Series], key: str, n: int) -> list[str | None]:
    if key not in src:
        return [None] * n
    return [None if v is None or str(v).strip() == "" else str(v).strip()
            for v in src[key].tolist()]


def validate_table(
    raw: RawTable,
    column_map: dict[str, str],
    index: CommuneIndex,
    communes: pd.DataFrame,
    *,
    crs: str | None = None,
    default_cycle: str | None = None,
    default_sector: str | None = None,
    source: str | None = None,
    row_numbers: np.ndarray | None = None,
) -> Validated:
    """Check every row of *raw* and build the canonical registry table.

    Parameters
    ----------
    raw
        The table as read.
    column_map
        Source column → target field (see :data:`mapping.registry.columns.TARGETS`).
    index, communes
        Commune lookups and polygons for the joins.
    crs
        CRS of the coordinate columns; detected when ``None``.
    default_cycle, default_sector
        Used where the file has no such column (e.g. a Ministry list per cycle).
    source
        Value of ``source`` where the file gives none.
    row_numbers
        Row number of each record for the report; defaults to ``raw.row_numbers()``.
    """
    table = raw.table
    n = len(table)
    rows = raw.row_numbers() if row_numbers is None else row_numbers
    src: dict[str, pd.Series] = {}
    for column, target in column_map.items():
        if column in table and target not in src:
            src[target] = table[column].reset_index(drop=True)
    col_of = {target: column for column, target in column_map.items() if column in table}
    rep = Report()
    error = np.zeros(n, dtype=bool)

    def flag(i: int, target: str, value: object, code: str, **kw: object) -> None:
        rep.add(int(rows[i]), col_of.get(target, target), value, code, **kw)
        if CODES[code][0] == "error":
            error[i] = True

    for note in raw.notes:
        rep.add(note.row, note.column, note.value, note.code, **note.extra)
        if note.index is not None and CODES[note.code][0] == "error" and note.index < n:
            error[note.index] = True
    out: dict[str, object] = {}
    # identity
    ids = _text(src, "school_id", n)
    seen: dict[str, int] = {}
    for i, sid in enumerate(ids):
        if sid is None:
            ids[i] = f"ROW-{rows[i]}"
            flag(i, "school_id", None, "missing_id", fixed=ids[i])
        elif sid in seen:
            flag(i, "school_id", sid, "duplicate_id", other=seen[sid])
        else:
            seen[sid] = int(rows[i])
    out["school_id"] = ids
    for key in ("name_fr", "name_ar", "parent_id", "status", "source"):
        out[key] = _text(src, key, n)
    for i in range(n):
        if out["name_fr"][i] is None and out["name_ar"][i] is None:  # type: ignore[index]
            flag(i, "name_fr", None, "missing_name")
    if source:
        out["source"] = [s or source for s in out["source"]]  # type: ignore[attr-defined]
    # coded values
    out["cycle"] = _coded(src, "cycle", n, normalise_cycle, default_cycle, flag, required=True)
    out["sector"] = _coded(src, "sector", n, normalise_sector, default_sector, flag)
    kinds = _text(src, "kind", n)
    out["kind"] = [normalise_kind(k) or k for k in kinds]
    # numbers
    for key in ("classrooms", "seats", "pupils", "pupils_girls", "year"):
        out[key] = _numbers(src, key, n, flag)
    _check_capacity(out, n, flag)
    # coordinates and communes
    coords = _coordinates(raw, src, n, crs, flag)
    lon = coords.lon if coords is not None else np.full(n, np.nan)
    lat = coords.lat if coords is not None else np.full(n, np.nan)
    in_box = in_region_box(lon, lat)
    has_point = np.isfinite(lon) & np.isfinite(lat)
    pcode = point_communes(np.where(in_box, lon, np.nan), np.where(in_box, lat, np.nan),
                           communes)
    commune, method = _communes(src, n, index, has_point, pcode, coords, flag)
    keep_point = has_point & (pcode != None)  # noqa: E711  (object array)
    out["lon"] = np.where(keep_point, np.round(lon, 6), np.nan)
    out["lat"] = np.where(keep_point, np.round(lat, 6), np.nan)
    out["commune_code"] = commune
    # quality
    cap_given = np.zeros(n, dtype=bool)
    for key in ("classrooms", "seats", "pupils"):
        cap_given |= np.isfinite(np.asarray(out[key], dtype=float))
    out["location_quality"] = _quality(
        src, "location_quality", n, ["imported" if k else None for k in keep_point], flag)
    out["capacity_quality"] = _quality(
        src, "capacity_quality", n, ["imported" if k else None for k in cap_given], flag)
    canonical = pd.DataFrame({c: out.get(c) for c in REGISTRY_COLUMNS})
    for c in REGISTRY_COLUMNS:
        if c not in out:
            canonical[c] = None
    issues = rep.frame()
    reasons = issues[issues["severity"] == "error"].groupby("row")["message"].agg("; ".join)
    rejected = table.loc[error].copy()
    rejected.columns = pd.Index(_free_names([str(c) for c in rejected.columns]))
    rejected.insert(0, "row", rows[error])
    rejected["reasons"] = [reasons.get(int(r), "") for r in rows[error]]
    return Validated(
        accepted=canonical.loc[~error].reset_index(drop=True),
        rejected=rejected.reset_index(drop=True),
        issues=issues,
        join_method=pd.Series(np.asarray(method, dtype=object)[~error]).reset_index(drop=True),
        coordinates=coords,
    )


_Flag = Callable[..., None]


def _free_names(columns: list[str]) -> list[str]:
    """*columns* with names in :data:`RESERVED` renamed ``name (file)``."""
    out: list[str] = []
    for c in columns:
        name = c
        while name in RESERVED or (name != c and name in columns):
            name = f"{name} (file)"
        out.append(name)
    return out


def _coded(
    src: dict[str, pd.Series], key: str, n: int, normalise: Callable[[object], str | None],
    default: str | None, flag: _Flag, *, required: bool = False,
) -> list[str | None]:
    values = _text(src, key, n)
    out: list[str | None] = []
    for i, v in enumerate(values):
        if v is None:
            if default is None and required:
                flag(i, key, None, "missing_cycle")
            out.append(default)
            continue
        got = normalise(v)
        if got is None:
            flag(i, key, v, "unknown_cycle" if key == "cycle" else "unknown_sector")
        out.append(got)
    if key == "cycle":
        assert all(c is None or c in CYCLES for c in out)
    return out


def _numbers(src: dict[str, pd.Series], key: str, n: int, flag: _Flag) -> np.ndarray:
    if key not in src:
        return np.full(n, np.nan)
    values, bad = parse_numbers(src[key])
    raw = src[key].tolist()
    for i in np.flatnonzero(bad):
        flag(int(i), key, raw[i], "bad_number")
    if key in COUNT_COLUMNS:
        for k, v in enumerate(raw):
            if v is not None and _THOUSANDS.match(str(v).strip()):
                values[k] = float(re.sub(r"\D", "", str(v)))
                flag(k, key, v, "thousands_separator", fixed=f"{values[k]:,.0f}".replace(",", " "))
    if key == "year":
        wrong = np.isfinite(values) & ((values < 1900) | (values > 2100))
        for i in np.flatnonzero(wrong):
            flag(int(i), key, raw[i], "bad_year")
        values[wrong] = np.nan
        return values
    for i in np.flatnonzero(values < 0):
        flag(int(i), key, raw[i], "negative_value")
    limit = PLAUSIBLE_MAX.get(key)
    if limit is not None:
        for i in np.flatnonzero(values > limit):
            flag(int(i), key, raw[i], "implausible_value", fixed=limit)
    return values


def _check_capacity(out: dict[str, object], n: int, flag: _Flag) -> None:
    pupils = np.asarray(out["pupils"], dtype=float)
    seats = np.asarray(out["seats"], dtype=float)
    girls = np.asarray(out["pupils_girls"], dtype=float)
    with np.errstate(invalid="ignore"):
        over = (seats > 0) & (pupils > PUPILS_OVER_SEATS * seats)
        girls_over = girls > pupils
    for i in np.flatnonzero(over):
        flag(int(i), "pupils", f"{pupils[i]:g}", "pupils_above_seats", fixed=f"{seats[i]:g}")
    for i in np.flatnonzero(girls_over):
        flag(int(i), "pupils_girls", f"{girls[i]:g}", "girls_above_pupils",
             fixed=f"{pupils[i]:g}")


def _coordinates(
    raw: RawTable, src: dict[str, pd.Series], n: int, crs: str | None, flag: _Flag
) -> Coordinates | None:
    pairs = [("x", "y"), ("lon", "lat")]
    ka = "lon"
    for ka, kb in pairs:
        if ka in src and kb in src:
            a, bad_a = parse_numbers(src[ka])
            b, bad_b = parse_numbers(src[kb])
            for key, bad, col in ((ka, bad_a, src[ka]), (kb, bad_b, src[kb])):
                for i in np.flatnonzero(bad):
                    flag(int(i), key, col.iloc[i], "bad_coordinates")
            one = np.isfinite(a) ^ np.isfinite(b)
            for i in np.flatnonzero(one & ~bad_a & ~bad_b):
                flag(int(i), ka, None, "incomplete_coordinates")
            a[one], b[one] = np.nan, np.nan
            break
    else:
        if raw.x is None or raw.y is None or not np.isfinite(raw.x).any():
            return None
        a, b = raw.x.copy(), raw.y.copy()
        crs = crs or raw.crs
        ka = "geometry"
    coords = resolve(a, b, crs)
    coords.given_x, coords.given_y, coords.column = a, b, ka
    lost = np.isfinite(a) & np.isfinite(b) & ~np.isfinite(coords.lon)
    for i in np.flatnonzero(lost):
        flag(int(i), ka, f"{a[i]:g}, {b[i]:g}", "outside_region", crs=coords.crs)
    for i in np.flatnonzero(coords.swapped):
        flag(int(i), "lat", f"{coords.lat[i]:.5f}, {coords.lon[i]:.5f}", "swapped_lat_lon")
    return coords


def _given(coords: Coordinates, i: int) -> str:
    """The pair as the file gave it (degrees to 5 decimals, metres to 2)."""
    assert coords.given_x is not None and coords.given_y is not None
    digits = 5 if is_geographic(coords.crs) else 2
    return f"{coords.given_x[i]:.{digits}f}, {coords.given_y[i]:.{digits}f}"


def _communes(
    src: dict[str, pd.Series], n: int, index: CommuneIndex, has_point: np.ndarray,
    pcode: np.ndarray, coords: Coordinates | None, flag: _Flag,
) -> tuple[list[str | None], list[str | None]]:
    codes = _text(src, "commune_code", n)
    names = _text(src, "commune_name", n)
    provinces = _text(src, "province_name", n)
    commune: list[str | None] = []
    method: list[str | None] = []
    for i in range(n):
        declared = index.code(codes[i]) if codes[i] else None
        by_name = False
        if codes[i] and declared is None:
            found = index.by_commune_name(codes[i], index.province(provinces[i]))
            if len(found) == 1:  # a commune name written in the code column
                declared, by_name = found[0], True
            else:
                flag(i, "commune_code", codes[i], "unknown_commune_code")
        if declared is None and names[i]:
            by_name = True
            declared = index.code(names[i])  # a code written in the name column
            if declared is None:
                found = index.by_commune_name(names[i], index.province(provinces[i]))
                if len(found) == 1:
                    declared = found[0]
                elif found:
                    flag(i, "commune_name", names[i], "ambiguous_commune_name",
                         fixed=", ".join(found))
                else:
                    flag(i, "commune_name", names[i], "unknown_commune_name")
        if has_point[i]:
            if pcode[i] is None:
                assert coords is not None and coords.given_x is not None
                assert coords.given_y is not None
                flag(i, coords.column, _given(coords, i), "outside_region", crs=coords.crs)
                commune.append(None)
                method.append(None)
                continue
            if declared is not None and declared != pcode[i]:
                flag(i, "commune_code", declared, "outside_declared_commune", fixed=pcode[i])
            commune.append(str(pcode[i]))
            method.append("point")
            continue
        if declared is None:
            flag(i, "commune_code", codes[i] or names[i], "no_commune")
            method.append(None)
        else:
            method.append("name" if by_name else "code")
        commune.append(declared)
    return commune, method


def _quality(
    src: dict[str, pd.Series], key: str, n: int, fallback: list[str | None], flag: _Flag
) -> list[str | None]:
    given = _text(src, key, n)
    out: list[str | None] = []
    for i, v in enumerate(given):
        fb = fallback[i]
        if v is None:
            out.append(fb)
        elif v.lower() in QUALITY_LEVELS:
            out.append(v.lower())
        else:
            flag(i, key, v, "unknown_quality", fixed=fb)
            out.append(fb)
    return out
