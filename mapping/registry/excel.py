"""XLSX/XLSM workbooks, streamed: the zip is checked before parsing, sheets row by row.

The archive's declared sizes and ratios are checked first
(:func:`mapping.registry.archive.check_members`), then each sheet's declared
dimension; rows are parsed one at a time and the reading stops as soon as a
limit is passed. Every sheet holding a table is listed: the first one (or the
one asked for) is read and each other is named in a warning. Formulas whose
result was never saved are reported cell by cell.
"""

from __future__ import annotations

import io
import re
from typing import Any

from mapping.registry.archive import check_members, open_zip, read_member
from mapping.registry.errors import RegistryError
from mapping.registry.grid import HEADER_SLACK, Cells, build, cell_text
from mapping.registry.limits import Limits
from mapping.registry.raw import Note, RawTable


def _column_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _parser_class() -> Any:
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):  # type: ignore[misc]
        """Cached values only, remembering formulas that have none."""

        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            if cell["value"] is None:
                formula = element.find(FORMULA_TAG)
                if formula is not None:
                    cell["formula"] = "=" + (formula.text or "")
            return cell

    return Parser


_SHEET_PATH = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _count_rows(xml: bytes, member: str, filename: str, lim: Limits) -> None:
    """Refuse a sheet with too many rows before any XML parser sees it."""
    rows = len(_ROW_TAG.findall(xml))
    if rows > lim.max_rows + HEADER_SLACK:
        raise RegistryError(
            f"a sheet of {filename!r} ({member}) has {rows:,} rows; at most "
            f"{lim.max_rows:,} are accepted; delete the rows below the table or split it")


def _looks_like_table(rows: list[Cells]) -> bool:
    """Whether a sheet has a row with three or more registry headers (not notes or help)."""
    from mapping.registry.columns import _LOOKUP, header_key

    return any(sum(header_key(c) in _LOOKUP for c in row if c) >= 3
               for row in rows[:HEADER_SLACK])


def _sheet_rows(wb: Any, ws: Any, filename: str, lim: Limits,
                notes: list[Note] | None) -> tuple[list[Cells], list[int]]:
    """Stream one sheet's rows; *notes* (when given) collects uncached formulas."""
    title = ws.title
    max_row, max_col = ws.max_row, ws.max_column
    if max_col is not None and max_col > lim.max_columns:
        raise RegistryError(
            f"sheet {title!r} of {filename!r} spans {max_col:,} columns (to column "
            f"{_column_letters(max_col)}); at most {lim.max_columns:,} are accepted; delete "
            "the columns and stray cells right of the table")
    if max_row is not None and max_row > lim.max_rows + HEADER_SLACK:
        raise RegistryError(
            f"sheet {title!r} of {filename!r} spans {max_row:,} rows; at most "
            f"{lim.max_rows:,} are accepted; delete the rows below the table or split it")
    parser = _parser_class()(
        wb._archive.open(ws._worksheet_path), ws._shared_strings, data_only=True,
        epoch=wb.epoch, date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
    rows: list[Cells] = []
    lines: list[int] = []
    cells_total = 0
    try:
        for number, cells in parser.parse():
            if number > lim.max_rows + HEADER_SLACK or len(rows) >= lim.max_rows + HEADER_SLACK:
                raise RegistryError(
                    f"sheet {title!r} of {filename!r} has a row {number:,}; at most "
                    f"{lim.max_rows:,} rows are accepted; delete the rows below the table")
            if not cells:
                continue
            width = max(c["column"] for c in cells)
            if width > lim.max_columns:
                raise RegistryError(
                    f"cell {_column_letters(width)}{number} of sheet {title!r} in {filename!r}"
                    f" is beyond column {_column_letters(lim.max_columns)}; at most "
                    f"{lim.max_columns:,} columns are accepted; delete the stray cells")
            cells_total += width
            if cells_total > lim.max_cells:
                raise RegistryError(f"sheet {title!r} of {filename!r} has more than "
                                    f"{lim.max_cells:,} cells; split it")
            row: Cells = [None] * width
            for c in cells:
                text = cell_text(c["value"])
                if text is not None and len(text) > lim.max_cell_chars:
                    raise RegistryError(
                        f"cell {_column_letters(c['column'])}{number} of sheet {title!r} in "
                        f"{filename!r} holds {len(text):,} characters; at most "
                        f"{lim.max_cell_chars:,} are accepted")
                row[c["column"] - 1] = text
                if notes is not None and "formula" in c:
                    notes.append(Note(number, _column_letters(c["column"]),
                                      c["formula"][:200], "uncached_formula",
                                      extra={"fixed": f"{_column_letters(c['column'])}{number}"}))
            rows.append(row)
            lines.append(number)
    finally:
        parser.source.close()
    return rows, lines


def read_excel_bytes(data: bytes, filename: str = "the workbook", limits: Limits | None = None,
                     part: str | None = None) -> RawTable:
    """Read a sheet of an XLSX workbook (the first holding a table, or *part*).

    Raises
    ------
    RegistryError
        Not a workbook, a zip above the limits, an absurd sheet dimension, too
        many rows, columns or cells, no sheet with a table, or no sheet *part*.
    """
    lim = limits or Limits()
    with open_zip(data, filename, "Excel workbook") as zf:
        for info in check_members(zf, filename, lim):
            if _SHEET_PATH.match(info.filename):
                _count_rows(read_member(zf, info, filename, lim), info.filename, filename, lim)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on corrupt files
        raise RegistryError(f"cannot read the Excel workbook {filename!r}: "
                            f"{type(exc).__name__}: {exc}") from exc
    try:
        sheets = [ws for ws in wb.worksheets if hasattr(ws, "_worksheet_path")]
        titles = tuple(str(ws.title) for ws in sheets)
        if part is not None and part not in titles:
            raise RegistryError(f"{filename!r} has no sheet {part!r}; its sheets are "
                                f"{', '.join(map(repr, titles))}")
        chosen: tuple[str, list[Cells], list[int], list[Note]] | None = None
        left: list[tuple[str, object]] = []
        for ws in sheets[: lim.max_sheets]:
            target = ws.title == part if part is not None else chosen is None
            notes: list[Note] = []
            try:
                rows, lines = _sheet_rows(wb, ws, filename, lim, notes if target else None)
            except RegistryError as exc:
                if target:
                    raise
                left.append((str(ws.title), str(exc)))
                continue
            filled = sum(1 for r in rows if any(c is not None for c in r))
            if target and (filled > 1 or part is not None):
                chosen = (str(ws.title), rows, lines, notes)
            elif filled > 1 and _looks_like_table(rows):
                left.append((str(ws.title), f"{filled:,} rows"))
        skipped = [str(ws.title) for ws in sheets[lim.max_sheets:]]
    except RegistryError:
        raise
    except (KeyError, ValueError, OSError, EOFError, TypeError, IndexError) as exc:
        raise RegistryError(f"cannot read the Excel workbook {filename!r}: "
                            f"{type(exc).__name__}: {exc}") from exc
    finally:
        wb.close()
    if chosen is None:
        raise RegistryError(f"{filename!r} has no sheet with a header and data rows")
    title, rows, lines, notes = chosen
    for name, n in left:
        notes.append(Note(0, "", name, "part_left", extra={"fixed": n, "kind": "sheet"}))
    for name in skipped:
        notes.append(Note(0, "", name, "part_left",
                          extra={"fixed": f"beyond the first {lim.max_sheets}", "kind": "sheet"}))
    raw = build(rows, lines, "xlsx", filename, lim, notes)
    raw.parts, raw.part = titles, title
    return raw
