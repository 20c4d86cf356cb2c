"""Delivery packages: descriptor, hashes, README, receipts and bad packages."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from mapping.datasets import Region
from mapping.exchange import open_package, package_registry, validate_package
from mapping.exchange.package import sha256
from mapping.registry.frame import canonical


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _rezip(path: Path, members: dict[str, bytes], target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return target


def test_descriptor_is_data_package_v2_with_hashes(aref_zip: Path) -> None:
    members = _members(aref_zip)
    d = json.loads(members["datapackage.json"])
    assert d["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert (d["producer"], d["period"], d["schema_version"]) == ("aref", "2024-2025", "1.0.0")
    assert d["created"] == "2026-12-01T08:00:00Z"
    assert d["licenses"][0]["name"] == "ODbL-1.0"
    names = {r["name"]: r for r in d["resources"]}
    assert set(names) == {"schools", "schools_gpkg", "communes"}
    for res in d["resources"]:
        assert res["hash"] == "sha256:" + sha256(members[res["path"]])
        assert res["bytes"] == len(members[res["path"]])
    schema = names["schools"]["schema"]
    assert schema["foreignKeys"][0]["reference"] == {"resource": "communes", "fields": ["code"]}
    cycle = next(f for f in schema["fields"] if f["name"] == "cycle")
    assert cycle["constraints"]["enum"] == ["preschool", "primary", "lower_secondary",
                                            "upper_secondary"]
    readme = members["README.md"].decode("utf-8")
    assert "## Français" in readme and "## العربية" in readme


def test_receipt_of_a_good_package(aref_zip: Path, registry: gpd.GeoDataFrame) -> None:
    receipt = validate_package(aref_zip)
    assert receipt.valid, receipt.to_text()
    counts = {c.resource: (c.read, c.valid, c.invalid) for c in receipt.counts}
    assert counts == {"schools": (len(registry), len(registry), 0), "communes": (251, 251, 0)}


def test_gpkg_resource_holds_the_located_schools(aref_zip: Path,
                                                 registry: gpd.GeoDataFrame) -> None:
    gpkg = gpd.read_file(io.BytesIO(_members(aref_zip)["data/schools.gpkg"]), layer="schools")
    assert len(gpkg) == len(registry)
    assert gpkg.crs.to_epsg() == 4326
    assert set(gpkg["school_id"]) == set(registry["school_id"])


def test_csv_round_trip_is_exact(aref_zip: Path, registry: gpd.GeoDataFrame) -> None:
    got = canonical(package_registry(open_package(aref_zip)))
    pd.testing.assert_frame_equal(got, canonical(registry))


def test_hcp_package_is_valid(hcp_zip: Path) -> None:
    receipt = validate_package(hcp_zip)
    assert receipt.valid, receipt.to_text()
    assert {c.resource: c.read for c in receipt.counts} == {"indicators": 251, "communes": 251}


def test_row_errors_name_resource_row_field_value(aref_zip: Path, tmp_path: Path) -> None:
    members = _members(aref_zip)
    csv = members["data/schools.csv"].decode("utf-8-sig").splitlines()
    header = csv[0].split(",")
    row = csv[2].split(",")
    row[header.index("cycle")] = "university"
    row[header.index("commune_code")] = "07.999.99.99"
    csv[2] = ",".join(row)
    data = ("\ufeff" + "\r\n".join(csv) + "\r\n").encode("utf-8")
    members["data/schools.csv"] = data
    d = json.loads(members["datapackage.json"])
    d["resources"][0]["hash"] = "sha256:" + sha256(data)
    d["resources"][0]["bytes"] = len(data)
    members["datapackage.json"] = json.dumps(d).encode()
    receipt = validate_package(_rezip(aref_zip, members, tmp_path / "bad.zip"))
    assert not receipt.valid
    found = {(i.code, i.resource, i.row, i.field, i.value) for i in receipt.issues}
    assert ("constraint-error", "schools", 2, "cycle", "university") in found
    assert ("unknown-commune", "schools", 2, "commune_code", "07.999.99.99") in found
    schools = next(c for c in receipt.counts if c.resource == "schools")
    assert (schools.invalid, schools.valid) == (1, schools.read - 1)


def _broken(aref_zip: Path, tmp_path: Path, kind: str) -> Path:
    members = _members(aref_zip)
    target = tmp_path / f"{kind}.zip"
    if kind == "missing-resource":
        del members["data/communes.csv"]
    elif kind == "hash-mismatch":
        members["data/schools.csv"] = members["data/schools.csv"].replace(b"753", b"754", 1)
    elif kind == "unknown-schema-version":
        d = json.loads(members["datapackage.json"])
        d["schema_version"] = "2.0.0"
        members["datapackage.json"] = json.dumps(d).encode()
    elif kind == "descriptor-not-json":
        members["datapackage.json"] = b"{not json"
    elif kind == "unknown-commune":
        d = json.loads(members["datapackage.json"])
        communes = members["data/communes.csv"].replace(b"07.041.01.01,", b"07.999.01.01,")
        members["data/communes.csv"] = communes
        res = next(r for r in d["resources"] if r["name"] == "communes")
        res["hash"], res["bytes"] = "sha256:" + sha256(communes), len(communes)
        members["datapackage.json"] = json.dumps(d).encode()
    elif kind == "unsafe-path":
        members["../evil.csv"] = b"x"
    elif kind == "zip-bomb":
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as z:
            for name, data in members.items():
                z.writestr(name, data)
            z.writestr("data/padding.bin", b"\0" * (8 * 1024 * 1024))
        return target
    return _rezip(aref_zip, members, target)


@pytest.mark.parametrize("kind", ["missing-resource", "hash-mismatch", "unknown-schema-version",
                                  "descriptor-not-json", "unknown-commune", "unsafe-path",
                                  "zip-bomb"])
def test_bad_packages_get_their_own_error(aref_zip: Path, tmp_path: Path, kind: str,
                                          region: Region) -> None:
    receipt = validate_package(_broken(aref_zip, tmp_path, kind))
    assert not receipt.valid
    assert kind in {i.code for i in receipt.issues}, receipt.to_text()


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "x.zip"
    path.write_text("hello")
    assert [i.code for i in validate_package(path).issues] == ["not-a-zip"]
