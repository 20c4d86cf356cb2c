"""Carte scolaire Marrakech-Safi — Streamlit entry point (first version)."""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from mapping.classify import classify
from mapping.datasets import Region, load_region
from mapping.indicators import catalogue

st.set_page_config(page_title="Carte scolaire Marrakech-Safi", layout="wide")


@st.cache_resource
def region() -> Region:
    return load_region()


cat = catalogue()
ind = cat[st.selectbox("Indicateur", list(cat), format_func=lambda i: cat[i].label["fr"])]
table = region().commune_table()
c = classify(table[ind.id].to_numpy(), "quantiles", 5, higher_is_better=ind.higher_is_better)
table = table.assign(_color=[c.color_of(i) for i in range(len(table))])
m = folium.Map(location=[31.7, -8.4], zoom_start=7, tiles=None)
folium.GeoJson(
    table[["code", "name_fr", ind.id, "_color", "geometry"]].to_json(),
    style_function=lambda f: {"fillColor": f["properties"]["_color"], "color": "#555",
                              "weight": 0.5, "fillOpacity": 0.8},
    tooltip=folium.GeoJsonTooltip(["name_fr", ind.id]),
).add_to(m)
st_folium(m, height=600, use_container_width=True)
