"""``python -m mapping db``: upgrade, import, deliveries, history, export (GeoPackage)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from mapping.cli import main
from mapping.exports import to_csv


def test_db_command_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                               default_registry: gpd.GeoDataFrame) -> None:
    db = str(tmp_path / "cli.gpkg")
    assert main(["db", "--database", db, "upgrade"]) == 0
    assert "default registry published as delivery 1" in capsys.readouterr().out
    before = tmp_path / "before.csv"
    assert main(["db", "--database", db, "export", "--out", str(before)]) == 0
    capsys.readouterr()
    part = default_registry.iloc[:3].copy()
    part["classrooms"] = [1.0, 2.0, 3.0]
    source = tmp_path / "academy.csv"
    source.write_bytes(to_csv(part))
    assert main(["db", "--database", db, "--account", "planner", "import", str(source),
                 "--partial", "--publish"]) == 0
    out = capsys.readouterr().out
    assert "update 3" in out and "published" in out
    assert main(["db", "--database", db, "deliveries"]) == 0
    assert "academy.csv" in capsys.readouterr().out
    school = str(part.iloc[0]["school_id"])
    assert main(["db", "--database", db, "history", school]) == 0
    out = capsys.readouterr().out
    assert "planner" in out and "classrooms" in out
    now = tmp_path / "now.gpkg"
    assert main(["db", "--database", db, "export", "--out", str(now)]) == 0
    layer = gpd.read_file(now, layer="schools").set_index("school_id")
    assert layer.loc[school, "classrooms"] == 1.0
    old = tmp_path / "old.csv"
    assert main(["db", "--database", db, "export", "--as-of", "2000-01-01",
                 "--out", str(old)]) == 0
    assert pd.read_csv(old, encoding="utf-8-sig").empty
    assert pd.read_csv(before, encoding="utf-8-sig")["school_id"].tolist() == \
        default_registry["school_id"].tolist()
    assert main(["db", "--database", db, "history", "NOPE"]) == 1
