"""OGC API – Features on both store backends, read by GDAL's OAPIF driver (Debian's gdal-bin).

PostGIS: pygeoapi's PostgreSQL provider over the view of the published schools
(live). GeoPackage: a GeoJSON snapshot refreshed when the store's version changes.
Either way a publish is served without restarting the service.
"""

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
from typing import Any

import pytest

from mapping.datasets import load_communes
from mapping.registry import to_registry
from mapping.registry.frame import canonical
from mapping.roles import Actor
from mapping.settings import PROJECT_ROOT
from mapping.store import open_store
from tests.services.postgis import Cluster

BBOX = (-8.2, 31.4, -7.8, 31.8)  # around Marrakech
EDITOR = Actor("amina", "editor")
NEW_ID = "OGCAPI-NEW-0001"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module", params=["geopackage", "postgis"])
def service(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A running ``serve-api`` over a new store; yields its URL and the store's target."""
    root = tmp_path_factory.mktemp("api")
    if request.param == "postgis":
        cluster: Cluster = request.getfixturevalue("postgis_cluster")
        db = cluster.new_database("ogcapi")
    else:
        db = str(root / "schools.gpkg")
    open_store(db).dispose()  # seeded with the default registry as its first delivery
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    log = root / "serve-api.log"
    proc = subprocess.Popen(  # its output goes to a file: a full pipe would stall it
        [sys.executable, "-m", "mapping", "serve-api", "--database", str(db), "--port",
         str(port), "--folder", str(root / "site")],
        cwd=PROJECT_ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{url}/collections?f=json", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"serve-api exited: {log.read_text(errors='replace')}")
                time.sleep(0.5)
        else:
            pytest.fail("serve-api did not answer within 120 s")
        yield url, db
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _ogrinfo(*args: str) -> str:
    return subprocess.run(["ogrinfo", "-ro", *args], check=True, capture_output=True,
                          text=True, timeout=120).stdout


def test_ogrinfo_lists_the_collections(service: tuple[str, str]) -> None:
    url, _ = service
    out = _ogrinfo(f"OAPIF:{url}", "-q")
    assert "schools" in out and "communes" in out


def _features(url: str, folder: Path, layer: str = "schools",
              bbox: tuple[float, ...] | None = BBOX) -> list[dict[str, object]]:
    target = folder / f"{layer}.geojson"
    target.unlink(missing_ok=True)
    spat = ["-spat", *map(str, bbox)] if bbox else []
    subprocess.run(["ogr2ogr", "-f", "GeoJSON", str(target), f"OAPIF:{url}", layer, *spat],
                   check=True, capture_output=True, timeout=120)
    features: list[dict[str, object]] = json.loads(target.read_text(encoding="utf-8"))[
        "features"]
    return features


def test_bbox_read_equals_the_store(service: tuple[str, str], tmp_path: Path) -> None:
    url, db = service
    got: list[dict[str, Any]] = _features(url, tmp_path)
    store = open_store(db)
    registry = canonical(store.current_registry())
    store.dispose()
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


def test_communes_are_served_with_their_polygons(service: tuple[str, str],
                                                 tmp_path: Path) -> None:
    url, _ = service
    got: list[dict[str, Any]] = _features(url, tmp_path, "communes", None)
    assert len(got) == 251
    assert {f["geometry"]["type"] for f in got} <= {"Polygon", "MultiPolygon"}
    assert {f["properties"]["code"] for f in got} == set(load_communes()["code"])


def test_a_publish_is_served_without_restart(service: tuple[str, str], tmp_path: Path) -> None:
    url, db = service
    assert NEW_ID not in {f["properties"]["school_id"] for f in _features(url, tmp_path)}
    store = open_store(db)
    registry = canonical(store.current_registry())
    lon0, lat0, lon1, lat1 = BBOX
    near = registry[registry["lon"].between(lon0, lon1) & registry["lat"].between(lat0, lat1)]
    new = near.iloc[:1].copy()  # a real school's commune and place, under a new id
    new["school_id"] = NEW_ID
    new["name_fr"] = "École publiée pendant le service"
    new["lon"] = new["lon"] + 0.001
    delivery = store.create_delivery(EDITOR, to_registry(new, "test delivery"), mode="partial")
    store.publish(EDITOR, delivery)
    store.dispose()
    got = {f["properties"]["school_id"]: f for f in _features(url, tmp_path)}
    assert NEW_ID in got
    assert got[NEW_ID]["properties"]["name_fr"] == "École publiée pendant le service"
    assert got[NEW_ID]["geometry"]["coordinates"] == pytest.approx(
        [float(new["lon"].iloc[0]), float(new["lat"].iloc[0])])


def test_snapshot_is_rewritten_only_when_the_store_changes(tmp_path: Path) -> None:
    from mapping.exchange.api import Snapshot

    store = open_store(tmp_path / "schools.gpkg")
    snapshot = Snapshot(store, tmp_path / "schools.geojson")
    assert snapshot.refresh() and not snapshot.refresh()
    first = json.loads(snapshot.path.read_text(encoding="utf-8"))["features"]
    registry = store.current_registry()
    school = registry[registry["lon"].notna()].iloc[0]
    record = store.school(str(school["school_id"]))
    store.close_school(EDITOR, record.school_id, record.row_version, reason="test")
    assert snapshot.refresh()
    now = json.loads(snapshot.path.read_text(encoding="utf-8"))["features"]
    assert len(now) == len(first) - 1
    assert record.school_id not in {f["id"] for f in now}


def test_postgis_objects_are_created_again_without_error(postgis_cluster: Cluster) -> None:
    from sqlalchemy import text

    from mapping.exchange import api_pg

    store = open_store(postgis_cluster.new_database("ogcview"))
    communes = load_communes()
    schema = api_pg.prepare(store.engine, communes)
    assert api_pg.prepare(store.engine, communes) == schema  # a second start keeps them
    with store.engine.connect() as conn:
        n_view = conn.execute(text("SELECT count(*) FROM ogcapi_schools")).scalar_one()
        n_communes = conn.execute(text("SELECT count(*) FROM ogcapi_communes")).scalar_one()
    located = store.current_registry()
    assert n_view == int(located["lon"].notna().sum()) and n_communes == 251
    store.dispose()
