"""The table a reader returns, and the notes it leaves for the validation report."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Note:
    """A problem found while reading, reported as one line of the validation report.

    Attributes
    ----------
    row
        Line or sheet row (1-based) the note is about (0 for the whole file).
    column
        The user's column (or ``""``).
    value
        The user's own value, as read.
    code
        A code of :data:`mapping.registry.validate.CODES`.
    index
        Record (0-based, in :attr:`RawTable.table`) the note rejects or warns
        about, or ``None`` when it concerns no single record.
    extra
        Further fields of the message template (e.g. ``fixed``).
    """

    row: int
    column: str
    value: object
    code: str
    index: int | None = None
    extra: dict[str, object] = field(default_factory=dict)


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
        For CSV files (and the encoding of a Shapefile's attributes).
    x, y
        Point coordinates from a vector file's geometry (NaN where none).
    crs
        The vector file's CRS (``"EPSG:nnnn"`` or WKT), or ``None``.
    header_row
        0-based index of the header row in a spreadsheet or CSV (rows above
        it are titles).
    rows
        Sheet or line row number (1-based) of each record, for tables.
    notes
        Problems found while reading (see :class:`Note`).
    parts
        Every sheet, layer or shapefile the file holds.
    part
        The one that was read (``None`` for plain tables).
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
    notes: list[Note] = field(default_factory=list)
    parts: tuple[str, ...] = ()
    part: str | None = None

    def row_numbers(self) -> np.ndarray:
        """Row number of each record as the user sees it (sheet/line row, or feature 1..n)."""
        if self.rows is not None and len(self.rows) == len(self.table):
            return np.asarray(self.rows, dtype=int)
        return np.arange(1, len(self.table) + 1)

    @property
    def has_geometry(self) -> bool:
        """Whether the file gave point geometries (a vector format)."""
        return self.x is not None and bool(np.isfinite(self.x).any())
