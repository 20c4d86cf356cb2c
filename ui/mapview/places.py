"""Maps that place things rather than colour communes: pick a point, preview a registry.

:func:`place_map` is the "click to place this school" map of the Schools page
(the access page's "add a school here" uses the same ``map_click`` event);
:func:`registry_preview` draws an uploaded registry's accepted schools, with
their provenance marks, before they are delivered. Both draw the communes in
one neutral colour through the persistent map (:func:`ui.mapview.render.show_map`).
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import streamlit as st

from mapping import web
from mapping.numbers import format_int
from mapping.settings import REGION_BOUNDS
from ui import state
from ui.mapview import render
from ui.mapview.payload import PointLayer, PointStyle

#: Fill of the communes on maps that only place points.
NEUTRAL_FILL = "#e6e6e6"
#: Colour of the chosen location.
PLACE_COLOR = "#d7301f"


def neutral_communes() -> web.Categories:
    """The region's communes in one neutral colour, their names as tooltips."""
    communes = state.web_communes()
    n = len(communes)
    return web.Categories(communes, ["commune"] * n, {"commune": NEUTRAL_FILL}, [""] * n,
                          name=state.t("unit.commune"))


def _around(lat: float, lon: float, half: float = 0.12) -> list[float]:
    return [lon - half, lat - half, lon + half, lat + half]


def _inside(lat: float, lon: float) -> bool:
    west, south, east, north = REGION_BOUNDS
    return west <= lon <= east and south <= lat <= north


def _point_layer(lat: float, lon: float, label: str) -> PointLayer:
    return PointLayer("place", state.t("mapview.place.layer"), [lon], [lat], [0],
                      [PointStyle("#ffffff", PLACE_COLOR, 2.5)], radius=8.0,
                      fields=[""], values=[[f"{label} · {lat:.5f}, {lon:.5f}"]])


def place_map(
    key: str,
    lat: float,
    lon: float,
    *,
    fill: Sequence[str] | None = None,
    height: int = 360,
) -> tuple[float, float] | None:
    """A map to place a school by clicking it; returns the chosen point ``(lat, lon)``.

    The last click is kept (in ``st.session_state[key + "_clicked"]``), drawn
    on the map and returned on every rerun until another click, so a form
    below the map keeps the clicked coordinates.

    Parameters
    ----------
    key
        Streamlit key of the map (one per map).
    lat, lon
        The school's current location (drawn, and the map centred on it).
    fill
        Keys ``(lon_key, lat_key)`` of number inputs to fill with the clicked
        point (keyed widgets keep their own value otherwise).
    height
        Pixels.
    """
    clicked_key = f"{key}_clicked"

    def on_click() -> None:
        click = render.current_events(key).map_click
        if isinstance(click, dict) and "lat" in click and "lon" in click:
            point = (round(float(click["lat"]), 5), round(float(click["lon"]), 5))
            st.session_state[clicked_key] = point
            if fill:
                st.session_state[fill[0]] = point[1]
                st.session_state[fill[1]] = point[0]

    clicked = st.session_state.get(clicked_key)
    point = clicked if isinstance(clicked, tuple) else (lat, lon)
    label = state.t("mapview.place.clicked" if clicked else "mapview.place.current")
    layer = render.publish(lambda: _point_layer(point[0], point[1], label),
                           f"place|{state.lang()}|{point[0]}|{point[1]}|{label}")
    render.show_map(key, neutral_communes(), layers=[layer], height=height, click_mode="add",
                    on_event=on_click,
                    fit=_around(lat, lon) if _inside(lat, lon) else None)
    st.caption(state.t("mapview.place.hint"))
    return point if isinstance(clicked, tuple) else None


def registry_preview(key: str, schools: gpd.GeoDataFrame, *, height: int = 480) -> None:
    """Draw a registry's schools (e.g. the accepted rows of an upload) before it is delivered.

    Points carry their cycle colour and provenance mark, the legend lists the
    marks, fictitious schools bring the "demonstration data" mark, and the map
    fits the located schools.
    """
    st.subheader(state.t("mapview.preview.title"))
    if schools is None or len(schools) == 0 or schools.geometry.name not in schools:
        st.info(state.t("mapview.preview.none"))
        return
    geom = schools.geometry
    located = schools[geom.notna() & ~geom.is_empty]
    if located.empty:
        st.info(state.t("mapview.preview.none"))
        return
    if located.crs is not None and not located.crs.equals("EPSG:4326"):
        located = located.to_crs("EPSG:4326")
    west, south, east, north = (float(v) for v in located.total_bounds)
    pad = 0.02
    render.show_map(key, neutral_communes(), schools=located, height=height,
                    fit=[west - pad, south - pad, east + pad, north + pad])
    if len(located) < len(schools):
        lang = state.lang()
        st.caption(state.t("mapview.preview.located", located=format_int(len(located), lang),
                           n=format_int(len(schools), lang)))
