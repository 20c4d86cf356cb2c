"""OGC API – Features, read by GDAL's OAPIF driver (ogrinfo from Debian's gdal-bin)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from mapping.registry.frame import canonical
from mapping.settings import PROJECT_ROOT
from mapping.store import open_store

BBOX = (-8.2, 31.4, -7.8, 31.8)  # around Marrakech


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("api")
    db = root / "schools.gpkg"
    open_store(db)  # seeded with the default registry as its first published delivery
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mapping", "serve-api", "--database", str(db), "--port",
         str(port), "--folder", str(root / "site")],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/collections?f=json", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None:
                    out = proc.stdout.read().decode() if proc.stdout else ""
                    pytest.fail(f"serve-api exited: {out}")
                time.sleep(0.5)
        else:
            pytest.fail("serve-api did not answer within 60 s")
        yield url, db
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _ogrinfo(*args: str) -> str:
    return subprocess.run(["ogrinfo", "-ro", *args], check=True, capture_output=True,
                          text=True, timeout=120).stdout


def test_ogrinfo_lists_the_collections(service: tuple[str, Path]) -> None:
    url, _ = service
    out = _ogrinfo(f"OAPIF:{url}", "-q")
    assert "schools" in out and "communes" in out


def test_bbox_read_equals_the_store(service: tuple[str, Path], tmp_path: Path) -> None:
    url, db = service
    target = tmp_path / "schools.geojson"
    subprocess.run(["ogr2ogr", "-f", "GeoJSON", str(target), f"OAPIF:{url}", "schools",
                    "-spat", *map(str, BBOX)], check=True, capture_output=True, timeout=120)
    got = json.loads(target.read_text(encoding="utf-8"))["features"]
    registry = canonical(open_store(db).current_registry())
    lon0, lat0, lon1, lat1 = BBOX
    inside = registry[registry["lon"].between(lon0, lon1) & registry["lat"].between(lat0, lat1)]
    assert len(inside) > 10
    assert sorted(f["properties"]["school_id"] for f in got) == sorted(inside["school_id"])
    listed = _ogrinfo(f"OAPIF:{url}", "schools", "-spat", *map(str, BBOX), "-al")
    assert listed.count("OGRFeature(schools)") == len(inside)
    want = inside.set_index("school_id")
    for f in got:
        p = f["properties"]
        row = want.loc[p["school_id"]]
        assert p["name_ar"] == row["name_ar"] and p["cycle"] == row["cycle"]
        assert f["geometry"]["coordinates"] == pytest.approx([row["lon"], row["lat"]])
        assert p["pupils"] == pytest.approx(row["pupils"])
