"""Exports for people: readable headers in each language, ids kept, rounding, codes as text."""

from __future__ import annotations

import io
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from openpyxl import load_workbook

from mapping import exports
from mapping.datasets import Region
from mapping.filters import Selection
from mapping.registry import load_default_registry
from mapping.table import indicator_table

SAFI = Selection(provinces=("07.431",))


@pytest.fixture(scope="module")
def table(region: Region) -> gpd.GeoDataFrame:
    return indicator_table(region)


def test_csv_has_readable_then_machine_headers(region: Region, table: gpd.GeoDataFrame) -> None:
    data = exports.export_table(region, table, SAFI, "csv", lang="fr", readable=True)
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", header=[0, 1], dtype=str)
    readable = [a for a, _ in back.columns]
    ids = [b for _, b in back.columns]
    assert ids[:2] == ["code", "name_fr"] and "schooling_rate_6_to_11" in ids
    assert readable[0] == "Code HCP de la commune"
    assert "Taux de scolarisation des 6-11 ans [%]" in readable
    # codes stay text, values are rounded
    assert back[("Code de la province", "province_code")].str.startswith("07.").all()
    rate = back[("Taux de scolarisation des 6-11 ans [%]", "schooling_rate_6_to_11")]
    assert rate.dropna().map(lambda v: len(v.split(".")[-1]) <= 2).all()


def test_arabic_xlsx_headers_and_column_sheet(region: Region, table: gpd.GeoDataFrame) -> None:
    data = exports.export_table(region, table, SAFI, "xlsx", lang="ar", readable=True,
                                registry=load_default_registry())
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["المعطيات", "المصادر", "الأعمدة"]
    data_sheet = book["المعطيات"]
    headers = [c.value for c in data_sheet[1]]
    assert headers[0] == "رمز الجماعة (المندوبية)"
    code_cell = data_sheet.cell(row=2, column=1)
    assert isinstance(code_cell.value, str) and code_cell.number_format == "@"
    cols = pd.read_excel(io.BytesIO(data), sheet_name="الأعمدة")
    assert "schooling_rate_6_to_11" in set(cols["المعرف الآلي"])
    sources = pd.read_excel(io.BytesIO(data), sheet_name="المصادر")
    text = " ".join(sources.astype(str).to_numpy().ravel())
    assert "fictitious (demo)" not in text and "معطيات للعرض" in text
    assert "yes" not in set(sources["تقديري"].astype(str))


def test_geopackage_keeps_unlocated_douars_apart(region: Region, table: gpd.GeoDataFrame,
                                                 tmp_path: Path) -> None:
    data = exports.export_table(region, table, SAFI, "gpkg", readable=True)
    path = tmp_path / "x.gpkg"
    path.write_bytes(data)
    layers = [name for name, _ in pyogrio.list_layers(path)]
    assert "douars_without_location" in layers
    points = gpd.read_file(path, layer="douars")
    apart = pyogrio.read_dataframe(path, layer="douars_without_location", read_geometry=False)
    assert points.geometry.notna().all() and len(points) and len(apart)
    codes = set(table.loc[SAFI.commune_mask(table).to_numpy(), "code"])
    want = region.douars[region.douars["commune_code"].isin(codes)]
    assert len(points) + len(apart) == len(want)
    assert len(points) == int(want["lon"].notna().sum())


def test_machine_exports_unchanged(region: Region, table: gpd.GeoDataFrame) -> None:
    data = exports.export_table(region, table, SAFI, "csv")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype={"code": str})
    assert list(back.columns[:2]) == ["code", "name_fr"]
