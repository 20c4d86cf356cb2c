"""A small Streamlit page that shows the persistent map on its own (browser tests, benchmark).

Copied to a temporary folder and run there, so the files it publishes land in
that folder's ``static/`` (served at ``/app/static``). Query parameters:
``lang`` (fr, ar, en), ``points`` (a stress layer of that many points placed
on real school and douar locations, labelled as a load test) and ``marks=1``
(two test schools, one surveyed and one fictitious, side by side, zoomed in).
The default registry holds fictitious schools, so the page carries the
"demonstration data" mark.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

import geopandas as gpd
import streamlit as st

from mapping.classify import classify
from mapping.datasets import load_region
from mapping.i18n import t
from mapping.indicators import catalogue
from mapping.registry import load_default_registry
from mapping.table import indicator_table
from mapping.web import assets
from mapping.web.geometry import web_communes, web_provinces
from mapping.web.legend import legend_html
from mapping.web.schools import demo_mark_html, schools_legend_html
from ui.mapview import component, payload
from ui.mapview.geometry import publish_geometry
from ui.mapview.layers import schools_layer

STATIC = Path(__file__).parent / "static"
INDICATORS = ("schooling_rate_6_to_11", "illiteracy_rate_10_plus", "population_2024")

st.set_page_config(layout="wide")


@st.cache_resource
def base() -> tuple[Any, gpd.GeoDataFrame, Any, tuple[str, str]]:
    assets.install_static(STATIC / "vendor")
    region = load_region()
    reg = load_default_registry()
    web = web_communes(region.communes)
    geom = publish_geometry(web, web_provinces(web), STATIC)
    code = component.publish_code(STATIC)
    table = indicator_table(region, reg)
    table["bounds"] = list(web.set_index("code").geometry.reindex(table["code"]).bounds.to_numpy())
    return geom, reg, table.drop(columns="geometry"), code


@st.cache_data
def styles(ind: str, province: str, lang: str) -> dict[str, object]:
    geom, _reg, table, _code = base()
    cat = catalogue()[ind]
    shown = table if not province else table[table["province_code"] == province]
    cls = classify(shown[ind].to_numpy(dtype=float), "quantiles", 5,
                   higher_is_better=cat.higher_is_better)
    return {
        "communes": payload.choropleth_styles(geom, list(shown["code"]), list(shown[ind]), cat,
                                              cls, lang),
        "legend": legend_html(cat, cls, lang, int((cls.classes < 0).sum())),
        "fit": None if not province else [min(b[0] for b in shown["bounds"]),
                                          min(b[1] for b in shown["bounds"]),
                                          max(b[2] for b in shown["bounds"]),
                                          max(b[3] for b in shown["bounds"])],
    }


@st.cache_data
def layer(lang: str, points: int) -> dict[str, object]:
    _geom, reg, _table, _code = base()
    lay = schools_layer(reg, lang)
    if points:
        n = len(lay.lon)
        reps = [i % n for i in range(points)]
        lay = payload.PointLayer(
            "stress", f"load test: {points} points on school locations",
            [lay.lon[i] + 0.002 * (k // n) for k, i in enumerate(reps)],
            [lay.lat[i] for i in reps], [lay.style[i] for i in reps], lay.styles,
            [lay.radius[i] for i in reps],  # type: ignore[index]
            lay.fields, [lay.values[i] for i in reps])
    return payload.publish_layer(lay, STATIC)


@st.cache_data
def marks_layer(lang: str) -> dict[str, object]:
    """Two test schools side by side (``marks=1``): one surveyed, one fictitious."""
    rows = [{"school_id": f"TEST-{q}", "name_fr": f"test {q}", "name_ar": "", "cycle": "primary",
             "sector": "public", "seats": 400, "location_quality": q, "source": "test fixture"}
            for q in ("surveyed", "fictitious")]
    frame = gpd.GeoDataFrame(rows, geometry=gpd.points_from_xy([-8.02, -7.98], [31.63, 31.63]),
                             crs="EPSG:4326")
    return payload.publish_layer(schools_layer(frame, lang, layer_id="marks",
                                               name="test marks"), STATIC)


lang = st.query_params.get("lang", "fr")
points = int(st.query_params.get("points", "0"))
marks = st.query_params.get("marks") == "1"


def on_map_event() -> None:
    events = component.current_events("map")
    if events.commune_click:
        st.session_state["selected"] = events.commune_click["code"]
    if events.map_click:
        st.session_state["added"] = events.map_click


@st.fragment
def map_fragment() -> None:
    geom, _reg, table, code = base()
    ind = st.selectbox("indicator", INDICATORS, key="ind")
    provinces = ["", *sorted(table["province_code"].unique())]
    province = st.selectbox("province", provinces, key="prov")
    add = st.checkbox("add a school here", key="add")
    st_ = styles(ind, province, lang)
    fit = st_["fit"]
    legends = [payload.LegendBox(demo_mark_html(lang), "topright", "cs-demo"),
               payload.LegendBox(str(st_["legend"])),
               payload.LegendBox(schools_legend_html(lang), "bottomleft")]
    layers = [layer(lang, points)] + ([marks_layer(lang)] if marks else [])
    data = payload.map_data(
        geom, st_["communes"], lang,  # type: ignore[arg-type]
        legends=legends, layers=layers,
        fit=[-8.06, 31.6, -7.94, 31.66] if marks else fit,
        selected=st.session_state.get("selected"),
        click_mode="add" if add else None,
        texts={"layers": t("map.layer.schools", lang), "provinces": "Provinces"},
        report_view=True,
    )
    st.session_state["bytes"] = payload.payload_size(data)
    events = component.show(data, key="map", code=code, on_event=on_map_event)
    if events.view:
        st.markdown(f'<div id="cs-view">{float(events.view["zoom"]):g}</div>',
                    unsafe_allow_html=True)
    sel = st.session_state.get("selected")
    if sel:
        row = table[table["code"] == sel].iloc[0]
        st.markdown(f'<div id="cs-panel" data-code="{escape(sel)}">{escape(row["name_fr"])}</div>',
                    unsafe_allow_html=True)
    added = st.session_state.get("added")
    if added:
        st.markdown(f'<div id="cs-added">{added["lat"]:.4f},{added["lon"]:.4f}</div>',
                    unsafe_allow_html=True)
    st.markdown(f'<div id="cs-bytes">{st.session_state["bytes"]}</div>', unsafe_allow_html=True)


map_fragment()
