"""folium builders for the interactive map: choropleth, schools, outlines, legend.

Every builder works offline: :func:`base_map` has no tile layer unless asked
and points Leaflet at local files (see :mod:`mapping.offline`). Text that may
come from users (school names, registry fields) is HTML-escaped before it
reaches the page.

Typical use::

    web = web_communes(region.communes)          # once, then cached by the app
    m = base_map(bounds=web.total_bounds)
    c = classify(table[ind.id], "quantiles", 5, higher_is_better=ind.higher_is_better)
    add_choropleth(m, table, ind, c, "fr")
    add_province_outlines(m, web_provinces(web))
    add_schools(m, schools, "fr")
    add_layer_control(m)
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence
from typing import Any

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.template import Template

from mapping import offline
from mapping.catalogue import Indicator
from mapping.classify import NO_DATA_COLOR, Classification
from mapping.i18n import is_rtl, t
from mapping.settings import REGION_BOUNDS

#: Tolerance of the coverage simplification, in degrees (about 100 m).
SIMPLIFY_TOLERANCE = 0.001
#: Coordinate grid of the web geometry, in degrees (about 10 m).
GRID_SIZE = 1e-4
#: Above this many located schools, points are clustered.
CLUSTER_THRESHOLD = 300

#: Leaflet pane of the school points, above the communes (overlay pane z-index 400).
SCHOOL_PANE = "cs-schools"
#: Colour of each cycle (Okabe-Ito, colour-blind safe).
CYCLE_COLORS = {
    "preschool": "#E69F00",
    "primary": "#0072B2",
    "lower_secondary": "#009E73",
    "upper_secondary": "#CC79A7",
}
OTHER_COLOR = "#555555"
#: Quality levels that make a location or a capacity doubtful (shown in popups).
_DOUBTFUL = ("inferred_census", "estimated", "fictitious")

Bounds = Sequence[float] | np.ndarray


def _compact_json() -> None:
    """Let folium write non-ASCII text (Arabic names) as UTF-8, not ``\\uXXXX`` escapes.

    Jinja's ``tojson`` still escapes ``<``, ``>``, ``&`` and ``'``, so embedded
    data stays inert inside ``<script>``; Arabic text shrinks about threefold.
    """
    env = Template("").environment
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}


_compact_json()


def esc(value: object) -> str:
    """HTML-escape *value* for text and attributes; also neutralises JS template syntax.

    ``None`` and NaN become an empty string.

    Examples
    --------
    >>> esc("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value is pd.NA:
        return ""
    text = html.escape(str(value), quote=True)
    return text.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def web_communes(communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Simplify the commune coverage for the web, keeping shared borders shared.

    Uses :func:`shapely.coverage_simplify` (no gaps or slivers appear between
    neighbours), then snaps coordinates to a 1e-4 degree grid to shrink the
    payload.

    Parameters
    ----------
    communes
        Commune polygons in EPSG:4326 (any columns).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy with simplified geometry, same index and columns.
    """
    geoms = shapely.coverage_simplify(communes.geometry.to_numpy(), SIMPLIFY_TOLERANCE)
    geoms = shapely.set_precision(geoms, GRID_SIZE)
    out = communes.copy()
    out = out.set_geometry(gpd.GeoSeries(geoms, index=communes.index, crs=communes.crs))
    return out


def web_provinces(web: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Province outlines dissolved from simplified communes (they match exactly).

    Parameters
    ----------
    web
        Output of :func:`web_communes` with ``province_code``, ``province_fr`` and
        ``province_ar``.
    """
    cols = [c for c in ("province_code", "province_fr", "province_ar") if c in web]
    out = web[[*cols, "geometry"]].dissolve(by="province_code", as_index=False)
    out["geometry"] = shapely.set_precision(out.geometry.to_numpy(), GRID_SIZE)
    return out


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
        Leaflet loaded from :data:`mapping.offline.DEFAULT_PREFIX`.
    """
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
    offline.localise(m)
    return m


def region_rank(values: pd.Series) -> pd.Series:
    """Rank of each value in descending order (1 = highest), NaN stays NaN."""
    return values.rank(ascending=False, method="min")


def _value_note(indicator: Indicator, lang: str) -> str:
    flags = []
    if indicator.year != 2024:
        flags.append(t("map.flag_year", lang, year=indicator.year))
    if indicator.estimated:
        flags.append(t("map.flag_estimated", lang))
    return " · ".join(flags)


def commune_name(row: Any, lang: str) -> str:
    """The commune name to show first in *lang* (Arabic form in Arabic)."""
    name_ar = getattr(row, "name_ar", None) if not isinstance(row, dict) else row.get("name_ar")
    name_fr = getattr(row, "name_fr", None) if not isinstance(row, dict) else row.get("name_fr")
    return str(name_ar if lang == "ar" and name_ar else name_fr)


class Legend(MacroElement):
    """A Leaflet control holding legend HTML that the caller has already escaped.

    Parameters
    ----------
    content
        The legend's inner HTML (escape every piece of data in it first).
    position
        Leaflet control corner.
    css_class
        Class of the legend's ``div`` (tests and stylesheets select on it).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: {{ this.position|tojson }}});
            legend.onAdd = function() {
                var div = L.DomUtil.create('div', {{ this.css_class|tojson }});
                div.innerHTML = {{ this.content|tojson }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self, content: str, position: str = "bottomright", css_class: str = "cs-legend"
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Legend"
        self.content = content
        self.position = position
        self.css_class = css_class


def legend_html(
    indicator: Indicator, classification: Classification, lang: str, no_data: int = 0
) -> str:
    """Legend of a choropleth: title, unit, year/estimate flags, one row per class.

    All text is escaped; the result is safe to insert as HTML.
    """
    fmt = "{:,." + str(max(indicator.decimals, 0)) + "f}"
    labels = classification.labels(fmt) if classification.k else []
    if lang == "fr":
        labels = [lab.replace(",", "\u202f").replace(".", ",") for lab in labels]
    unit = indicator.unit_in(lang)
    direction = "rtl" if is_rtl(lang) else "ltr"
    rows = [
        f'<div class="cs-row"><span class="cs-swatch" style="background:{esc(color)}"></span>'
        f'<bdi dir="ltr">{esc(label)}</bdi> <span class="cs-count">({count})</span></div>'
        for color, label, count in zip(
            classification.colors, labels, classification.counts, strict=True
        )
    ]
    if no_data:
        rows.append(
            f'<div class="cs-row"><span class="cs-swatch cs-nodata" '
            f'style="background:{NO_DATA_COLOR}"></span>{esc(t("app.no_data", lang))} '
            f'<span class="cs-count">({no_data})</span></div>'
        )
    note = _value_note(indicator, lang)
    scheme = t(f"map.scheme.{classification.scheme}", lang)
    return (
        f'<div dir="{direction}" style="background:rgba(255,255,255,.92);padding:6px 8px;'
        'border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);font:12px/1.35 sans-serif;'
        'max-width:260px">'
        f'<div style="font-weight:bold">{esc(indicator.label_in(lang))}</div>'
        + (f'<div class="cs-unit">{esc(t("map.unit", lang))} : {esc(unit)}</div>' if unit else "")
        + (f'<div class="cs-flag" style="color:#a0522d;font-weight:bold">{esc(note)}</div>'
           if note else "")
        + f'<div class="cs-scheme" style="color:#555">{esc(scheme)}</div>'
        + "".join(rows)
        + f'<div style="color:#555;margin-top:3px">{esc(indicator.source)}</div>'
        "</div>"
        "<style>.cs-row{display:flex;align-items:center;gap:5px;margin:1px 0}"
        ".cs-swatch{display:inline-block;width:16px;height:12px;border:1px solid #777}"
        ".cs-nodata{background-image:"
        "repeating-linear-gradient(45deg,#fff 0 2px,transparent 2px 5px)!important}"
        ".cs-count{color:#666}</style>"
    )


def add_choropleth(
    m: folium.Map,
    table: gpd.GeoDataFrame,
    indicator: Indicator,
    classification: Classification,
    lang: str,
    *,
    ranks: pd.Series | None = None,
    region_size: int | None = None,
) -> None:
    """Draw *table* coloured by *indicator*, with tooltips and a legend.

    Parameters
    ----------
    m
        Target map.
    table
        Communes to draw (web geometry, see :func:`web_communes`) with ``code``,
        ``name_fr``, ``name_ar`` and the indicator column.
    indicator
        Catalogue entry of the mapped column.
    classification
        :func:`mapping.classify.classify` of ``table[indicator.id]``, same row order.
    lang
        Language of the tooltip and legend.
    ranks
        Rank of each commune in the whole region (index = commune code); when
        omitted, ranks are computed within *table*.
    region_size
        Number of ranked communes in the region (the ``/ n`` of the ranks).

    Raises
    ------
    ValueError
        If the classification does not match the table's length.
    """
    if len(classification.classes) != len(table):
        raise ValueError(
            f"classification has {len(classification.classes)} values, table has {len(table)} rows"
        )
    values = pd.to_numeric(table[indicator.id], errors="coerce")
    if ranks is None:
        ranks = pd.Series(region_rank(values).to_numpy(), index=table["code"].to_numpy())
        region_size = int(values.notna().sum())
    n_ranked = region_size if region_size is not None else int(ranks.notna().sum())
    label = esc(indicator.label_in(lang))
    note = _value_note(indicator, lang)
    direction = "rtl" if is_rtl(lang) else "ltr"
    features = []
    for i, row in enumerate(table.itertuples(index=False)):
        value = values.iloc[i]
        rank = ranks.get(row.code, np.nan)
        second = row.name_fr if lang == "ar" else row.name_ar
        tip = (
            f'<div dir="{direction}"><b>{esc(commune_name(row, lang))}</b>'
            f' <span dir="auto">{esc(second)}</span><br>'
            f"{label} : <b>{esc(indicator.format(value, lang))}</b>"
        )
        if note:
            tip += f' <i style="color:#a0522d">({esc(note)})</i>'
        if not pd.isna(rank):
            tip += "<br>" + esc(t("map.rank", lang, rank=int(rank), n=n_ranked))
        tip += "</div>"
        features.append(
            {
                "type": "Feature",
                "id": row.code,
                "geometry": shapely.geometry.mapping(row.geometry),
                "properties": {
                    "code": row.code,
                    "tip": tip,
                    "fill": classification.color_of(i),
                    "nodata": bool(classification.classes[i] < 0),
                },
            }
        )
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=t("map.layer.communes", lang),
        style_function=_commune_style,
        highlight_function=lambda _f: {"weight": 3, "color": "#222", "fillOpacity": 0.85},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        smooth_factor=0.5,
        className="cs-commune",
    )
    layer.add_to(m)
    no_data = int((classification.classes < 0).sum())
    Legend(legend_html(indicator, classification, lang, no_data)).add_to(m)


def _commune_style(feature: dict[str, Any]) -> dict[str, Any]:
    props = feature["properties"]
    style = {
        "fillColor": props["fill"],
        "color": "#ffffff",
        "weight": 0.6,
        "fillOpacity": 0.8,
    }
    if props["nodata"]:
        style.update({"fillOpacity": 0.5, "dashArray": "3 3", "color": "#777777"})
    return style


def add_province_outlines(m: folium.Map, provinces: gpd.GeoDataFrame) -> None:
    """Draw province boundaries (no fill, not clickable).

    Parameters
    ----------
    provinces
        Province polygons, ideally :func:`web_provinces` of the web communes.
    """
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


def school_radius(seats: object) -> float:
    """Marker radius in pixels from the number of seats (3 to 12; 4 when unknown)."""
    try:
        s = float(seats)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 4.0
    if math.isnan(s) or s <= 0:
        return 4.0
    return float(min(12.0, max(3.0, 2.0 + math.sqrt(s) / 4.0)))


#: Popup rows of a school: short property key -> label key ("" for no label).
SCHOOL_FIELDS = {
    "n": "",
    "y": "ui.cycle",
    "k": "map.school.kind",
    "s": "map.school.seats",
    "p": "map.school.pupils",
    "l": "map.school.location_quality",
    "q": "map.school.capacity_quality",
    "r": "app.source",
}


def school_fields(row: Any, lang: str) -> dict[str, str]:
    """Escaped popup values of a school, keyed as :data:`SCHOOL_FIELDS`.

    Names come first in *lang* (Arabic form in Arabic); location and capacity
    qualities are given only when doubtful (inferred, estimated, fictitious).
    """
    def get(name: str) -> object:
        return row.get(name) if isinstance(row, dict) else getattr(row, name, None)

    first, second = (get("name_ar"), get("name_fr")) if lang == "ar" else (
        get("name_fr"), get("name_ar"))
    cycle, sector = get("cycle"), get("sector")
    out = {
        # the name in the interface language, the other form only when it is missing
        "n": f"<b>{esc(first) or esc(second) or '—'}</b>",
        "y": f"{esc(t(f'cycle.{cycle}', lang))} · {esc(t(f'sector.{sector}', lang))}",
        "k": esc(get("kind")) or "—",
        "s": esc(_int(get("seats"))) or "—",
        "p": esc(_int(get("pupils"))) or "—",
        "l": "",
        "q": "",
        "r": esc(get("source")) or "—",
    }
    for key, field in (("l", "location_quality"), ("q", "capacity_quality")):
        q = get(field)
        if isinstance(q, str) and q in _DOUBTFUL:
            out[key] = esc(t(f"quality.{q}", lang))
    return out


def school_popup(row: Any, lang: str) -> str:
    """Popup HTML of a school (as shown on the map), every field escaped."""
    fields = school_fields(row, lang)
    rows = [
        (esc(t(label, lang)) + " : " if label else "") + fields[key]
        for key, label in SCHOOL_FIELDS.items()
        if fields[key]
    ]
    direction = "rtl" if is_rtl(lang) else "ltr"
    return f'<div dir="{direction}">' + "<br>".join(rows) + "</div>"


def _int(value: object) -> object:
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return value
    return None if math.isnan(f) else int(f)


#: Neutral grey cluster bubbles: the default green/yellow/orange ones would read as
#: the cycle colours of the school legend.
CLUSTER_ICON_JS = """
function (cluster) {
    var n = cluster.getChildCount();
    var size = n < 10 ? 26 : (n < 100 ? 32 : 38);
    return L.divIcon({
        html: '<div><span>' + n + '</span></div>',
        className: 'marker-cluster cs-cluster',
        iconSize: L.point(size, size)
    });
}
"""
CLUSTER_CSS = (
    "<style>.cs-cluster{background:rgba(80,80,80,.35);border-radius:50%}"
    ".cs-cluster div{background:rgba(60,60,60,.75);color:#fff;font:600 11px sans-serif;"
    "width:80%;height:80%;margin:10%;border-radius:50%;display:flex;align-items:center;"
    "justify-content:center}</style>"
)


def add_schools(m: folium.Map, schools: gpd.GeoDataFrame, lang: str) -> None:
    """Draw located schools: colour by cycle, hollow for private, size by seats.

    Schools without coordinates are skipped. Above :data:`CLUSTER_THRESHOLD`
    points, markers are clustered (Leaflet.markercluster, served locally).

    Parameters
    ----------
    schools
        A school registry (canonical columns), EPSG:4326, possibly filtered.
    """
    if schools is None or len(schools) == 0:
        return
    geom = schools.geometry
    located = schools[geom.notna() & ~geom.is_empty] if len(geom) else schools.iloc[0:0]
    if located.empty:
        return
    features = []
    styles: list[dict[str, Any]] = []
    for i, row in enumerate(located.itertuples(index=False)):
        cycle = getattr(row, "cycle", None)
        color = CYCLE_COLORS.get(str(cycle), OTHER_COLOR)
        private = getattr(row, "sector", None) == "private"
        styles.append({
            "fill": True,
            "color": color,
            "fillColor": "#ffffff" if private else color,
            "radius": round(school_radius(getattr(row, "seats", None))),
            "weight": 1.5,
            "fillOpacity": 0.9,
        })
        features.append(
            {
                "type": "Feature",
                "id": i,
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(row.geometry.x, 5), round(row.geometry.y, 5)],
                },
                "properties": school_fields(row, lang),
            }
        )
    if not any(getattr(c, "name", None) == SCHOOL_PANE for c in m._children.values()):
        folium.map.CustomPane(SCHOOL_PANE, z_index=450, pointer_events=True).add_to(m)
    marker = folium.CircleMarker(radius=4, weight=1.5, fill=True, className="cs-school")
    marker.options["pane"] = SCHOOL_PANE
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=t("map.layer.schools", lang),
        marker=marker,
        style_function=lambda f: styles[f["id"]],
        popup=folium.GeoJsonPopup(
            fields=list(SCHOOL_FIELDS),
            aliases=[esc(t(label, lang)) if label else "" for label in SCHOOL_FIELDS.values()],
            labels=True,
            localize=False,
            style="direction:rtl" if is_rtl(lang) else "",
        ),
    )
    if len(features) > CLUSTER_THRESHOLD:
        cluster = folium.plugins.MarkerCluster(  # type: ignore[no-untyped-call]
            name=t("map.layer.schools", lang),
            options={"disableClusteringAtZoom": 12, "maxClusterRadius": 40},
            icon_create_function=CLUSTER_ICON_JS,
        )
        layer.control = False
        layer.add_to(cluster)
        cluster.add_to(m)
        m.get_root().header.add_child(Element(CLUSTER_CSS))  # type: ignore[attr-defined]
        offline.localise(cluster)
    else:
        layer.add_to(m)


def schools_legend_html(lang: str) -> str:
    """Legend of the school symbols (cycle colours, hollow = private)."""
    items = "".join(
        f'<div class="cs-row"><span style="display:inline-block;width:10px;height:10px;'
        f'border-radius:50%;background:{c};border:1px solid {c}"></span>'
        f"{esc(t(f'cycle.{cycle}', lang))}</div>"
        for cycle, c in CYCLE_COLORS.items()
    )
    items += (
        '<div class="cs-row"><span style="display:inline-block;width:10px;height:10px;'
        f'border-radius:50%;background:#fff;border:2px solid {OTHER_COLOR}"></span>'
        f"{esc(t('sector.private', lang))}</div>"
    )
    direction = "rtl" if is_rtl(lang) else "ltr"
    return (
        f'<div dir="{direction}" style="background:rgba(255,255,255,.92);padding:6px 8px;'
        'border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);font:12px/1.35 sans-serif">'
        f'<div style="font-weight:bold">{esc(t("map.layer.schools", lang))}</div>{items}</div>'
    )


def add_schools_legend(m: folium.Map, lang: str) -> None:
    """Add the school-symbol legend (bottom left)."""
    Legend(schools_legend_html(lang), position="bottomleft").add_to(m)


def add_layer_control(m: folium.Map) -> None:
    """Add a collapsed layer control (call last)."""
    folium.LayerControl(collapsed=False).add_to(m)


def map_html(m: folium.Map) -> str:
    """The standalone page of *m* with Leaflet inlined (see :func:`offline.inline_assets`)."""
    return offline.inline_assets(m.get_root().render())


def feature_json(table: gpd.GeoDataFrame) -> str:
    """GeoJSON text of *table* (for payload checks and exports)."""
    return json.dumps(table.__geo_interface__, separators=(",", ":"))
