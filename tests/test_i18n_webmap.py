"""Web map in each language: provenance on the symbols, translated popups, legends, demo mark."""

from __future__ import annotations

import re

import geopandas as gpd
import pytest

from mapping import web as webmap
from mapping.census import CENSUS_INDICATORS
from mapping.classify import classify
from mapping.datasets import Region
from mapping.registry import load_default_registry
from mapping.web.schools import school_fields, school_style, schools_legend_html


@pytest.fixture(scope="module")
def registry() -> gpd.GeoDataFrame:
    return load_default_registry()


@pytest.fixture(scope="module")
def table(region: Region) -> gpd.GeoDataFrame:
    tab = region.commune_table()
    web = webmap.web_communes(region.communes)
    return tab.set_geometry(gpd.GeoSeries(web.geometry.to_numpy(), index=tab.index,
                                          crs=tab.crs))


def _text(html: str) -> str:
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda g: chr(int(g.group(1), 16)), html)


def _render(table: gpd.GeoDataFrame, schools: gpd.GeoDataFrame, lang: str) -> str:
    ind = {i.id: i for i in CENSUS_INDICATORS}["schooling_rate_6_to_11"]
    c = classify(table[ind.id], "quantiles", 5, higher_is_better=ind.higher_is_better)
    m = webmap.assemble_map(lang, webmap.Choropleth(table, ind, c), schools=schools)
    return _text(str(m.get_root().render()))


def test_each_school_symbol_shows_its_provenance(registry: gpd.GeoDataFrame) -> None:
    styles = {r["location_quality"]: school_style(r) for r in
              registry.drop_duplicates("location_quality").to_dict("records")}
    assert styles["inferred_census"].mark == "hatched"
    assert styles["fictitious"].mark == "cross"


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_popups_and_legend_in_language(table: gpd.GeoDataFrame, registry: gpd.GeoDataFrame,
                                       lang: str) -> None:
    sample = registry.groupby("location_quality").head(3)
    html = _render(table, sample, lang)
    for english in ("fictitious (demo)", "inferred from RGPH 2024", "Source:"):
        assert english not in html
    assert "url(#cs-hatched-" in html and "url(#cs-cross-" in html
    assert 'id="cs-cross-0072B20072B2"' in html
    demo = {"fr": "DONNÉES DE DÉMONSTRATION", "ar": "معطيات للعرض"}[lang]
    assert demo in html
    assert "<details open" in html and "leaflet-control-scale-line+" in html
    legend = schools_legend_html(lang)
    assert legend.count("<svg") == 3


def test_no_demo_mark_without_fictitious(table: gpd.GeoDataFrame,
                                         registry: gpd.GeoDataFrame) -> None:
    real = registry[registry["location_quality"] != "fictitious"].head(5)
    assert "DONNÉES DE DÉMONSTRATION" not in _render(table, real, "fr")


def test_popup_fields_translated(registry: gpd.GeoDataFrame) -> None:
    row = registry[registry["kind"] == "college"].iloc[0].to_dict()
    fields = school_fields(row, "ar")
    assert fields["k"] == "ثانوية إعدادية"
    assert fields["l"] and fields["q"] and fields["r"] not in ("fictitious (demo)",)
    row.update(seats=1234.0, location_quality="imported", capacity_quality="imported")
    fr = school_fields(row, "fr")
    assert fr["s"] == "1\u202f234" and fr["l"] == fr["q"] != ""
