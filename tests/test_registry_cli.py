"""``python -m mapping registry ...`` on FICTITIOUS test fixtures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mapping.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "registry"


def test_validate_with_rejections(tmp_path, capsys):
    report = tmp_path / "report.csv"
    code = main(["registry", "validate", str(FIXTURES / "test_schools_utf8_comma.csv"),
                 "--report", str(report)])
    out = capsys.readouterr().out
    assert code == 1
    assert "rows read: 10" in out and "accepted: 6" in out and "rejected: 4" in out
    assert "duplicate_id: 1" in out and "joined to communes: 6 (code 1, point 5)" in out
    rep = pd.read_csv(report, encoding="utf-8-sig")
    assert list(rep.columns) == ["row", "column", "value", "severity", "code", "message"]
    assert (rep["severity"] == "error").sum() == 4


def test_validate_clean_file(capsys):
    code = main(["registry", "validate", str(FIXTURES / "test_schools_cp1256_semicolon.csv")])
    assert code == 0
    assert "rejected: 0" in capsys.readouterr().out


def test_validate_lambert_given(tmp_path, capsys):
    path = tmp_path / "lambert.csv"
    path.write_text("id;cycle;x;y\nTEST-1;primary;283311,45;107644,55\n", encoding="utf-8")
    assert main(["registry", "validate", str(path), "--crs", "EPSG:26191"]) == 0
    out = capsys.readouterr().out
    assert "EPSG:26191 (given)" in out and "point 1" in out


def test_unreadable_file_exits_2(tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"not a workbook")
    assert main(["registry", "validate", str(path)]) == 2
    assert "cannot read the Excel workbook" in capsys.readouterr().err


def test_template(tmp_path, capsys):
    assert main(["registry", "template", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "registry_template.csv").is_file()
    assert (tmp_path / "registry_template.xlsx").is_file()
