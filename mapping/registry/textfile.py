"""CSV and text tables: encoding, separator and rows read under the limits.

The separator is chosen on a bounded sample (:attr:`Limits.sniff_chars`).
Rows are streamed: the row, column, cell and line limits stop the reading as
soon as they are passed. A record spanning several lines (an unbalanced quote
swallowing the following lines) is reported on its own line.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from mapping.registry.encoding import decode
from mapping.registry.errors import RegistryError
from mapping.registry.grid import HEADER_SLACK, Cells, build
from mapping.registry.limits import Limits
from mapping.registry.raw import Note, RawTable

SEPARATORS = (",", ";", "\t", "|")
#: Lines of the sample used to choose the separator.
SNIFF_LINES = 50


def sniff_separator(text: str, max_chars: int = 65_536) -> str:
    """The most likely field separator among ``,`` ``;`` tab and ``|``.

    Only the first :data:`SNIFF_LINES` lines and *max_chars* characters are
    read. The separator giving the same number (above one) of fields on most
    lines wins; ties go to the most frequent one.

    Examples
    --------
    >>> sniff_separator("a;b;c\\n1;2,5;3\\n")
    ';'
    """
    sample = text[:max_chars]
    cut = sample.rfind("\n")
    if 0 < cut < len(sample) - 1 and len(text) > max_chars:
        sample = sample[:cut]
    lines = sample.splitlines()[:SNIFF_LINES]
    best, best_score = ",", (-1.0, 0, 0)
    for sep in SEPARATORS:
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=sep) if r]
        except csv.Error:
            continue
        if not widths:
            continue
        mode = max(set(widths), key=widths.count)
        share = widths.count(mode) / len(widths) if mode > 1 else 0.0
        score = (share, mode, sample.count(sep))
        if score > best_score:
            best, best_score = sep, score
    return best


def _lines(text: str) -> Iterator[str]:
    """The lines of *text* with their endings, without copying the whole text."""
    start = 0
    size = len(text)
    while start < size:
        end = text.find("\n", start)
        if end < 0:
            end = size - 1
        yield text[start:end + 1]
        start = end + 1


def _swallowed(cells: list[str], sep: str) -> bool:
    """Whether a multi-line cell looks like following records read as one cell."""
    for cell in cells:
        if "\n" in cell or "\r" in cell:
            inner = cell.splitlines()
            if len(inner) > 3 or any(sep in line for line in inner[1:]):
                return True
    return False


def read_csv_bytes(data: bytes, filename: str = "the file",
                   limits: Limits | None = None) -> RawTable:
    """Read CSV bytes (encoding and separator detected) under *limits*.

    Raises
    ------
    RegistryError
        Empty, binary, too many rows, columns or cells, a cell or a line too
        long: the message names the line and column.
    """
    lim = limits or Limits()
    decoded = decode(data, filename)
    text = decoded.text
    if not text.strip():
        raise RegistryError(f"{filename!r} is empty")
    sep = sniff_separator(text, lim.sniff_chars)
    reader = csv.reader(_lines(text), delimiter=sep)
    rows: list[Cells] = []
    lines: list[int] = []
    notes: list[Note] = []
    if decoded.doubtful:
        notes.append(Note(decoded.first_line, "", decoded.encoding, "doubtful_encoding",
                          extra={"fixed": f"{decoded.confidence:.0%}"}))
    start = 1
    cells_total = 0
    try:
        for record in reader:
            end = reader.line_num
            if len(rows) >= lim.max_rows + HEADER_SLACK:
                raise RegistryError(f"{filename!r} has more than {lim.max_rows:,} rows "
                                    f"(line {start:,} reached); split the file")
            if len(record) > lim.max_columns:
                raise RegistryError(
                    f"line {start:,} of {filename!r} has {len(record):,} columns; at most "
                    f"{lim.max_columns:,} are accepted; remove the empty columns")
            cells_total += len(record)
            if cells_total > lim.max_cells:
                raise RegistryError(f"{filename!r} has more than {lim.max_cells:,} cells "
                                    f"(line {start:,} reached); split the file")
            longest = max(map(len, record), default=0)
            if longest > lim.max_cell_chars:
                j = next(k for k, c in enumerate(record) if len(c) == longest)
                raise RegistryError(
                    f"line {start:,}, column {j + 1} of {filename!r} holds "
                    f"{longest:,} characters (it starts {record[j][:30]!r}); at most "
                    f"{lim.max_cell_chars:,} are accepted; check the quotes around it")
            size = sum(map(len, record))
            row: Cells = [c.strip() or None for c in record]
            if size > lim.max_line_chars:
                raise RegistryError(f"line {start:,} of {filename!r} holds {size:,} "
                                    f"characters; at most {lim.max_line_chars:,} are accepted")
            if end > start:
                code = "merged_lines" if _swallowed(record, sep) else "multiline_cell"
                notes.append(Note(start, "", f"{start}-{end}", code,
                                  extra={"fixed": end - start + 1}))
            rows.append(row)
            lines.append(start)
            start = end + 1
    except csv.Error as exc:
        if "field larger" in str(exc):
            raise RegistryError(
                f"line {start:,} of {filename!r} holds a cell of more than "
                f"{csv.field_size_limit():,} characters; at most {lim.max_cell_chars:,} are "
                "accepted; check the quotes on that line") from exc
        raise RegistryError(f"cannot read line {reader.line_num:,} of {filename!r}: {exc}; "
                            "check the quotes on that line") from exc
    return build(rows, lines, "csv", filename, lim, notes, encoding=decoded.encoding,
                 separator=sep)
