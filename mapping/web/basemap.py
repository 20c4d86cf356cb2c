"""The offline-ready base map, province outlines and the layer control."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import shapely

from mapping.settings import REGION_BOUNDS
from mapping.web import assets
from mapping.web.geometry import GRID_SIZE, SIMPLIFY_TOLERANCE
from mapping.web.html import esc

if TYPE_CHECKING:
    import folium

Bounds = Sequence[float] | np.ndarray


def compact_json() -> None:
    """Let folium write non-ASCII text (Arabic names) as UTF-8, not ``\\uXXXX`` escapes.

    Jinja's ``tojson`` still escapes ``<``, ``>``, ``&`` and ``'``, so embedded
    data stays inert inside ``<script>``; Arabic text shrinks about threefold.
    """
    from folium.template import Template

    env = Template("").environment
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}



def base_map(
    bounds: Bounds | None = None, tiles_url: str | None = None
) -> folium.Map:
    """An offline-ready map fitted to *bounds*, with no basemap unless *tiles_url* is given.

    Parameters
    ----------
    bounds
        ``(min lon, min lat, max lon, max lat)``; defaults to the region.
    tiles_url
        Optional XYZ tile URL (``https://.../{z}/{x}/{y}.png``) for online use.

    Returns
    -------
    folium.Map
        Leaflet loaded from :data:`mapping.web.assets.DEFAULT_PREFIX`.
    """
    import folium

    compact_json()
    minx, miny, maxx, maxy = (float(v) for v in (bounds if bounds is not None else REGION_BOUNDS))
    m = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=8,
        tiles=None,
        control_scale=True,
    )
    # without a tile layer Leaflet needs the zoom range on the map itself
    # (Leaflet.markercluster refuses a map with no maxZoom)
    m.options["minZoom"] = 6
    m.options["maxZoom"] = 18
    m.options["zoomSnap"] = 0.25
    if tiles_url:
        folium.TileLayer(
            tiles=tiles_url,
            attr=esc(tiles_url.split("/")[2] if "//" in tiles_url else tiles_url),
            name="basemap",
            overlay=False,
            control=False,
        ).add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    assets.localise(m)
    return m


def add_province_outlines(m: folium.Map, provinces: gpd.GeoDataFrame) -> None:
    """Draw province boundaries (no fill, not clickable).

    Parameters
    ----------
    provinces
        Province polygons, ideally :func:`web_provinces` of the web communes.
    """
    import folium

    geoms = provinces.geometry.to_numpy()
    if shapely.get_num_coordinates(geoms).sum() > 20_000:
        geoms = shapely.set_precision(shapely.simplify(geoms, SIMPLIFY_TOLERANCE), GRID_SIZE)
    data = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": shapely.geometry.mapping(g), "properties": {}}
            for g in geoms
            if g is not None and not g.is_empty
        ],
    }
    folium.GeoJson(
        data,
        name="provinces",
        style_function=lambda _f: {"color": "#333333", "weight": 2, "fill": False,
                                   "fillOpacity": 0},
        interactive=False,
        control=False,
        className="cs-province",
    ).add_to(m)


def add_layer_control(m: folium.Map) -> None:
    """Add a collapsed layer control (call last)."""
    import folium

    folium.LayerControl(collapsed=False).add_to(m)
