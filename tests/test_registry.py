"""Registry import: encodings, separators, decimal commas, Lambert, validation, Ministry lists.

The fixtures in tests/fixtures/registry/ are FICTITIOUS schools (test data).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from mapping.errors import MappingError
from mapping.registry import RegistryError, quality_shares, read_registry
from mapping.registry.columns import cycle_from_text, detect_columns, normalise_cycle
from mapping.registry.coords import parse_number
from mapping.registry.join import name_key
from mapping.schema import REGISTRY_COLUMNS

FIXTURES = Path(__file__).parent / "fixtures" / "registry"


def _read(name: str, region, **kw):
    return read_registry(FIXTURES / name, name, region=region, **kw)


@pytest.mark.parametrize("name, encoding", [
    ("test_schools_utf8_comma.csv", "utf-8"),
    ("test_schools_utf8_bom.csv", "utf-8-sig"),
])
def test_english_csv_report(region, name, encoding):
    res = _read(name, region)
    s = res.summary
    assert s["encoding"] == encoding and s["separator"] == ","
    assert (s["rows_read"], s["accepted"], s["rejected"]) == (10, 6, 4)
    assert s["rejected_by_reason"] == {"duplicate_id": 1, "unknown_cycle": 1,
                                       "negative_value": 1, "outside_region": 1}
    assert s["joined"] == {"point": 5, "code": 1}
    codes = dict(zip(res.issues["row"], res.issues["code"], strict=False))
    # spreadsheet rows: header is row 1, TEST-001 is row 2
    assert codes[4] == "duplicate_id"
    assert codes[5] == "swapped_lat_lon"
    assert codes[9] == "pupils_above_seats"
    assert codes[10] == "bad_coordinates"
    assert codes[11] == "outside_declared_commune"
    assert set(res.issues["severity"]) == {"error", "warning"}
    assert "BOM" not in "".join(res.columns) and res.columns[0] == "school_id"
    # rejected rows keep their original values and say why
    rej = res.rejected.set_index("row")
    assert list(rej.index) == [4, 6, 7, 8]
    assert rej.loc[4, "school_id"] == "TEST-002"
    assert "already used on row 3" in rej.loc[4, "reasons"]
    assert "university" in rej.loc[7, "reasons"]


def test_accepted_schools_are_a_registry(region):
    res = _read("test_schools_utf8_comma.csv", region)
    reg = res.schools
    assert tuple(c for c in reg.columns if c != "geometry") == REGISTRY_COLUMNS
    assert str(reg.crs) == "EPSG:4326"
    assert reg.attrs["name"] == "test_schools_utf8_comma.csv" and len(reg.attrs["key"]) == 16
    by_id = reg.set_index("school_id")
    # swapped lat/lon fixed and joined to Bouabout
    assert by_id.loc["TEST-004", "commune_code"] == "07.161.09.01"
    assert by_id.loc["TEST-004", "lon"] == pytest.approx(-9.21905)
    # declared Bouabout but the point is in Ait Faska: the point wins
    assert by_id.loc["TEST-010", "commune_code"] == "07.041.03.05"
    # unreadable coordinate: no point, placed by its commune code
    assert by_id.loc["TEST-009", "commune_code"] == "07.351.01.01"
    assert np.isnan(by_id.loc["TEST-009", "lon"]) and reg.geometry[
        reg["school_id"] == "TEST-009"].isna().all()
    assert by_id.loc["TEST-001", "location_quality"] == "imported"
    assert by_id.loc["TEST-001", "seats"] == 272
    assert by_id.loc["TEST-004", "sector"] == "private"
    assert by_id.loc["TEST-001", "kind"] == "school_group"


def test_cp1256_semicolon_decimal_comma(region):
    res = _read("test_schools_cp1256_semicolon.csv", region)
    s = res.summary
    assert (s["encoding"], s["separator"]) == ("windows-1256", ";")
    assert not res.unsure and s["rejected"] == 0
    reg = res.schools.set_index("school_id")
    assert reg.loc["TEST-A1", "name_ar"] == "مدرسة الاختبار"
    assert reg.loc["TEST-A1", "lon"] == pytest.approx(-7.68027)  # decimal comma
    assert reg.loc["TEST-A2", "cycle"] == "lower_secondary"  # "Collégial"
    assert reg.loc["TEST-A3", "cycle"] == "upper_secondary"  # "تأهيلي"
    assert reg.loc["TEST-A3", "sector"] == "private"  # "Privé"
    assert reg.loc["TEST-A3", "commune_code"] == "07.211.01.05"  # "Essaouira (M)"
    assert reg.loc["TEST-A2", "commune_code"] == "07.191.09.01"
    assert reg.loc["TEST-A1", "seats"] == 204  # "Capacité"
    assert s["joined"] == {"point": 2, "name": 1}


def test_latin1_lambert_nord_detected(region):
    # a known point (Ait Faska), transformed independently with pyproj
    lon, lat = -7.68027, 31.54109
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:26191", always_xy=True).transform(lon, lat)
    assert 280_000 < x < 290_000 and 100_000 < y < 120_000  # Lambert Nord Maroc, by hand
    body = "Code établissement;Nom établissement;Cycle;Secteur;Nb salles;Effectif;X;Y\n"
    body += f"TEST-L1;École test Lambert;Primaire;Public;5;150;{x:.2f};{y:.2f}\n".replace(
        ".", ",")
    res = read_registry(body.encode("latin-1"), "test_lambert.csv", region=region)
    assert res.summary["encoding"] == "windows-1252"  # the superset of Latin-1
    assert res.summary["crs"] == "EPSG:26191" and res.summary["crs_detected"]
    row = res.schools.iloc[0]
    assert row["name_fr"] == "École test Lambert"
    assert row["lon"] == pytest.approx(lon, abs=1e-5)
    assert row["lat"] == pytest.approx(lat, abs=1e-5)
    assert row["commune_code"] == "07.041.03.05"


def test_lambert_sud_given(region):
    lon, lat = -9.21905, 31.30203  # Bouabout
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:26192", always_xy=True).transform(lon, lat)
    body = f"id,cycle,x,y\nTEST-S1,primary,{x},{y}\n".encode()
    res = read_registry(body, "test_sud.csv", crs="EPSG:26192", region=region)
    assert not res.summary["crs_detected"] and res.summary["crs"] == "EPSG:26192"
    assert res.schools.iloc[0]["commune_code"] == "07.161.09.01"
    assert res.schools.iloc[0]["lat"] == pytest.approx(lat, abs=1e-5)


def test_ministry_list_joined_by_normalised_name(region):
    res = read_registry(FIXTURES / "test_ministry_colleges.csv", "colleges_test.csv",
                        region=region)
    assert res.ministry and not res.unsure
    assert res.summary["rejected_by_reason"] == {"no_commune": 1}
    reg = res.schools
    assert list(reg["commune_code"]) == ["07.041.03.05", "07.041.01.01", "07.041.11.07",
                                         "07.427.07.19"]  # Sidi Ghanem of Rehamna
    assert set(reg["cycle"]) == {"lower_secondary"}  # from the file name
    assert set(reg["sector"]) == {"public"}
    assert reg.geometry.isna().all()
    assert reg["school_id"].str.match(r"^MEN-[0-9a-f]{10}$").all()
    unmatched = res.issues[res.issues["code"] == "unknown_commune_name"]
    assert list(unmatched["value"]) == ["Commune Imaginaire (CR)"]


def test_ministry_cycle_from_school_names(region):
    data = ("NOM_ETABL,NOM_ETABA,AdresseL,AdresseA,LL_COM,LL_PROV\n"
            "LYCEE TEST A,الثانوية التأهيلية اختبار,x,x,Ait Faska (CR),Province: Al Haouz\n"
            "ECOLE TEST B,مدرسة اختبار,x,x,Bouabout (CR),Province: Chichaoua\n"
            "TEST C,اختبار,x,x,Bouabout (CR),Province: Chichaoua\n").encode()
    res = read_registry(data, "liste.csv", region=region)
    assert list(res.schools["cycle"]) == ["upper_secondary", "primary"]
    assert res.summary["rejected_by_reason"] == {"missing_cycle": 1}


def test_name_normalisation():
    assert name_key("Sidi Abdellah Ghiat (CR)") == name_key("SIDI-ABDELLAH GHIAT")
    assert name_key("Kelâat Sraghna (M)") == name_key("kelaat sraghna")
    assert name_key("إقليم الحوز") == name_key("الحوز") == name_key("حوز")
    assert name_key("جماعة أولاد حسون") == name_key("اولاد حسون")
    assert name_key("مدرسة") == name_key("مدرسه")
    assert name_key("Crachat") != name_key("achat")


def test_header_and_value_recognition():
    det = detect_columns(["Code établissement", "Nom établissement", "اسم المؤسسة", "Cycle",
                          "Secteur", "Nb salles", "Capacité", "Effectif", "Longitude",
                          "Latitude"])
    assert det.column_map == {
        "Code établissement": "school_id", "Nom établissement": "name_fr",
        "اسم المؤسسة": "name_ar", "Cycle": "cycle", "Secteur": "sector",
        "Nb salles": "classrooms", "Capacité": "seats", "Effectif": "pupils",
        "Longitude": "lon", "Latitude": "lat"}
    assert not det.unsure
    assert detect_columns(["a", "b"]).unsure
    assert [normalise_cycle(v) for v in ("Primaire", "Collégial", "Qualifiant", "ابتدائي",
                                         "إعدادي", "تأهيلي", "Préscolaire", "??")] == [
        "primary", "lower_secondary", "upper_secondary", "primary", "lower_secondary",
        "upper_secondary", "preschool", None]
    assert cycle_from_text("lycees_alhaouz_2024.xlsx") == "upper_secondary"
    assert cycle_from_text("liste.xlsx") is None


def test_parse_number():
    assert parse_number("31,6295") == 31.6295
    assert parse_number("-7.98") == -7.98
    assert parse_number("1 234") == 1234
    assert parse_number("1.234,5") == 1234.5
    assert parse_number("1,234.5") == 1234.5
    assert parse_number("12a") is None and parse_number("") is None


def test_manual_column_map(region):
    data = b"A;B;C\nTEST-M1;Primaire;07.041.03.05\n"
    res = read_registry(data, "test.csv", region=region)
    assert res.unsure and "cycle" in res.missing
    assert res.summary["rejected"] == 1
    res = read_registry(data, "test.csv", region=region,
                        column_map={"A": "school_id", "B": "cycle", "C": "commune_code"})
    assert not res.unsure and res.summary["accepted"] == 1
    assert res.schools.iloc[0]["commune_code"] == "07.041.03.05"
    with pytest.raises(RegistryError, match="not in the file"):
        read_registry(data, "test.csv", region=region, column_map={"Z": "cycle"})
    with pytest.raises(RegistryError, match="unknown registry fields"):
        read_registry(data, "test.csv", region=region, column_map={"A": "nonsense"})


def test_title_rows_above_header(region):
    data = ("Liste TEST des établissements\n\nCode;Nom;Cycle;Commune\n"
            "TEST-T1;École test;Primaire;Ait Faska\n").encode()
    res = read_registry(data, "test.csv", region=region)
    assert res.summary["accepted"] == 1
    assert res.schools.iloc[0]["commune_code"] == "07.041.03.05"
    assert res.issues.empty


def test_capacity_checks(region):
    data = (b"id,cycle,commune_code,classrooms,seats,pupils,pupils_girls,year\n"
            b"TEST-1,primary,07.041.03.05,500,100,90,95,2024\n"
            b"TEST-2,primary,07.041.03.05,4,x,90,40,1850\n")
    res = read_registry(data, "test.csv", region=region)
    assert res.summary["rejected"] == 0
    got = set(zip(res.issues["row"], res.issues["code"], strict=True))
    got -= {(2, "missing_name"), (3, "missing_name")}
    assert got == {(2, "implausible_value"), (2, "girls_above_pupils"), (3, "bad_number"),
                   (3, "bad_year")}


def test_size_limit_and_bad_files(region, tmp_path):
    with pytest.raises(RegistryError, match="limit"):
        read_registry(b"x" * 2000, "big.csv", region=region, max_bytes=1000)
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 2000)
    with pytest.raises(RegistryError, match="limit"):
        read_registry(path, "big.csv", region=region, max_bytes=1000)
    for data, name in ((b"", "e.csv"), (b"PK\x03\x04garbage", "a.zip"),
                       (b"not excel", "a.xlsx"), (b"{oops", "a.geojson"),
                       (b"abc", "a.gpkg"), (b"abc", "a.pdf"), (b"abc", "a.xls")):
        with pytest.raises(RegistryError):
            read_registry(data, name, region=region)
    assert issubclass(RegistryError, MappingError)


def test_quality_shares():
    df = pd.DataFrame({"location_quality": ["inferred_census"] * 3 + ["fictitious"],
                       "capacity_quality": ["estimated"] * 4})
    shares = quality_shares(df)
    assert shares["location_quality"] == {"fictitious": 0.25, "inferred_census": 0.75}
    assert shares["capacity_quality"] == {"estimated": 1.0}
    assert quality_shares(df.iloc[:0]) == {"location_quality": {}, "capacity_quality": {}}
