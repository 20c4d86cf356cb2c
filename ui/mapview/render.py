"""The app's one way to show a map: page inputs → component data → the persistent map.

Pages describe the map with the same objects as the offline HTML export
(:class:`mapping.web.Choropleth` / :class:`mapping.web.Categories`, the
registry's schools, point layers) and call :func:`show_map`. Geometry and the
component's code are published once per server process; large point layers
once per content; each rerun sends only styles, legends and layer URLs.
"""

from __future__ import annotations

import hashlib
import html
import re
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from mapping import web
from mapping.provenance import has_fictitious
from mapping.web.legend import legend_html
from mapping.web.schools import demo_mark_html
from ui import components, state
from ui.mapview import component, payload
from ui.mapview.component import MapEvents
from ui.mapview.geometry import GeometryAsset, publish_geometry
from ui.mapview.layers import (
    douars_layer,
    marked_points_layer,
    scenario_changes_layer,
    schools_layer,
)
from ui.mapview.payload import LegendBox, PointLayer

__all__ = [
    "LegendBox",
    "MapEvents",
    "PointLayer",
    "array_key",
    "current_events",
    "douars_layer",
    "frame_key",
    "marked_points_layer",
    "publish",
    "published",
    "scenario_changes_layer",
    "schools_layer",
    "show_map",
]


def static_prefix() -> str:
    """URL of the app's static folder, honouring ``server.baseUrlPath``."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/app/static" if base else "/app/static"


@st.cache_resource(show_spinner=False)
def published() -> tuple[GeometryAsset, tuple[str, str]]:
    """The geometry file and the component's code, written once per server process."""
    components.install_assets()
    prefix = static_prefix()
    geom = publish_geometry(state.web_communes(), state.web_provinces(), components.STATIC_DIR,
                            prefix)
    return geom, component.publish_code(components.STATIC_DIR, prefix)


#: id(frame) -> (weak reference to the frame, its key): the app's cached frames (a
#: selection's schools) are hashed once, not at every rerun.
_FRAME_KEYS: dict[int, tuple[weakref.ref[pd.DataFrame], str]] = {}


def frame_key(frame: pd.DataFrame) -> str:
    """A content hash of *frame* (without geometry), to cache what is derived from it.

    Remembered for the frame object while it lives: key frames that are not changed
    in place afterwards (the app's cached frames, or frames built for one run).
    """
    ident = id(frame)
    hit = _FRAME_KEYS.get(ident)
    if hit is not None and hit[0]() is frame:
        return hit[1]
    key = _content_key(frame)

    def forget(ref: weakref.ref[pd.DataFrame], ident: int = ident) -> None:
        if _FRAME_KEYS.get(ident, (None, ""))[0] is ref:
            _FRAME_KEYS.pop(ident, None)

    _FRAME_KEYS[ident] = (weakref.ref(frame, forget), key)
    return key


def _content_key(frame: pd.DataFrame) -> str:
    data = frame.drop(columns=[frame.geometry.name]) if isinstance(frame, gpd.GeoDataFrame) \
        else frame
    try:
        h = pd.util.hash_pandas_object(data, index=True).to_numpy()
    except TypeError:  # unhashable cells (lists, dicts): hash their text
        h = pd.util.hash_pandas_object(data.astype(str), index=True).to_numpy()
    return hashlib.sha256(h.tobytes()).hexdigest()[:16]


def array_key(values: Any) -> str:
    """A content hash of a sequence of values (codes, numbers), for cache keys."""
    return hashlib.sha256(repr(list(values)).encode("utf-8")).hexdigest()[:16]


@st.cache_resource(show_spinner=False, max_entries=64)
def _published_layer(_layer: Callable[[], PointLayer], key: str) -> dict[str, Any]:
    # a resource: the (possibly inline) layer is shared, not unpickled at every rerun
    del key  # the cache key
    return payload.publish_layer(_layer(), components.STATIC_DIR, static_prefix())


def publish(layer: Callable[[], PointLayer], key: str) -> dict[str, Any]:
    """Build and publish a point layer once per *key* (content hash + language ...).

    The result is shared: read it, do not change it.
    """
    return _published_layer(layer, key)


def _tip_text(tip: str) -> str:
    text = re.sub(r"<br\s*/?>|</div>", "\n", tip)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _choropleth_key(communes: web.Choropleth, codes: list[str], values: Any, lang: str,
                    geom: GeometryAsset) -> str:
    """A hash of everything a choropleth's styles and legend are made of."""
    ind, cls = communes.indicator, communes.classification
    h = hashlib.sha256()
    h.update(repr((geom.url, lang, ind, cls.scheme, cls.k, cls.breaks, cls.lower, cls.colors,
                   cls.counts, communes.region_size, codes)).encode("utf-8"))
    h.update(np.ascontiguousarray(cls.classes).tobytes())
    h.update(np.ascontiguousarray(values, dtype=float).tobytes())
    if communes.ranks is not None:
        h.update(repr(communes.ranks.index.tolist()).encode("utf-8"))
        h.update(np.ascontiguousarray(communes.ranks.to_numpy(dtype=float)).tobytes())
    return h.hexdigest()


@st.cache_resource(show_spinner=False, max_entries=256)
def _choropleth_styles(key: str, _communes: web.Choropleth, _codes: list[str], _values: Any,
                       lang: str, _geom: GeometryAsset) -> tuple[dict[str, Any], str]:
    # keyed by the content hash: an indicator, province or class change seen before
    # (by any session) costs a lookup instead of 251 labels and the legend
    ind, cls = _communes.indicator, _communes.classification
    styles = payload.choropleth_styles(_geom, _codes, list(_values), ind, cls, lang,
                                       ranks=_communes.ranks, region_size=_communes.region_size)
    return styles, legend_html(ind, cls, lang, int((cls.classes < 0).sum()))


def commune_styles(communes: web.Choropleth | web.Categories, lang: str,
                   geom: GeometryAsset) -> tuple[dict[str, Any], str | None]:
    """Per-commune styles and the legend HTML of a choropleth or a category map.

    The result is shared (cached): read it, do not change it.
    """
    table = communes.table
    codes = [str(c) for c in table["code"]]
    if isinstance(communes, web.Choropleth):
        values = pd.to_numeric(table[communes.indicator.id], errors="coerce").to_numpy(
            dtype=float)
        key = _choropleth_key(communes, codes, values, lang, geom)
        return _choropleth_styles(key, communes, codes, values, lang, geom)
    colors = {c: communes.colors[k] for c, k in zip(codes, communes.categories, strict=True)}
    # the first tooltip line repeats the commune names the browser takes from the geometry
    labels = {c: _tip_text(tip).partition("\n")[2]
              for c, tip in zip(codes, communes.tips, strict=True)}
    flags = {c: payload.FLAG_DASHED for c, d in zip(codes, communes.dashed or [], strict=False)
             if d}
    return payload.commune_styles(geom, colors, labels, flags=flags), communes.legend


def show_map(
    key: str,
    communes: web.Choropleth | web.Categories,
    *,
    schools: gpd.GeoDataFrame | None = None,
    schools_legend: bool = True,
    layers: Sequence[dict[str, Any]] = (),
    legends: Sequence[LegendBox] = (),
    height: int = 620,
    click_mode: str | None = None,
    selected: str | None = None,
    on_event: Callable[[], None] | None = None,
    report_view: bool = False,
    demo: bool | None = None,
    fit: Sequence[float] | None = None,
) -> MapEvents:
    """Show the persistent map of a page and return what the user did.

    Parameters
    ----------
    key
        Streamlit key (one per map of the app).
    communes
        The commune layer, as for the offline export (:func:`mapping.web.assemble_map`).
    schools
        School points to draw (canonical registry columns), or ``None``.
    schools_legend
        Whether to add the school-symbol legend.
    layers
        Further point layers, from :func:`publish` (douars, scenario changes, sites).
    legends
        Further legends (HTML escaped by :mod:`mapping.web.legend`).
    height
        Pixels.
    click_mode
        ``"add"`` while the user places a school (clicks come back as ``map_click``).
    selected
        Code of the commune to highlight.
    on_event
        Callback run before the rerun an event causes; read the events there with
        :func:`ui.mapview.component.current_events` (*key*).
    report_view
        Whether pan/zoom come back as ``MapEvents.view``.
    demo
        Whether to show the "demonstration data" mark; by default, when *schools*
        holds fictitious schools (their symbols are crossed, see
        :mod:`mapping.provenance`).
    fit
        Bounds ``(west, south, east, north)`` to show; by default those of the
        drawn communes.
    """
    lang = state.lang()
    geom, code = published()
    styles, legend = commune_styles(communes, lang, geom)
    boxes = [LegendBox(legend)] if legend else []
    all_layers: list[dict[str, Any]] = []
    if schools is not None and len(schools):
        reg_key = f"schools|{lang}|{frame_key(schools)}"
        all_layers.append(publish(lambda: schools_layer(schools, lang), reg_key))
        if schools_legend:
            boxes.append(LegendBox(web.schools_legend_html(lang), "bottomleft"))
    if demo if demo is not None else (schools is not None and has_fictitious(schools)):
        boxes.insert(0, LegendBox(demo_mark_html(lang), "topright", "cs-demo"))
    all_layers.extend(layers)
    boxes.extend(legends)
    table = communes.table
    if fit is None:
        fit = [float(v) for v in table.total_bounds] if len(table) else None
    data = payload.map_data(
        geom, styles, lang, legends=boxes, layers=all_layers, fit=fit,
        selected=selected, click_mode=click_mode,
        assets=components.asset_prefix(), height=height,
        texts={"layers": state.t("mapview.layers"), "provinces": state.t("mapview.provinces")},
        report_view=report_view,
    )
    return component.show(data, key, code=code, on_event=on_event)


current_events = component.current_events
