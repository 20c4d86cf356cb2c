"""Turn the rows a reader streamed into a :class:`RawTable`, in one step.

Readers hand over rows of stripped text cells (``None`` for empty) with the
line or sheet row each came from; this module finds the header row, makes the
column names unique (reporting duplicated headers), drops blank rows and builds
the table at once, so the cost grows linearly with the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from mapping.registry.columns import _LOOKUP, header_key
from mapping.registry.errors import RegistryError
from mapping.registry.limits import Limits
from mapping.registry.raw import Note, RawTable

#: Rows above the header (titles) accepted besides :attr:`Limits.max_rows`.
HEADER_SLACK = 20
#: Rows searched for the header.
HEADER_SEARCH = 15

Cells = list[str | None]


def cell_text(value: object) -> str | None:
    """A spreadsheet or attribute value as stripped text (``None`` when empty)."""
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:
            return None
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
    text = str(value).strip()
    return text or None


def find_header(rows: Sequence[Cells]) -> int:
    """Index of the first row that looks like a header (recognised names), else 0."""
    best, best_hits = 0, 0
    for i, row in enumerate(rows[:HEADER_SEARCH]):
        hits = sum(header_key(c) in _LOOKUP for c in row if c)
        if hits > best_hits:
            best, best_hits = i, hits
        if hits >= 3:
            break
    return best


def unique_names(names: Sequence[str | None], header_line: int) -> tuple[list[str], list[Note]]:
    """Unique column names; a repeated header is renamed ``name (2)`` with a note."""
    seen: dict[str, int] = {}
    first: dict[str, int] = {}
    out: list[str] = []
    notes: list[Note] = []
    for j, raw in enumerate(names):
        name = (raw or "").strip() or f"column_{j + 1}"
        base = name
        if base in seen:
            seen[base] += 1
            name = f"{base} ({seen[base]})"
            while name in seen:
                seen[base] += 1
                name = f"{base} ({seen[base]})"
            notes.append(Note(header_line, name, base, "duplicate_header",
                              extra={"fixed": name, "other": first[base] + 1,
                                     "position": j + 1}))
        seen.setdefault(name, 1)
        first.setdefault(base, j)
        out.append(name)
    return out, notes


def build(rows: list[Cells], lines: list[int], fmt: str, filename: str, limits: Limits,
          notes: Sequence[Note] = (), **kw: object) -> RawTable:
    """Build the table of *rows* (the header among the first ones).

    Parameters
    ----------
    rows, lines
        Text cells of each row, and its 1-based line or sheet row.
    notes
        Notes found while streaming; those whose ``row`` is a data line get the
        record's index.

    Raises
    ------
    RegistryError
        No rows, or more data rows than :attr:`Limits.max_rows`.
    """
    if not rows:
        raise RegistryError(f"{filename!r} holds no table (no rows)")
    header = find_header(rows)
    width = max(len(r) for r in rows)
    head = rows[header] + [None] * (width - len(rows[header]))
    names, header_notes = unique_names(head, lines[header])
    body: list[Cells] = []
    body_lines: list[int] = []
    for row, line in zip(rows[header + 1:], lines[header + 1:], strict=True):
        if any(c is not None for c in row):
            body.append(row + [None] * (width - len(row)) if len(row) < width else row)
            body_lines.append(line)
    if len(body) > limits.max_rows:
        raise RegistryError(f"{filename!r} has {len(body):,} rows; at most "
                            f"{limits.max_rows:,} are accepted; split the file")
    table = pd.DataFrame(body, columns=pd.Index(names), dtype=object) if body else \
        pd.DataFrame({n: pd.Series([], dtype=object) for n in names})
    index_of = {line: i for i, line in enumerate(body_lines)}
    resolved = [replace(n, index=index_of.get(n.row)) if n.index is None else n for n in notes]
    return RawTable(table=table, format=fmt, header_row=header,
                    rows=np.asarray(body_lines, dtype=int), notes=header_notes + resolved,
                    **kw)  # type: ignore[arg-type]
