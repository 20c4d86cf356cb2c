"""The command line wires every command and reports user errors in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mapping.cli import build_parser, main
from mapping.settings import PROJECT_ROOT


def test_help_lists_ingest() -> None:
    assert "ingest" in build_parser().format_help()


def test_ingest_missing_source_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["ingest", "--source", str(tmp_path / "nowhere"), "--dest", str(tmp_path / "out")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: raw source file not found")
    assert "communes_07.topojson" in err and "--source" in err


def test_module_entry_point_runs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "mapping", "--help"], cwd=PROJECT_ROOT,
        capture_output=True, text=True, check=True,
    )
    assert "usage: python -m mapping" in out.stdout
