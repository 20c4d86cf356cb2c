"""Hostile registry files: worst-case seconds and peak memory of one read each.

Each file is generated here (nothing large is committed), written to a
temporary folder, then read by :func:`mapping.registry.read_registry` in a
fresh subprocess (``python -m benchmarks.hostile FILE NAME``) whose peak
resident memory (``VmHWM``) is read after the read. The goal is at most 5 s and
500 MB per file; the figures include the interpreter, the libraries and the
region's communes (``baseline``, reading a two-line CSV).
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from benchmarks.report import Figure

HEADER = b"school_id,name_fr,cycle,commune_code,seats\n"
#: Goals per file.
GOAL_S, GOAL_MB = 5.0, 500.0


def _workbook(sheet_xml: bytes | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["school_id", "cycle", "commune_code"])
    wb.active.append(["B1", "primary", "07.041.03.05"])
    buf = io.BytesIO()
    wb.save(buf)
    if sheet_xml is None:
        return buf.getvalue()
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            name = info.filename
            zf.writestr(name, sheet_xml if name == "xl/worksheets/sheet1.xml" else src.read(name))
    return out.getvalue()


def _sheet_rows(n: int) -> bytes:
    ns = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i)
                    for i in range(1, n + 1))
    return ns + rows + b"</sheetData></worksheet>"


def _xfd() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "school_id"
    wb.active["XFD1"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _zipped(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, data)
    return buf.getvalue()


def _valid_rows(n: int) -> bytes:
    return HEADER + b"".join(b"V%d,Ecole %d,primary,07.041.03.05,%d\n" % (i, i, i % 900)
                             for i in range(n))


def cases(quick: bool = False) -> dict[str, tuple[str, Callable[[], bytes]]]:
    """Name → (file name, generator) of every hostile file (smaller with *quick*)."""
    big = 20 if quick else 48
    return {
        "baseline": ("ok.csv", lambda: HEADER + b"B1,a,primary,07.041.03.05,10\n"),
        "xlsx_bomb": ("bomb.xlsx", lambda: _workbook(
            b"<worksheet>" + b" " * (200_000_000 if not quick else 60_000_000)
            + b"</worksheet>")),
        "xlsx_600k_rows": ("long.xlsx", lambda: _workbook(_sheet_rows(
            100_000 if quick else 600_000))),
        "xlsx_xfd_cell": ("wide.xlsx", _xfd),
        "csv_short_rows": ("rows.csv", lambda: HEADER + b"1\n" * (big * 500_000)),
        "csv_50k_columns": ("wide.csv", lambda: b",".join(b"c%d" % i for i in range(50_000))),
        "csv_300kb_line": ("line.csv", lambda: HEADER + b"a" * 300_000 + b"\n"),
        "csv_10mb_cell": ("cell.csv", lambda: HEADER + b'H,"' + b"x" * 10_000_000 + b'"\n'),
        "csv_unbalanced_quote": ("quote.csv", lambda: HEADER + b'Q,"x,primary\n'
                                 + _valid_rows(50_000)[len(HEADER):]),
        "zip_small_csv": ("small.zip", lambda: _zipped(
            "s.csv", b",".join(b"c" for _ in range(20_000)) + b"\n")),
        "csv_50k_valid_rows": ("valid.csv", lambda: _valid_rows(10_000 if quick else 50_000)),
    }


def _measure(path: Path, name: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-m", "benchmarks.hostile", str(path), name],
                         capture_output=True, text=True, timeout=600, check=False)
    try:
        return dict(json.loads(out.stdout.strip().splitlines()[-1]))
    except (ValueError, IndexError):
        return {"seconds": None, "peak_mb": None, "outcome": f"crashed: {out.stderr[-200:]}"}


def bench_hostile(quick: bool = False) -> list[Figure]:
    """Seconds and peak memory of reading each hostile file, and the worst of each."""
    figures: list[Figure] = []
    worst_s, worst_mb = 0.0, 0.0
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        for key, (name, make) in cases(quick).items():
            path = Path(tmp) / name
            data = make()
            path.write_bytes(data)
            del data
            got = _measure(path, name)
            path.unlink()
            s = got.get("seconds")
            mb = got.get("peak_mb")
            s = float(s) if isinstance(s, int | float) else None
            mb = float(mb) if isinstance(mb, int | float) else None
            note = str(got.get("outcome", ""))
            figures.append(Figure(f"hostile.{key}_s", f"hostile file {key}: read", s, "s",
                                  note[:120]))
            figures.append(Figure(f"hostile.{key}_mb", f"hostile file {key}: peak memory", mb,
                                  "MiB", "subprocess VmHWM"))
            if isinstance(s, float):
                worst_s = max(worst_s, s)
            if isinstance(mb, float):
                worst_mb = max(worst_mb, mb)
    figures.append(Figure("hostile.worst_s", "hostile files: worst read time", round(worst_s, 2),
                          "s", f"goal <= {GOAL_S:g} s each"))
    figures.append(Figure("hostile.worst_mb", "hostile files: worst peak memory",
                          round(worst_mb, 1), "MiB", f"goal <= {GOAL_MB:g} MB each"))
    return figures


def _peak_mib() -> float:
    """Peak resident memory of this process (``VmHWM``, reset at exec unlike ru_maxrss)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(path: Path, name: str) -> None:
    """Read one file; print seconds, peak MiB and the outcome as JSON."""
    from mapping.datasets import load_region
    from mapping.errors import MappingError
    from mapping.registry import read_registry

    region = load_region()
    start = time.perf_counter()
    try:
        res = read_registry(path, name, region=region)
        outcome = f"read: {res.summary['accepted']} accepted, {res.summary['rejected']} rejected"
    except MappingError as exc:
        outcome = f"refused: {str(exc)[:80]}"
    seconds = time.perf_counter() - start
    peak = _peak_mib()
    print(json.dumps({"seconds": round(seconds, 3), "peak_mb": round(peak, 1),
                      "outcome": outcome}))


if __name__ == "__main__":
    _child(Path(sys.argv[1]), sys.argv[2])
