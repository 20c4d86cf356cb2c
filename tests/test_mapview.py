"""The map component's data: geometry encoding and publication, per-rerun payloads."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from mapping.classify import NO_DATA_COLOR, classify
from mapping.datasets import load_region
from mapping.indicators import catalogue
from mapping.registry import load_default_registry
from mapping.table import indicator_table
from mapping.web.geometry import web_communes, web_provinces
from ui.mapview import geometry as mgeom
from ui.mapview import payload
from ui.mapview.layers import schools_layer


@pytest.fixture(scope="module")
def region():  # type: ignore[no-untyped-def]
    return load_region()


@pytest.fixture(scope="module")
def web(region) -> gpd.GeoDataFrame:  # type: ignore[no-untyped-def]
    return web_communes(region.communes)


@pytest.fixture(scope="module")
def published(web: gpd.GeoDataFrame, tmp_path_factory: pytest.TempPathFactory
              ) -> mgeom.GeometryAsset:
    return mgeom.publish_geometry(web, web_provinces(web), tmp_path_factory.mktemp("static"))


def test_geometry_round_trips_on_the_web_grid(web: gpd.GeoDataFrame) -> None:
    doc = json.loads(mgeom.geometry_bytes(web, web_provinces(web)))
    assert len(doc["codes"]) == len(doc["communes"]) == 251
    assert len(doc["provinces"]) == 8
    i = doc["codes"].index(str(web["code"].iloc[17]))
    original = web.geometry.iloc[17]
    polys = [shapely.Polygon(mgeom.decode_ring(p[0]), [mgeom.decode_ring(h) for h in p[1:]])
             for p in doc["communes"][i]]
    decoded = shapely.MultiPolygon(polys) if len(polys) > 1 else polys[0]
    # same shape, to the 1e-4 degree grid of the web geometry
    assert decoded.symmetric_difference(original).area < 1e-6 * max(original.area, 1e-9) + 1e-8
    assert doc["name_ar"][i] == web["name_ar"].iloc[17]


def test_geometry_is_published_once_under_its_hash(
    web: gpd.GeoDataFrame, published: mgeom.GeometryAsset
) -> None:
    assert published.path.read_bytes() == mgeom.geometry_bytes(web, web_provinces(web))
    assert published.digest[:16] in published.url
    assert published.url.startswith("/app/static/mapview/geometry.")
    mtime = published.path.stat().st_mtime_ns
    again = mgeom.publish_geometry(web, web_provinces(web), published.path.parent.parent)
    assert again.url == published.url
    assert again.path.stat().st_mtime_ns == mtime  # not rewritten
    # compact: far smaller than the GeoJSON the folium map sent on every rerun
    assert published.size < len(web.to_json()) / 2


def test_indicator_payload_is_small_and_follows_geometry_order(
    region, published: mgeom.GeometryAsset  # type: ignore[no-untyped-def]
) -> None:
    table = indicator_table(region, load_default_registry())
    ind = catalogue()["schooling_rate_6_to_11"]
    shown = table[table["province_code"] == table["province_code"].iloc[0]]
    values = shown[ind.id].to_numpy(dtype=float)
    cls = classify(values, "quantiles", 5, higher_is_better=ind.higher_is_better)
    styles = payload.choropleth_styles(published, list(shown["code"]), list(values), ind, cls, "fr")
    order = list(published.codes)
    # communes outside the province are hidden, the others carry their class colour
    for code, c in zip(shown["code"], cls.classes, strict=True):
        j = order.index(code)
        colour = styles["palette"][styles["c"][j]]
        assert colour == (NO_DATA_COLOR if c < 0 else cls.colors[c])
    assert sum(1 for c in styles["c"] if c >= 0) == len(shown)
    assert styles["title"] == ind.label_in("fr")
    assert "{rank}" in styles["rank"]
    data = payload.map_data(published, styles, "fr")
    assert "communes" in data and data["geometry"] == published.url
    # an indicator change sends no geometry: a few KB, not the 600 KB folium page
    assert payload.payload_size(data) < 20_000
    assert "coordinates" not in json.dumps(data)


def test_same_styles_same_key_and_change_changes_it(published: mgeom.GeometryAsset) -> None:
    colors = {published.codes[0]: "#ff0000", published.codes[1]: "#00ff00"}
    a = payload.commune_styles(published, colors, {published.codes[0]: "x"})
    b = payload.commune_styles(published, dict(colors), {published.codes[0]: "x"})
    c = payload.commune_styles(published, colors, {published.codes[0]: "y"})
    assert a["key"] == b["key"] != c["key"]
    assert a["c"][2:] == [-1] * (len(published.codes) - 2)


def test_school_popups_are_plain_text_and_large_layers_go_to_a_file(tmp_path: Path) -> None:
    reg = load_default_registry()
    reg = reg.copy()
    hostile = '<img src=x onerror="alert(1)">'
    reg.loc[reg.index[0], "name_fr"] = hostile
    layer = schools_layer(reg, "fr")
    located = int((reg.geometry.notna() & ~reg.geometry.is_empty).sum())
    assert len(layer.lon) == located
    # the name travels as text; the browser inserts it with textContent
    assert layer.values[0][0] == hostile
    out = payload.publish_layer(layer, tmp_path)
    assert "url" in out and "inline" not in out
    body = json.loads((tmp_path / out["url"].split("/app/static/")[1]).read_text())
    assert body["vals"][0][0] == hostile
    assert len(body["x"]) == located and body["fields"][0] == ""
    small = payload.PointLayer("sites", "Sites", [-8.0], [31.6], [0],
                               [payload.PointStyle("#1b7837", "#1b7837")])
    assert "inline" in payload.publish_layer(small, tmp_path)


def test_point_layer_rejects_misaligned_columns() -> None:
    with pytest.raises(ValueError, match="lat"):
        payload.PointLayer("x", "x", [1.0, 2.0], [1.0], [0, 0], [payload.PointStyle("#000")])
    with pytest.raises(ValueError, match="style index"):
        payload.PointLayer("x", "x", [1.0], [1.0], [3], [payload.PointStyle("#000")])


def test_arabic_mirrors_legends_and_marks_rtl(published: mgeom.GeometryAsset) -> None:
    styles = payload.commune_styles(published, {}, {})
    data = payload.map_data(published, styles, "ar",
                            legends=[payload.LegendBox("<b>x</b>", "bottomright")])
    assert data["rtl"] is True
    assert data["legends"][0]["position"] == "bottomleft"
    assert payload.mirror("topleft", "fr") == "topleft"
    assert np.allclose(data["fit"], [round(v, 4) for v in published.bounds])


def test_published_folder_ignores_itself_and_prunes_old_files(tmp_path: Path) -> None:
    import os

    url, path, _digest = mgeom.publish_bytes(b"{}", tmp_path, "/app/static", "x")
    assert (tmp_path / "mapview" / ".gitignore").read_text().strip().endswith("*")
    old = tmp_path / "mapview" / "old.json"
    old.write_text("{}")
    os.utime(old, (1_000_000, 1_000_000))
    assert mgeom.prune(tmp_path) == 1
    assert not old.exists() and path.exists()
    assert url.endswith(path.name)


def test_school_marks_follow_provenance_like_the_folium_and_printed_maps() -> None:
    from mapping.provenance import mark_style
    from mapping.web.schools import CYCLE_COLORS, school_style
    from ui.mapview.layers import point_style

    reg = load_default_registry().copy()
    located = reg[reg.geometry.notna() & ~reg.geometry.is_empty]
    surveyed = located.index[0]
    reg.loc[surveyed, "location_quality"] = "surveyed"
    layer = schools_layer(reg, "fr")
    body = layer.body()
    marks = [body["st"][s].get("m", "circle") for s in body["s"]]
    quality = list(reg.loc[reg.geometry.notna() & ~reg.geometry.is_empty, "location_quality"])
    expected = {"surveyed": "circle", "inferred_census": "hatched", "fictitious": "cross"}
    assert marks == [expected[q] for q in quality]
    # the style data is the folium/print one: same colours, opacity, dash
    row = reg.loc[surveyed]
    first = body["st"][body["s"][0]]
    ms = school_style(row)
    assert (first["c"], first["f"], first.get("d", [])) == (ms.color, ms.fill, [])
    fict = next(i for i, q in enumerate(quality) if q == "fictitious")
    fs = body["st"][body["s"][fict]]
    cross = mark_style("fictitious", fs["c"])
    assert fs["m"] == "cross" and fs["o"] == cross.fill_opacity
    assert fs["d"] == [float(v) for v in cross.dash.split()]
    assert fs != body["st"][body["s"][0]]
    assert point_style(school_style({"cycle": "primary", "sector": "private",
                                     "location_quality": "inferred_census"})).fill == "#ffffff"
    assert CYCLE_COLORS["primary"] in {s["c"] for s in body["st"]}
    # the popup says where the school comes from, in the interface language
    assert "fictif" in " ".join(layer.values[fict]).lower()
    assert layer.fields[5] and layer.values[fict][-1] != "fictitious (demo)"
    with pytest.raises(ValueError, match="mark"):
        payload.PointStyle("#000", mark="star")


def test_legend_boxes_carry_their_class_for_the_demonstration_mark(
    published: mgeom.GeometryAsset
) -> None:
    from mapping.provenance import demo_mark
    from mapping.web.schools import demo_mark_html

    styles = payload.commune_styles(published, {}, {})
    data = payload.map_data(published, styles, "ar", legends=[
        payload.LegendBox(demo_mark_html("ar"), "topright", "cs-demo"),
        payload.LegendBox("<b>x</b>")])
    assert [(b["cls"], b["position"]) for b in data["legends"]] == [
        ("cs-demo", "topleft"), ("cs-legend", "bottomleft")]
    assert demo_mark("ar") in data["legends"][0]["html"]
    assert 'dir="rtl"' in data["legends"][0]["html"]


def test_frame_key_is_remembered_for_the_frame_object_only() -> None:
    import gc

    import pandas as pd

    from ui.mapview import render

    a = pd.DataFrame({"x": [1, 2, 3]})
    key = render.frame_key(a)
    assert render.frame_key(a) == key
    assert render.frame_key(a.copy()) == key  # same content, same key
    b = pd.DataFrame({"x": [1, 2, 4]})
    assert render.frame_key(b) != key
    ident = id(a)
    assert ident in render._FRAME_KEYS
    del a
    gc.collect()
    assert ident not in render._FRAME_KEYS or render._FRAME_KEYS[ident][0]() is not None
