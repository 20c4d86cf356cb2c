"""Data exports: exactly the filtered communes, CSV with BOM, XLSX sources, GeoPackage."""

from __future__ import annotations

import io
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from openpyxl import load_workbook
from PIL import Image

from mapping import cli, exports, web
from mapping.datasets import Region
from mapping.filters import Selection
from mapping.registry import load_default_registry
from mapping.table import indicator_table

CHICHAOUA_RURAL = Selection(provinces=("07.161",), area="rural")


@pytest.fixture(scope="module")
def registry() -> gpd.GeoDataFrame:
    return load_default_registry()


@pytest.fixture(scope="module")
def table(region: Region, registry: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return indicator_table(region, registry)


@pytest.fixture(scope="module")
def expected(region: Region) -> set[str]:
    c = region.communes
    return set(c.loc[(c["province_code"] == "07.161") & (c["type"] == "rural"), "code"])


def test_csv_has_bom_and_exactly_the_filtered_communes(
    region: Region, table: gpd.GeoDataFrame, expected: set[str]
) -> None:
    data = exports.export_table(region, table, CHICHAOUA_RURAL, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype={"code": str})
    assert len(expected) == 33
    assert set(back["code"]) == expected and len(back) == len(expected)
    names = region.communes.set_index("code")["name_ar"]
    assert (back.set_index("code")["name_ar"] == names.loc[back["code"]]).all()
    assert "geometry" not in back.columns
    assert "schooling_rate_6_to_11" in back.columns


def test_csv_neutralises_formulas() -> None:
    data = exports.to_csv(pd.DataFrame({"name": ["=HYPERLINK(\"x\")", "Safi"], "v": [-1, 2]}))
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back["name"].tolist() == ["'=HYPERLINK(\"x\")", "Safi"]
    assert back["v"].tolist() == [-1, 2]


def test_xlsx_has_a_sources_sheet(region: Region, table: gpd.GeoDataFrame,
                                  expected: set[str]) -> None:
    data = exports.export_table(region, table, CHICHAOUA_RURAL, "xlsx")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Data", "Sources"]
    sheet = pd.read_excel(io.BytesIO(data), sheet_name="Data", dtype={"code": str})
    assert set(sheet["code"]) == expected
    sources = pd.read_excel(io.BytesIO(data), sheet_name="Sources")
    text = " ".join(sources["source"].astype(str))
    assert "Haut-Commissariat au Plan, RGPH 2024" in text
    assert "OpenStreetMap" in text
    row = sources.loc[sources["column"] == "school_age_primary_est"].iloc[0]
    assert row["estimated"] == "yes" and row["year"] == 2024
    ar = exports.to_xlsx(sheet.head(2), ["HCP"], lang="ar")
    assert load_workbook(io.BytesIO(ar)).sheetnames == ["Data", "المصادر"]


def test_geopackage_round_trip(region: Region, table: gpd.GeoDataFrame,
                               registry: gpd.GeoDataFrame, expected: set[str],
                               tmp_path: Path) -> None:
    data = exports.export_table(region, table, CHICHAOUA_RURAL, "gpkg", registry=registry)
    path = tmp_path / "view.gpkg"
    path.write_bytes(data)
    import pyogrio

    assert [name for name, _ in pyogrio.list_layers(path)] == ["communes", "schools", "douars"]
    communes = gpd.read_file(path, layer="communes")
    assert set(communes["code"]) == expected
    assert communes.crs.to_epsg() == 4326
    assert communes.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    src = region.communes.set_index("code")
    back = communes.set_index("code")
    assert (back["name_ar"] == src.loc[back.index, "name_ar"]).all()
    assert back.geometry.to_crs(32629).area.sum() == pytest.approx(
        src.loc[back.index].geometry.to_crs(32629).area.sum(), rel=1e-6)
    schools = gpd.read_file(path, layer="schools")
    want = registry[registry["commune_code"].isin(expected)]
    assert len(schools) == len(want) > 0
    assert set(schools["school_id"]) == set(want["school_id"])
    douars = gpd.read_file(path, layer="douars")
    want_d = region.douars[region.douars["commune_code"].isin(expected)]
    assert len(douars) == len(want_d)
    assert int(douars.geometry.notna().sum()) == int(want_d["lon"].notna().sum())


def test_geopackage_without_schools_or_douars(table: gpd.GeoDataFrame, tmp_path: Path) -> None:
    path = tmp_path / "c.gpkg"
    path.write_bytes(exports.to_geopackage(table.head(3), None, None))
    assert len(gpd.read_file(path, layer="communes")) == 3
    assert len(gpd.read_file(path, layer="schools")) == 0
    assert len(gpd.read_file(path, layer="douars")) == 0


def test_offline_html_inlines_leaflet() -> None:

    m = web.base_map()
    html = exports.offline_html(m).decode("utf-8")
    assert "cdn.jsdelivr.net" not in html and "code.jquery.com" not in html
    assert "/app/static" not in html
    assert "L.map(" in html
    assert "(inlined)" in html


def test_filtered_view_follows_cycle_filter(table: gpd.GeoDataFrame,
                                            registry: gpd.GeoDataFrame) -> None:
    sel = Selection(provinces=("07.161",), cycles=("primary",))
    communes, schools, douars = exports.filtered_view(table, sel, registry=registry)
    assert schools is not None and douars is None
    assert set(schools["cycle"]) == {"primary"}
    assert set(schools["commune_code"]) <= set(communes["code"])


def test_command_line_exports(tmp_path: Path) -> None:
    csv = tmp_path / "t.csv"
    assert cli.main(["export", "table", "--province", "07.585", "--format", "csv",
                     "--out", str(csv)]) == 0
    assert len(pd.read_csv(csv, encoding="utf-8-sig")) == 11
    png = tmp_path / "m.png"
    assert cli.main(["export", "map", "--indicator", "age_5_9", "--province", "07.585",
                     "--format", "png", "--dpi", "50", "--out", str(png)]) == 0
    assert Image.open(png).size == (int(11.69 * 50), int(8.27 * 50))
    assert cli.main(["export", "map", "--indicator", "nope", "--format", "pdf",
                     "--out", str(tmp_path / "x.pdf")]) == 2
