"""School points: colour by cycle, white fill for private, size by seats, mark by provenance.

A school's provenance is on its symbol (:mod:`mapping.provenance`): plain for
surveyed or imported sites, hatched with a dashed outline for sites inferred
from the census, cross-hatched with a dotted outline for fictitious ones; a map
with fictitious schools carries a "demonstration data" mark. Popups are escaped.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import geopandas as gpd

from mapping.i18n import is_rtl, messages, t
from mapping.numbers import format_int
from mapping.provenance import (
    MarkStyle,
    demo_mark,
    has_fictitious,
    leaflet_style,
    legend_entries,
    mark_style,
    quality_label,
    source_label,
    svg_patterns,
)
from mapping.web import assets
from mapping.web.html import esc
from mapping.web.legend import LegendRow, legend_box

if TYPE_CHECKING:
    import folium

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


def school_style(row: Any) -> MarkStyle:
    """The symbol of a school (cycle colour, sector fill, provenance mark), as data.

    Shared by the folium layer, the map component and the printed maps.
    """
    def get(name: str) -> object:
        return row.get(name) if isinstance(row, dict) else getattr(row, name, None)

    return mark_style(get("location_quality"), CYCLE_COLORS.get(str(get("cycle")), OTHER_COLOR),
                      private=get("sector") == "private")


def kind_label(kind: object, lang: str) -> str:
    """Translated school kind (``college`` → « collège »), the text itself when unknown."""
    if kind is None or kind != kind or kind == "":
        return ""
    key = f"report.kind.{kind}"
    return t(key, lang) if key in messages() else str(kind)


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

    Names come first in *lang* (Arabic form in Arabic); kind, location and
    capacity qualities and source are translated; numbers are written in *lang*.
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
        "k": esc(kind_label(get("kind"), lang)) or "—",
        "s": esc(_count(get("seats"), lang)) or "—",
        "p": esc(_count(get("pupils"), lang)) or "—",
        "l": esc(quality_label(get("location_quality"), lang)),
        "q": esc(quality_label(get("capacity_quality"), lang)),
        "r": esc(source_label(get("source"), lang)) or "—",
    }
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


def _count(value: object, lang: str) -> str:
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "" if value is None else str(value)
    return "" if math.isnan(f) else format_int(f, lang)


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
    """Draw located schools: colour by cycle, white for private, size by seats, provenance mark.

    Schools without coordinates are skipped. Above :data:`CLUSTER_THRESHOLD`
    points, markers are clustered (Leaflet.markercluster, served locally).
    When fictitious schools are drawn, the map gets the "demonstration data" mark.

    Parameters
    ----------
    schools
        A school registry (canonical columns), EPSG:4326, possibly filtered.
    """
    import folium
    import folium.plugins
    from branca.element import Element

    if schools is None or len(schools) == 0:
        return
    geom = schools.geometry
    located = schools[geom.notna() & ~geom.is_empty] if len(geom) else schools.iloc[0:0]
    if located.empty:
        return
    features = []
    styles: list[dict[str, Any]] = []
    for i, row in enumerate(located.itertuples(index=False)):
        styles.append(leaflet_style(school_style(row),
                                    school_radius(getattr(row, "seats", None))))
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
    root = m.get_root()
    root.html.add_child(Element(svg_patterns([*CYCLE_COLORS.values(), OTHER_COLOR])))  # type: ignore[attr-defined]
    if has_fictitious(located):
        add_demo_mark(m, lang)
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
        assets.localise(cluster)
    else:
        layer.add_to(m)


#: Look of the "demonstration data" mark on a map.
DEMO_CSS = (
    "<style>.cs-demo{background:#7a1f00;color:#fff;font:700 13px/1.3 sans-serif;"
    "padding:4px 10px;border-radius:3px;letter-spacing:.03em;pointer-events:none}</style>"
)


def demo_mark_html(lang: str) -> str:
    """HTML of the "demonstration data" mark (escaped text, the project's style).

    Shared by the folium map (:func:`add_demo_mark`) and the map component.
    """
    return (f'<div dir="{"rtl" if is_rtl(lang) else "ltr"}" role="note">'
            f"{esc(demo_mark(lang))}</div>{DEMO_CSS}")


def add_demo_mark(m: folium.Map, lang: str) -> None:
    """Put the "demonstration data" mark at the top of *m* (once)."""
    from mapping.web.control import Legend

    if getattr(m, "_cs_demo", False):
        return
    m._cs_demo = True  # type: ignore[attr-defined]
    Legend(demo_mark_html(lang), position="topright", css_class="cs-demo").add_to(m)


def schools_legend_html(lang: str) -> str:
    """Legend of the school symbols: cycle colours, white fill = private, provenance marks."""
    rows = [LegendRow(c, t(f"cycle.{cycle}", lang), symbol="dot")
            for cycle, c in CYCLE_COLORS.items()]
    rows.append(LegendRow(OTHER_COLOR, t("sector.private", lang), symbol="ring"))
    rows += [LegendRow("", label, svg=svg) for svg, label in legend_entries(lang)]
    return legend_box(t("map.layer.schools", lang), rows, lang)


def add_schools_legend(m: folium.Map, lang: str) -> None:
    """Add the school-symbol legend (bottom left)."""
    from mapping.web.control import Legend

    Legend(schools_legend_html(lang), position="bottomleft").add_to(m)
