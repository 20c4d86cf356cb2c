"""Read registry files into a table of text cells, whatever their format.

Formats: CSV/TXT (UTF-8, UTF-8 with BOM, Windows-1256, Latin-1; ``,`` ``;``
tab or ``|`` separators), XLSX, GeoJSON, GeoPackage and zipped Shapefile.
Every cell is returned as text (``None`` when empty) so that validation sees
exactly what the file holds; vector formats also give their point
coordinates and CRS. Anything unreadable raises :class:`RegistryError`.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from mapping.registry.columns import header_key
from mapping.registry.errors import RegistryError

#: Default upload limit in bytes.
MAX_BYTES = 50_000_000
#: Largest accepted uncompressed/compressed size ratio of a zip member.
MAX_ZIP_RATIO = 100
#: Largest accepted number of rows.
MAX_ROWS = 200_000

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg")


@dataclass
class RawTable:
    """A registry file as read, before validation.

    Attributes
    ----------
    table
        One column per source column (original headers), text cells or ``None``.
    format
        ``csv``, ``xlsx``, ``geojson``, ``gpkg`` or ``shapefile``.
    encoding, separator
        For CSV files.
    x, y
        Point coordinates from a vector file's geometry (NaN where none).
    crs
        The vector file's CRS (``"EPSG:nnnn"`` or WKT), or ``None``.
    header_row
        0-based index of the header row in a spreadsheet or CSV (rows above
        it are titles).
    rows
        Sheet or line row number (1-based) of each record, for tables.
    """

    table: pd.DataFrame
    format: str
    encoding: str | None = None
    separator: str | None = None
    x: np.ndarray | None = None
    y: np.ndarray | None = None
    crs: str | None = None
    header_row: int = 0
    rows: np.ndarray | None = None

    def row_numbers(self) -> np.ndarray:
        """Row number of each record as the user sees it (sheet/line row, or feature 1..n)."""
        if self.rows is not None and len(self.rows) == len(self.table):
            return np.asarray(self.rows, dtype=int)
        return np.arange(1, len(self.table) + 1)


_ARABIC = re.compile("[\u0600-\u06ff]")


def decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes; return ``(text, encoding)``.

    UTF-8 (with or without BOM) is tried first; otherwise Windows-1256 when it
    turns the non-ASCII bytes into mostly Arabic letters, else Latin-1.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise RegistryError(f"the file looks like UTF-16 but cannot be decoded: {exc}") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    arabic = data.decode("cp1256", errors="replace")
    non_ascii = [ch for ch in arabic if ord(ch) > 127]
    if non_ascii and sum(bool(_ARABIC.match(ch)) for ch in non_ascii) >= 0.5 * len(non_ascii):
        return arabic, "windows-1256"
    return data.decode("latin-1"), "latin-1"


def sniff_separator(text: str) -> str:
    """The most likely field separator among ``,`` ``;`` tab and ``|``."""
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {sep: sample.count(sep) for sep in (";", ",", "\t", "|")}
        return max(counts, key=lambda k: counts[k]) if any(counts.values()) else ","


def _cells(df: pd.DataFrame) -> pd.DataFrame:
    """Turn every cell into stripped text, ``None`` for empty."""
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    for i, col in enumerate(df.columns):
        name = str(col).strip() if str(col).strip() and not str(col).startswith("Unnamed:") \
            else f"column_{i + 1}"
        while name in out:
            name = f"{name}_{i + 1}"
        values: list[str | None] = []
        for v in df.iloc[:, i].tolist():
            if v is None or (isinstance(v, float) and np.isnan(v)):
                values.append(None)
                continue
            text = str(v).strip()
            if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
                text = str(int(v))
            values.append(text or None)
        out[name] = pd.Series(values, dtype=object)
    return out


def _find_header(grid: pd.DataFrame, limit: int = 15) -> int:
    """Index of the first row that looks like a header (recognised names), else 0."""
    from mapping.registry.columns import _LOOKUP

    best, best_hits = 0, 0
    for i in range(min(limit, len(grid))):
        cells = [c for c in grid.iloc[i].tolist() if c is not None and str(c).strip()]
        hits = sum(header_key(str(c)) in _LOOKUP for c in cells)
        if hits > best_hits:
            best, best_hits = i, hits
        if hits >= 3:
            break
    return best


def _from_grid(grid: pd.DataFrame, fmt: str, **kw: object) -> RawTable:
    grid = _cells(grid)
    if grid.empty:
        raise RegistryError("the file holds no table (no rows)")
    header = _find_header(grid)
    names = [str(c) if c is not None else f"column_{j + 1}"
             for j, c in enumerate(grid.iloc[header].tolist())]
    body = grid.iloc[header + 1:]
    body.columns = pd.Index(_unique(names))
    body = body.dropna(how="all")
    rows = body.index.to_numpy() + 1  # 1-based line or sheet row of each record
    body = body.reset_index(drop=True)
    if len(body) > MAX_ROWS:
        raise RegistryError(f"the file has {len(body):,} rows; at most {MAX_ROWS:,} are accepted")
    return RawTable(table=body, format=fmt, header_row=header, rows=rows,
                    **kw)  # type: ignore[arg-type]


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        name = name.strip() or "column"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


def read_csv_bytes(data: bytes) -> RawTable:
    """Read CSV bytes (encoding and separator detected)."""
    text, encoding = decode(data)
    if "\x00" in text:
        raise RegistryError("the file is not a text table (binary content)")
    if not text.strip():
        raise RegistryError("the file is empty")
    sep = sniff_separator(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error as exc:
        raise RegistryError(f"cannot parse the CSV file: {exc}") from exc
    if not rows:
        raise RegistryError("the file holds no table (no rows)")
    if len(rows) > MAX_ROWS + 20:
        raise RegistryError(f"the file has {len(rows):,} rows; at most {MAX_ROWS:,} are accepted")
    width = max(len(r) for r in rows)
    grid = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
    return _from_grid(grid, "csv", encoding=encoding, separator=sep)


def read_excel_bytes(data: bytes) -> RawTable:
    """Read the first non-empty sheet of an XLSX workbook."""
    try:
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, header=None, dtype=object,
                               engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types on corrupt files
        raise RegistryError(
            f"cannot read the Excel workbook: {type(exc).__name__}: {exc}") from exc
    for grid in sheets.values():
        if grid.dropna(how="all").shape[0] > 1:
            return _from_grid(grid.reset_index(drop=True), "xlsx")
    raise RegistryError("the workbook has no sheet with a header and data rows")


def _read_vector(path: Path, fmt: str) -> RawTable:
    import geopandas as gpd

    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types
        raise RegistryError(f"cannot read the {fmt} file: {type(exc).__name__}: {exc}") from exc
    if len(gdf) > MAX_ROWS:
        raise RegistryError(f"the file has {len(gdf):,} features; at most {MAX_ROWS:,} "
                            "are accepted")
    crs = None
    x = np.full(len(gdf), np.nan)
    y = np.full(len(gdf), np.nan)
    if "geometry" in gdf and gdf.geometry is not None:
        crs = gdf.crs.to_string() if gdf.crs is not None else None
        geom = gdf.geometry
        pts = geom.notna() & ~geom.is_empty
        if pts.any():
            centres = geom[pts]
            not_point = centres.geom_type != "Point"
            if not_point.any():
                centres = centres.copy()
                centres[not_point] = centres[not_point].representative_point()
            x[pts.to_numpy()] = centres.x.to_numpy()
            y[pts.to_numpy()] = centres.y.to_numpy()
    table = _cells(pd.DataFrame(gdf.drop(columns="geometry", errors="ignore")))
    return RawTable(table=table, format=fmt, x=x, y=y, crs=crs)


def _safe_members(zf: zipfile.ZipFile, max_bytes: int) -> list[zipfile.ZipInfo]:
    members = zf.infolist()
    total = 0
    for info in members:
        name = PurePosixPath(info.filename.replace("\\", "/"))
        if name.is_absolute() or ".." in name.parts or re.match(r"^[A-Za-z]:", info.filename):
            raise RegistryError(f"the zip archive has an unsafe member path: {info.filename!r}")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1_000_000 and ratio > MAX_ZIP_RATIO:
            raise RegistryError(
                f"the zip member {info.filename!r} expands {ratio:.0f} times; "
                "the archive is refused as a possible zip bomb")
    if total > max_bytes:
        raise RegistryError(f"the zip archive expands to {total:,} bytes, above the "
                            f"{max_bytes:,}-byte limit")
    return members


def read_zip_bytes(data: bytes, max_bytes: int) -> RawTable:
    """Read a zipped Shapefile (or a zipped CSV/XLSX/GeoJSON/GeoPackage)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise RegistryError(f"cannot open the zip archive: {exc}") from exc
    with zf, tempfile.TemporaryDirectory(prefix="registry-") as tmp:
        members = _safe_members(zf, max_bytes)
        files = [m for m in members if not m.is_dir()]
        shp = [m for m in files if m.filename.lower().endswith(".shp")]
        try:
            if shp:
                stem = shp[0].filename[:-4].lower()
                for m in files:
                    if m.filename.lower().rsplit(".", 1)[0] == stem:
                        target = Path(tmp) / PurePosixPath(m.filename).name
                        target.write_bytes(zf.read(m))
                return _read_vector(Path(tmp) / PurePosixPath(shp[0].filename).name,
                                    "shapefile")
            others = [m for m in files if m.filename.lower().endswith(
                CSV_SUFFIXES + EXCEL_SUFFIXES + VECTOR_SUFFIXES)]
            if len(others) == 1:
                return read_bytes(zf.read(others[0]), PurePosixPath(others[0].filename).name,
                                  max_bytes)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as exc:
            raise RegistryError(f"cannot extract the zip archive: {exc}") from exc
    raise RegistryError("the zip archive holds no Shapefile (.shp) nor a single table file")


def read_bytes(data: bytes, filename: str, max_bytes: int = MAX_BYTES) -> RawTable:
    """Read a registry file's bytes according to its extension.

    Parameters
    ----------
    data
        File content.
    filename
        Original file name; its extension selects the reader.
    max_bytes
        Refuse larger files.

    Raises
    ------
    RegistryError
        Too large, unknown extension or unreadable content.
    """
    if len(data) > max_bytes:
        raise RegistryError(
            f"the file {filename!r} is {len(data):,} bytes, above the {max_bytes:,}-byte "
            "limit; split it or raise the limit")
    if not data:
        raise RegistryError(f"the file {filename!r} is empty")
    suffix = Path(filename).suffix.lower()
    if suffix in CSV_SUFFIXES:
        return read_csv_bytes(data)
    if suffix in EXCEL_SUFFIXES:
        return read_excel_bytes(data)
    if suffix == ".xls":
        raise RegistryError("old Excel .xls files are not read; save the sheet as .xlsx or CSV")
    if suffix == ".zip":
        return read_zip_bytes(data, max_bytes)
    if suffix in VECTOR_SUFFIXES:
        fmt = "gpkg" if suffix == ".gpkg" else "geojson"
        if fmt == "geojson" and data.lstrip()[:1] not in (b"{", b"["):
            raise RegistryError(f"the file {filename!r} is not GeoJSON (it does not start "
                                "with '{')")
        if fmt == "gpkg" and not data.startswith(b"SQLite format 3\x00"):
            raise RegistryError(f"the file {filename!r} is not a GeoPackage")
        with tempfile.TemporaryDirectory(prefix="registry-") as tmp:
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(data)
            return _read_vector(path, fmt)
    raise RegistryError(
        f"unsupported file type {suffix or '(none)'!r} for {filename!r}; use CSV, XLSX, "
        "GeoJSON, GeoPackage or a zipped Shapefile")
