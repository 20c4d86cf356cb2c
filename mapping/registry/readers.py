"""Read registry files into a table of text cells, whatever their format.

Formats: CSV/TXT/TSV (UTF-8, UTF-8 with BOM, UTF-16, Windows-1256,
Windows-1252; ``,`` ``;`` tab or ``|`` separators), XLSX/XLSM, GeoJSON,
GeoPackage and zipped Shapefile (or a zipped table). Every cell is returned as
text (``None`` when empty) so that validation sees exactly what the file holds;
vector formats also give their point coordinates and CRS. Every limit of
:mod:`mapping.registry.limits` is checked before or while reading. Anything
unreadable raises :class:`RegistryError`; problems of single rows become
notes for the report.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from mapping.registry.archive import check_members, open_zip, read_member
from mapping.registry.encoding import decode as _decode
from mapping.registry.encoding import guess
from mapping.registry.errors import RegistryError
from mapping.registry.excel import read_excel_bytes
from mapping.registry.limits import MAX_BYTES, Limits, current
from mapping.registry.raw import Note, RawTable
from mapping.registry.textfile import read_csv_bytes, sniff_separator
from mapping.registry.vector import read_vector

__all__ = [
    "CSV_SUFFIXES", "EXCEL_SUFFIXES", "MAX_BYTES", "MAX_ROWS", "MAX_ZIP_RATIO", "SUFFIXES",
    "VECTOR_SUFFIXES", "RawTable", "decode", "read_bytes", "read_csv_bytes",
    "read_excel_bytes", "sniff_separator",
]

#: Default largest accepted number of rows (see :class:`~mapping.registry.limits.Limits`).
MAX_ROWS = Limits().max_rows
#: Default largest accepted compression ratio of a zip member.
MAX_ZIP_RATIO = Limits().max_zip_ratio

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg")
#: Every extension the readers accept (the app's uploader accepts the same).
SUFFIXES = (*CSV_SUFFIXES, *EXCEL_SUFFIXES, *VECTOR_SUFFIXES, ".zip")


def decode(data: bytes) -> tuple[str, str]:
    """Decode text bytes; return ``(text, encoding)`` (see :mod:`mapping.registry.encoding`)."""
    got = _decode(data)
    return got.text, got.encoding


def _dbf_encoding(dbf: bytes) -> tuple[str | None, Note | None]:
    """Encoding of a DBF's records when no ``.cpg`` says it, and a note when doubtful."""
    start = int.from_bytes(dbf[8:10], "little") if len(dbf) >= 32 else 0
    body = dbf[start:]
    if body.isascii():
        return None, None
    try:
        body.decode("utf-8")
        return "UTF-8", None
    except UnicodeDecodeError:
        pass
    codec, confidence, _ = guess(body.replace(b"\x20\x20", b"\n"))
    name = {"cp1256": "CP1256", "cp1252": "CP1252"}[codec]
    note = Note(0, "", name, "doubtful_encoding", extra={"fixed": f"{confidence:.0%}"}) \
        if confidence < 0.9 else None
    return name, note


def _read_shapefile(zf: object, files: list[zipfile.ZipInfo], shp: list[zipfile.ZipInfo],
                    filename: str, tmp: str,
                    limits: Limits, part: str | None) -> RawTable:
    assert isinstance(zf, zipfile.ZipFile)
    names = [PurePosixPath(m.filename).name for m in shp]
    if part is not None and part not in names:
        raise RegistryError(f"{filename!r} has no shapefile {part!r}; it holds "
                            f"{', '.join(map(repr, names))}")
    chosen = shp[names.index(part)] if part is not None else shp[0]
    stem = chosen.filename[:-4].lower()
    has_cpg = False
    dbf = b""
    for m in files:
        if m.filename.lower().rsplit(".", 1)[0] == stem:
            data = read_member(zf, m, filename, limits)
            target = Path(tmp) / PurePosixPath(m.filename).name
            target.write_bytes(data)
            suffix = m.filename.lower().rsplit(".", 1)[-1]
            has_cpg = has_cpg or suffix == "cpg"
            if suffix == "dbf":
                dbf = data
    notes: list[Note] = []
    encoding = None
    if not has_cpg and dbf:
        encoding, note = _dbf_encoding(dbf)
        if note is not None:
            notes.append(note)
    others = tuple(n for n in names if n != PurePosixPath(chosen.filename).name)
    raw = read_vector(Path(tmp) / PurePosixPath(chosen.filename).name, "shapefile", filename,
                      tmp, limits, encoding=encoding, notes=notes, others=others)
    raw.parts, raw.part = tuple(names), PurePosixPath(chosen.filename).name
    return raw


def read_zip_bytes(data: bytes, max_bytes: int | None = None, filename: str = "the archive",
                   limits: Limits | None = None, part: str | None = None) -> RawTable:
    """Read a zipped Shapefile (or a zipped CSV/XLSX/GeoJSON/GeoPackage)."""
    lim = (limits or current()).with_bytes(max_bytes)
    with open_zip(data, filename) as zf, tempfile.TemporaryDirectory(prefix="registry-") as tmp:
        members = check_members(zf, filename, lim)
        files = [m for m in members if not m.is_dir()]
        shp = [m for m in files if m.filename.lower().endswith(".shp")]
        if shp:
            return _read_shapefile(zf, files, shp, filename, tmp, lim, part)
        tables = [m for m in files if m.filename.lower().endswith(SUFFIXES)
                  and not m.filename.lower().endswith(".zip")]
        if len(tables) == 1:
            inner = PurePosixPath(tables[0].filename).name
            return read_bytes(read_member(zf, tables[0], filename, lim), inner,
                              lim.max_bytes, limits=lim, part=part)
        if len(tables) > 1:
            raise RegistryError(f"{filename!r} holds {len(tables)} table files "
                                f"({', '.join(repr(m.filename) for m in tables[:5])}); "
                                "zip one registry at a time")
    raise RegistryError(f"{filename!r} holds no Shapefile (.shp) nor a table file")


def read_bytes(data: bytes, filename: str, max_bytes: int | None = None, *,
               limits: Limits | None = None, part: str | None = None) -> RawTable:
    """Read a registry file's bytes according to its extension.

    Parameters
    ----------
    data
        File content.
    filename
        Original file name; its extension selects the reader (only its base
        name appears in messages).
    max_bytes
        Refuse larger files (and archives expanding past it); default
        :attr:`Limits.max_bytes`.
    limits
        The limits (default: :func:`mapping.registry.limits.current`).
    part
        Sheet, layer or shapefile to read (default: the first holding data).

    Raises
    ------
    RegistryError
        Too large, unknown extension, above a limit or unreadable content.
    """
    lim = (limits or current()).with_bytes(max_bytes)
    filename = PurePosixPath(str(filename).replace("\\", "/")).name or "the file"
    if len(data) > lim.max_bytes:
        raise RegistryError(
            f"the file {filename!r} is {len(data):,} bytes, above the {lim.max_bytes:,}-byte "
            "limit; split it or raise the limit")
    if not data:
        raise RegistryError(f"the file {filename!r} is empty")
    suffix = Path(filename).suffix.lower()
    if suffix in CSV_SUFFIXES:
        return read_csv_bytes(data, filename, lim)
    if suffix in EXCEL_SUFFIXES:
        return read_excel_bytes(data, filename, lim, part)
    if suffix == ".xls":
        raise RegistryError(f"{filename!r} is an old Excel .xls file, which is not read; save "
                            "the sheet as .xlsx or CSV")
    if suffix == ".zip":
        return read_zip_bytes(data, filename=filename, limits=lim, part=part)
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
            return read_vector(path, fmt, filename, tmp, lim, part=part)
    raise RegistryError(
        f"unsupported file type {suffix or '(none)'!r} for {filename!r}; use CSV, TSV, XLSX, "
        "GeoJSON, GeoPackage or a zipped Shapefile")
