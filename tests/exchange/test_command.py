"""The ``exchange`` command: export, validate (exit codes), diff report, reconcile report."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mapping.cli import main


def test_validate_exit_codes(aref_zip: Path, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exchange", "validate", str(aref_zip)]) == 0
    assert "schools: 2378 read, 2378 valid, 0 invalid" in capsys.readouterr().out
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    assert main(["exchange", "validate", str(bad)]) == 1
    assert "[not-a-zip]" in capsys.readouterr().out


def test_export_then_diff_and_reconcile(tmp_path: Path, aref_zip: Path) -> None:
    db = tmp_path / "schools.gpkg"
    out = tmp_path / "aref.zip"
    assert main(["exchange", "--database", str(db), "export", "--producer", "aref",
                 "--out", str(out)]) == 0
    report = tmp_path / "diff.xlsx"
    assert main(["exchange", "diff", str(aref_zip), str(out), "--out", str(report)]) == 0
    sheets = pd.read_excel(report, sheet_name=None)
    assert {"summary", "added", "removed", "moved", "changes", "events"} <= set(sheets)
    assert len(sheets["events"]) == 0  # the store was seeded with the same registry
    rec = tmp_path / "rec.csv"
    assert main(["exchange", "reconcile", str(aref_zip), "--out", str(rec)]) == 0
    assert rec.read_bytes().startswith(b"\xef\xbb\xbf")


def test_diff_between_two_published_states(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "schools.gpkg"
    report = tmp_path / "states.csv"
    assert main(["exchange", "--database", str(db), "diff", "published@2000-01-01",
                 "published", "--out", str(report)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("added 2378, removed 0")  # nothing was published in 2000
