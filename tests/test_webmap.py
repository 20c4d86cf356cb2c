"""Web map builders: simplified coverage, choropleth, schools, payload size."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from mapping import web as webmap
from mapping.census import CENSUS_INDICATORS
from mapping.classify import NO_DATA_COLOR, classify
from mapping.datasets import Region

IND = {i.id: i for i in CENSUS_INDICATORS}


@pytest.fixture(scope="module")
def web(region: Region) -> gpd.GeoDataFrame:
    return webmap.web_communes(region.communes)


@pytest.fixture(scope="module")
def table(region: Region, web: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    tab = region.commune_table()
    return tab.set_geometry(gpd.GeoSeries(web.geometry.to_numpy(), index=tab.index,
                                          crs=tab.crs))


def test_web_communes_is_a_valid_coverage_with_fewer_vertices(
    region: Region, web: gpd.GeoDataFrame
) -> None:
    assert len(web) == 251 and list(web["code"]) == list(region.communes["code"])
    before = shapely.get_num_coordinates(region.communes.geometry.to_numpy()).sum()
    after = shapely.get_num_coordinates(web.geometry.to_numpy()).sum()
    assert after < 0.8 * before
    assert web.geometry.is_valid.all()
    # no gaps or overlaps between neighbours after simplification and rounding
    assert shapely.coverage_is_valid(web.geometry.to_numpy())
    coords = shapely.get_coordinates(web.geometry.to_numpy())
    assert np.allclose(coords, np.round(coords, 4))
    # the region keeps its area (within 1%)
    assert abs(web.to_crs(32629).area.sum() / region.communes.to_crs(32629).area.sum() - 1) < 0.01


def test_web_provinces_are_the_eight_provinces(web: gpd.GeoDataFrame) -> None:
    prov = webmap.web_provinces(web)
    assert len(prov) == 8
    assert set(prov["province_code"]) == set(web["province_code"])
    # the coverage union gives the general union's outlines, vertex for vertex
    general = web[["province_code", "geometry"]].dissolve(by="province_code", as_index=False)
    general_geoms = shapely.set_precision(general.geometry.to_numpy(), webmap.GRID_SIZE)
    assert prov["province_code"].tolist() == general["province_code"].tolist()
    assert shapely.equals_exact(shapely.normalize(prov.geometry.to_numpy()),
                                shapely.normalize(general_geoms), 0).all()
    assert prov.geometry.is_valid.all()


def _render(table: gpd.GeoDataFrame, ind_id: str, lang: str = "fr",
            schools: gpd.GeoDataFrame | None = None) -> str:
    ind = IND[ind_id]
    c = classify(table[ind_id], "quantiles", 5, higher_is_better=ind.higher_is_better)
    m = webmap.base_map(bounds=table.total_bounds)
    webmap.add_choropleth(m, table, ind, c, lang)
    webmap.add_province_outlines(m, webmap.web_provinces(table))
    if schools is not None:
        webmap.add_schools(m, schools, lang)
    webmap.add_layer_control(m)
    return str(m.get_root().render())


def _text(html: str) -> str:
    """*html* with JSON ``\\uXXXX`` escapes decoded, to search for visible text."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda g: chr(int(g.group(1), 16)), html)


def test_full_map_payload_is_small_and_offline(table: gpd.GeoDataFrame) -> None:
    html = _render(table, "schooling_rate_6_to_11")
    assert len(html.encode("utf-8")) <= 1_500_000
    assert html.count('"cs-commune"') >= 1
    assert set(re.findall(r'"code":\s*"([0-9.]+)"', html)) == set(table["code"])
    # no CDN and no tile layer by default
    assert not re.search(r'(src|href)="https?://', html)
    assert "tileLayer" not in html
    assert "/app/static/vendor/leaflet.js" in html


def test_tooltip_has_name_value_unit_and_rank(table: gpd.GeoDataFrame) -> None:
    html = _text(_render(table, "schooling_rate_6_to_11"))
    row = table.loc[table["schooling_rate_6_to_11"].idxmax()]
    value = IND["schooling_rate_6_to_11"].format(row["schooling_rate_6_to_11"], "fr")
    assert value.endswith("%")
    assert value in html
    assert "Rang dans la région : 1 / 251" in html
    assert row["name_fr"] in html


def test_2014_and_estimated_figures_are_flagged(table: gpd.GeoDataFrame) -> None:
    assert "donnée du recensement 2014" in _text(_render(table, "equipment_internet_2014"))
    assert "estimation" in _text(_render(table, "school_age_primary_est"))


def test_legend_lists_breaks_and_no_data(table: gpd.GeoDataFrame) -> None:
    ind = IND["households_distance_to_paved_road_km"]
    values = pd.to_numeric(table[ind.id], errors="coerce")
    assert values.isna().any()  # urban communes have no figure
    c = classify(values, "fisher_jenks", 4, higher_is_better=False)
    legend = webmap.legend_html(ind, c, "fr", no_data=int(values.isna().sum()))
    assert legend.count('class="cs-swatch"') == 4
    assert "Pas de donnée " in legend
    assert f"({int(values.isna().sum())})" in legend
    assert "km" in legend
    assert NO_DATA_COLOR in legend
    assert c.colors[-1] in legend


def test_arabic_names_and_rtl(table: gpd.GeoDataFrame) -> None:
    html = _text(_render(table, "population_2024", lang="ar"))
    assert 'dir="rtl"' in html or 'dir=\\"rtl\\"' in html
    assert f"<b>{table.iloc[0]['name_ar']}</b>" in html


def test_school_text_is_escaped() -> None:
    row = {"name_fr": "<img src=x onerror=alert(1)>", "name_ar": "`${alert(1)}`",
           "cycle": "primary", "sector": "private", "kind": "<b>x</b>", "seats": 120,
           "pupils": float("nan"), "source": "a&b", "location_quality": "fictitious",
           "capacity_quality": "estimated"}
    assert "`" not in webmap.school_popup(row, "ar")
    html = webmap.school_popup(row, "fr")
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "`" not in html and "${" not in html
    assert "<b>x</b>" not in html and "a&amp;b" in html
    assert "fictive" in html and "estimée" in html


def test_schools_layer_clusters_when_dense(table: gpd.GeoDataFrame) -> None:
    rng = np.random.default_rng(0)
    n = webmap.CLUSTER_THRESHOLD + 1
    pts = table.geometry.representative_point().sample(n, replace=True, random_state=1)
    schools = gpd.GeoDataFrame({
        "name_fr": [f"École {i}" for i in range(n)], "name_ar": "مدرسة",
        "cycle": rng.choice(["primary", "lower_secondary"], n), "sector": "public",
        "seats": rng.integers(50, 900, n), "commune_code": "07.041.01.01",
    }, geometry=pts.to_numpy(), crs="EPSG:4326")
    html = _render(table, "population_2024", schools=schools)
    assert "markerClusterGroup" in html
    assert "/app/static/vendor/leaflet.markercluster.js" in html
    few = _text(_render(table, "population_2024", schools=schools.head(5)))
    assert "markerClusterGroup" not in few
    assert few.count("École ") == 5


def test_school_radius_grows_with_seats() -> None:
    assert webmap.school_radius(None) == 4.0
    assert webmap.school_radius(0) == 4.0
    assert webmap.school_radius(100) < webmap.school_radius(900) <= 12.0


def test_base_map_tiles_only_on_request() -> None:
    url = "https://tile.example.org/{z}/{x}/{y}.png"
    html = webmap.base_map(tiles_url=url).get_root().render()
    assert "tile.example.org" in html
    assert "tile.example.org" not in webmap.base_map().get_root().render()


def test_douar_legend_ranges_read_left_to_right_with_the_unit_outside() -> None:
    from mapping.web.douars import band_labels, band_ranges, douar_legend_html

    assert band_ranges("fr")[:3] == ["0–1", "1–2", "2–5"] and band_ranges("fr")[-1] == "> 20"
    assert band_labels("en")[2] == "2–5 km"
    html = douar_legend_html("lower_secondary", "ar")
    assert 'dir="rtl"' in html
    # every range is its own left-to-right run; the unit follows it, outside the run
    assert html.count('<bdi dir="ltr">') == len(band_ranges("ar"))
    assert '<bdi dir="ltr">2–5</bdi>&nbsp;كلم' in html


def test_a_projection_is_flagged_as_such_not_as_a_census(table: gpd.GeoDataFrame) -> None:
    from dataclasses import replace

    from mapping.web.legend import value_note

    ind = replace(IND["school_age_primary_est"], year=2030)
    assert value_note(ind, "fr").startswith("projection pour 2030")
    assert "recensement" not in value_note(ind, "fr")
    assert "إسقاط" in value_note(ind, "ar")
