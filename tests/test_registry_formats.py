"""Registry round trips through XLSX, GeoJSON, GeoPackage and zipped Shapefile; zip safety.

The schools are FICTITIOUS (test data).
"""

from __future__ import annotations

import io
import zipfile

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from mapping.registry import RegistryError, read_registry
from mapping.registry.template import template_csv, template_xlsx

SCHOOLS = pd.DataFrame({
    "school_id": ["TEST-F1", "TEST-F2", "TEST-F3"],
    "name_fr": ["École test un", "Collège test deux", "Lycée test trois"],
    "name_ar": ["مدرسة اختبار", "إعدادية اختبار", "ثانوية اختبار"],
    "cycle": ["primary", "lower_secondary", "upper_secondary"],
    "sector": ["public", "public", "private"],
    "seats": [240, 800, 600],
})
POINTS = [(-7.68027, 31.54109), (-9.21905, 31.30203), (-7.15232, 31.78746)]
COMMUNES = ["07.041.03.05", "07.161.09.01", "07.191.09.01"]


def _gdf(crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame(SCHOOLS.copy(), geometry=[Point(p) for p in POINTS],
                           crs="EPSG:4326")
    return gdf.to_crs(crs)


def _check(res) -> None:
    assert res.summary["rejected"] == 0, res.issues
    reg = res.schools.set_index("school_id")
    assert list(reg["commune_code"]) == COMMUNES
    assert reg.loc["TEST-F1", "name_ar"] == "مدرسة اختبار"
    assert reg.loc["TEST-F3", "sector"] == "private"
    assert reg.loc["TEST-F2", "seats"] == 800
    for (lon, lat), (_, row) in zip(POINTS, reg.iterrows(), strict=True):
        assert row["lon"] == pytest.approx(lon, abs=1e-5)
        assert row["lat"] == pytest.approx(lat, abs=1e-5)


def test_xlsx_round_trip(region):
    df = SCHOOLS.assign(lon=[p[0] for p in POINTS], lat=[p[1] for p in POINTS])
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        df.to_excel(xl, index=False, sheet_name="TEST")
    res = read_registry(buf.getvalue(), "test.xlsx", region=region)
    assert res.summary["format"] == "xlsx"
    _check(res)


def test_geojson_round_trip(region, tmp_path):
    path = tmp_path / "test.geojson"
    _gdf().to_file(path, driver="GeoJSON")
    res = read_registry(path.read_bytes(), "test.geojson", region=region)
    assert res.summary["format"] == "geojson"
    _check(res)


def test_gpkg_round_trip_in_lambert(region, tmp_path):
    path = tmp_path / "test.gpkg"
    _gdf("EPSG:26191").to_file(path, driver="GPKG")
    res = read_registry(path, "test.gpkg", region=region)
    assert res.summary["format"] == "gpkg"
    assert res.summary["crs"] == "EPSG:26191"
    _check(res)


def _zip(folder, names) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in names:
            zf.write(folder / name, f"ecoles_test/{name}")
    return buf.getvalue()


def test_zipped_shapefile_round_trip(region, tmp_path):
    _gdf().to_file(tmp_path / "test.shp", encoding="utf-8")
    names = [p.name for p in tmp_path.iterdir()]
    res = read_registry(_zip(tmp_path, names), "test.zip", region=region)
    assert res.summary["format"] == "shapefile"
    _check(res)


def test_zip_path_traversal_refused(region):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../evil.shp", b"x")
    with pytest.raises(RegistryError, match="unsafe"):
        read_registry(buf.getvalue(), "evil.zip", region=region)


def test_zip_bomb_refused(region):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.csv", b"0" * 20_000_000)
    with pytest.raises(RegistryError, match="zip bomb"):
        read_registry(buf.getvalue(), "bomb.zip", region=region)


def test_zipped_csv(region):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("liste.csv", "id,cycle,commune_code\nTEST-Z,primary,070410305\n")
    res = read_registry(buf.getvalue(), "liste.zip", region=region)
    assert res.schools.iloc[0]["commune_code"] == "07.041.03.05"


def test_templates_read_back_cleanly(region):
    from openpyxl import load_workbook

    for data, name in ((template_csv(), "registry_template.csv"),
                       (template_xlsx(), "registry_template.xlsx")):
        res = read_registry(data, name, region=region)
        assert res.summary["accepted"] == 2 and res.issues.empty, res.issues
        assert set(res.schools["school_id"]) == {"EXEMPLE-001", "EXEMPLE-002"}
    wb = load_workbook(io.BytesIO(template_xlsx()))
    assert wb.sheetnames == ["registre", "instructions"]
    text = " ".join(str(c.value) for row in wb["instructions"].iter_rows() for c in row)
    assert "Code unique" in text and "رمز المؤسسة" in text
