"""Read a registry file into an accepted registry, rejected rows and a report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from mapping.datasets import Region, load_region
from mapping.registry.columns import TARGETS, detect_columns
from mapping.registry.errors import RegistryError
from mapping.registry.frame import to_registry
from mapping.registry.join import commune_index
from mapping.registry.limits import Limits, current
from mapping.registry.ministry import is_ministry, prepare
from mapping.registry.readers import read_bytes
from mapping.registry.validate import validate_table


@dataclass
class RegistryImport:
    """Result of :func:`read_registry`.

    Attributes
    ----------
    schools
        Accepted schools: a registry GeoDataFrame joined to communes
        (``attrs["name"]`` = file name, ``attrs["key"]`` = content hash).
    rejected
        Rejected rows: ``row``, the original columns and ``reasons``.
    issues
        The validation report: ``row, column, value, severity, code, message``.
    summary
        Counts: ``rows_read``, ``accepted``, ``rejected``, ``rejected_by_reason``
        (code → rows), ``warnings``, ``joined`` (method → schools: point, code,
        name), ``with_point``, plus ``format``, ``encoding``, ``separator``,
        ``crs`` and ``crs_detected``.
    column_map
        Source column → registry field actually used.
    unsure
        Whether the column detection was unsure (the UI then offers a manual
        mapping).
    missing
        Needed fields no column provided (when unsure).
    ministry
        Whether the file was read as a Ministry list.
    columns
        The file's columns, as read.
    parts
        Every sheet, layer or shapefile the file holds (empty for plain tables).
    part
        The one that was read (pass another as ``part`` to read it).
    """

    schools: gpd.GeoDataFrame
    rejected: pd.DataFrame
    issues: pd.DataFrame
    summary: dict[str, object]
    column_map: dict[str, str]
    unsure: bool
    missing: tuple[str, ...] = ()
    ministry: bool = False
    columns: list[str] = field(default_factory=list)
    parts: tuple[str, ...] = ()
    part: str | None = None

    @property
    def ok(self) -> bool:
        """Whether no row was rejected."""
        return len(self.rejected) == 0


def _bytes(source: bytes | Path, filename: str, max_bytes: int) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    path = Path(source)
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise RegistryError(f"cannot read {filename!r}: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise RegistryError(f"the file {filename!r} is larger than the {max_bytes:,}-byte "
                            "limit; split it or raise the limit")
    return data


def read_registry(
    source: bytes | Path,
    filename: str,
    *,
    crs: str | None = None,
    column_map: dict[str, str] | None = None,
    region: Region | None = None,
    max_bytes: int | None = None,
    part: str | None = None,
    limits: Limits | None = None,
) -> RegistryImport:
    """Read, validate and join a school registry file.

    Parameters
    ----------
    source
        File content, or a path to it.
    filename
        Original file name (its extension selects the reader; a Ministry list's
        name may give the cycle, e.g. ``lycees.xlsx``).
    crs
        CRS of the coordinates (e.g. ``"EPSG:26191"``); detected when ``None``.
    column_map
        Source column → registry field (see
        :data:`mapping.registry.columns.TARGETS`), replacing the detection.
    region
        The loaded region; loaded from ``data/`` when ``None``.
    max_bytes
        Refuse larger files (default :attr:`Limits.max_bytes`, i.e.
        :data:`~mapping.registry.limits.MAX_BYTES` unless overridden).
    part
        Sheet, layer or shapefile to read (default: the first holding data;
        the others are named in warnings and listed in ``parts``).
    limits
        Reading limits (default: :func:`mapping.registry.limits.current`).

    Returns
    -------
    RegistryImport

    Raises
    ------
    RegistryError
        When the file as a whole cannot be read (size, format, encoding) or the
        column map names columns the file does not have. Problems of single
        rows never raise: they are in the report.

    Examples
    --------
    >>> data = b"school_id,cycle,commune_code\\nT1,primary,07.041.03.05\\n"
    >>> read_registry(data, "test.csv").summary["accepted"]
    1
    """
    lim = (limits or current()).with_bytes(max_bytes)
    filename = Path(str(filename).replace("\\", "/")).name or "the file"
    data = _bytes(source, filename, lim.max_bytes)
    try:
        raw = read_bytes(data, filename, limits=lim, part=part)
    except (RegistryError, MemoryError, RecursionError):
        raise
    except Exception as exc:  # third-party parsers raise many types on corrupt input
        raise RegistryError(f"cannot read {filename!r}: {type(exc).__name__}") from exc
    columns = [str(c) for c in raw.table.columns]
    ministry = False
    default_sector = None
    missing: tuple[str, ...]
    if column_map is not None:
        unknown = sorted(set(column_map) - set(columns))
        if unknown:
            raise RegistryError(f"column map names columns not in the file: {unknown}")
        bad = sorted(set(column_map.values()) - set(TARGETS))
        if bad:
            raise RegistryError(f"column map uses unknown registry fields: {bad}; "
                                f"use {', '.join(TARGETS)}")
        cmap, unsure, missing = dict(column_map), False, ()
    elif is_ministry(raw.table.columns):
        raw, cmap = prepare(raw, filename)
        unsure, missing, ministry, default_sector = False, (), True, "public"
    else:
        detection = detect_columns(columns, has_geometry=raw.has_geometry)
        cmap, unsure, missing = detection.column_map, detection.unsure, detection.missing
    region = region or load_region()
    index = commune_index(region.communes)
    result = validate_table(
        raw, cmap, index, region.communes, crs=crs, default_sector=default_sector,
        source=("Ministry list: " if ministry else "imported: ") + filename,
    )
    accepted = result.accepted
    schools = to_registry(accepted, filename)  # keyed by its canonical content
    issues = result.issues
    errors = issues[issues["severity"] == "error"]
    by_reason = errors.drop_duplicates(["row", "code"])["code"].value_counts()
    coords = result.coordinates
    summary: dict[str, object] = {
        "format": raw.format,
        "encoding": raw.encoding,
        "separator": raw.separator,
        "crs": coords.crs if coords is not None else None,
        "crs_detected": bool(coords.detected) if coords is not None else False,
        "rows_read": len(raw.table),
        "accepted": len(accepted),
        "rejected": len(result.rejected),
        "rejected_by_reason": {str(k): int(v) for k, v in by_reason.items()},
        "warnings": int((issues["severity"] == "warning").sum()),
        "joined": {str(k): int(v) for k, v in result.join_method.value_counts().items()},
        "with_point": int(schools.geometry.notna().sum()),
        "parts": list(raw.parts),
        "part": raw.part,
    }
    return RegistryImport(
        schools=schools, rejected=result.rejected, issues=issues, summary=summary,
        column_map=cmap, unsure=unsure, missing=tuple(missing), ministry=ministry,
        columns=columns, parts=raw.parts, part=raw.part,
    )


def format_summary(summary: dict[str, object]) -> str:
    """Plain-text summary of an import (for the command line)."""
    lines = [
        f"rows read: {summary['rows_read']}",
        f"accepted: {summary['accepted']}",
        f"rejected: {summary['rejected']}",
    ]
    reasons = summary.get("rejected_by_reason") or {}
    assert isinstance(reasons, dict)
    for code, count in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"  {code}: {count}")
    joined = summary.get("joined") or {}
    assert isinstance(joined, dict)
    total = sum(joined.values())
    detail = ", ".join(f"{k} {v}" for k, v in sorted(joined.items()))
    lines.append(f"joined to communes: {total}" + (f" ({detail})" if detail else ""))
    lines.append(f"warnings: {summary.get('warnings', 0)}")
    if summary.get("crs"):
        how = "detected" if summary.get("crs_detected") else "given"
        lines.append(f"coordinates: {summary['crs']} ({how})")
    return "\n".join(lines)
