"""Folium layers of the access analysis: douars, scenario changes, suggested sites.

Douar points are HCP douars matched to GeoNames/OpenStreetMap places: their
locations are approximate (the matching source estimates 3-4% wrong matches),
which every legend says. All text reaching HTML is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from mapping.access import ACCESS_CYCLES, DISTANCE_BANDS_KM, check_cycle, douar_points
from mapping.datasets import Region
from mapping.i18n import is_rtl, t
from mapping.numbers import format_number
from mapping.provenance import catalogue_source
from mapping.schema import CYCLE_DISTANCE_COLUMN
from mapping.web.html import esc
from mapping.web.legend import LegendRow, legend_box

if TYPE_CHECKING:
    import folium

#: Upper bounds (km) of the distance classes; the last class is open.
BANDS_KM: Final = DISTANCE_BANDS_KM
#: Colour of each distance class, near to far (ColorBrewer YlOrRd, 6 classes).
BAND_COLORS: Final = ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")
NO_FIGURE_COLOR: Final = "#9e9e9e"
SCENARIO_COLOR: Final = "#7b3294"
SITE_COLOR: Final = "#1b7837"


def band_of(km: float) -> int:
    """Distance class of *km* (0 = ≤ 1 km … 5 = > 20 km); -1 for no figure."""
    if km is None or not math.isfinite(float(km)):
        return -1
    return int(np.searchsorted(np.asarray(BANDS_KM), float(km), side="left"))


def band_color(km: float) -> str:
    """Fill colour of a douar at *km* from school."""
    b = band_of(km)
    return NO_FIGURE_COLOR if b < 0 else BAND_COLORS[b]


def band_ranges(lang: str) -> list[str]:
    """The distance classes as number ranges (« 2–5 », « > 20 »), numbers written in *lang*.

    Ranges read left to right, also in Arabic: draw them in a left-to-right run
    (``LegendRow(ltr=True)``) with the unit outside it.
    """
    edges = [0.0, *BANDS_KM]
    num = [format_number(v, lang, 0 if float(v).is_integer() else 1) for v in edges]
    out = [f"{num[i]}–{num[i + 1]}" for i in range(len(BANDS_KM))]
    out.append(f"> {num[-1]}")
    return out


def band_labels(lang: str) -> list[str]:
    """Labels of the distance classes in *lang* (range and unit)."""
    unit = t("access.km", lang)
    return [f"{r} {unit}" for r in band_ranges(lang)]


def douar_radius(population: float) -> float:
    """Marker radius (px) growing with the square root of the population, 2.5..14."""
    if population is None or not math.isfinite(float(population)) or population <= 0:
        return 2.5
    return float(min(14.0, max(2.5, math.sqrt(float(population)) / 4.0)))


def format_km(value: Any, lang: str) -> str:
    """A douar distance in *lang* (one decimal), or the "no figure" text."""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return t("access.no_figure", lang)
    if not math.isfinite(f):
        return t("access.no_figure", lang)
    text = f"{f:.1f}"
    return (text.replace(".", ",") if lang == "fr" else text) + " " + t("access.km", lang)


def douar_popup(row: Any, lang: str, commune_name: str = "") -> str:
    """Escaped popup HTML of one douar (Arabic name, fraction, population, distances)."""
    direction = "rtl" if is_rtl(lang) else "ltr"
    lines = [
        f'<div dir="{direction}">',
        f'<b dir="rtl">{esc(getattr(row, "name_ar", ""))}</b>',
        f'<br>{esc(t("access.fraction", lang))} : <span dir="rtl">'
        f'{esc(getattr(row, "fraction_ar", ""))}</span>',
    ]
    if commune_name:
        lines.append(f"<br>{esc(t('unit.commune', lang))} : {esc(commune_name)}")
    pop = getattr(row, "population", None)
    hh = getattr(row, "households", None)
    lines.append(
        f"<br>{esc(t('access.population', lang))} : {esc(_int_text(pop))}"
        f" ({esc(_int_text(hh))} {esc(t('access.households', lang))})"
    )
    for cycle in ACCESS_CYCLES:
        value = getattr(row, CYCLE_DISTANCE_COLUMN[cycle], None)
        lines.append(f"<br>{esc(t(f'cycle.{cycle}', lang))} : {esc(format_km(value, lang))}")
    lines.append(
        f'<br><i>{esc(t("access.location_approx", lang))} '
        f'({esc(getattr(row, "location_source", ""))}/{esc(getattr(row, "location_match", ""))})'
        "</i></div>"
    )
    return "".join(lines)


def _int_text(value: Any) -> str:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return ""
    return "" if not math.isfinite(f) else f"{round(f):,}".replace(",", "\u202f")


def douar_features(
    region: Region, cycle: str, lang: str, communes: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """GeoJSON features of the douars with coordinates, coloured by official distance.

    Parameters
    ----------
    communes
        Commune codes to keep (all when None).
    """
    col = CYCLE_DISTANCE_COLUMN[check_cycle(cycle)]
    pts = douar_points(region)
    if communes is not None:
        pts = pts[pts["commune_code"].isin(set(communes))]
    names = region.communes.set_index("code")["name_ar" if lang == "ar" else "name_fr"]
    pts = pts.sort_values("population", ascending=False)  # small ones drawn on top
    features = []
    for row in pts.itertuples(index=False):
        km = pd.to_numeric(getattr(row, col), errors="coerce")
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point",
                             "coordinates": [round(row.lon, 5), round(row.lat, 5)]},
                "properties": {
                    "popup": douar_popup(row, lang, str(names.get(row.commune_code, ""))),
                    "fill": band_color(km),
                    "radius": round(douar_radius(row.population), 1),
                },
            }
        )
    return features


def _point_layer(features: list[dict[str, Any]], name: str, stroke: str) -> folium.GeoJson:
    import folium

    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=name,
        marker=folium.CircleMarker(radius=4, weight=1, fill=True, fill_opacity=0.85),
        style_function=lambda f: {
            "fill": True,
            "color": stroke,
            "fillColor": f["properties"]["fill"],
            "radius": f["properties"]["radius"],
            "weight": 1,
            "fillOpacity": 0.85,
        },
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False, localize=False),
    )


def add_douars(
    m: folium.Map,
    region: Region,
    cycle: str,
    lang: str,
    *,
    communes: Iterable[str] | None = None,
    legend: bool = True,
) -> int:
    """Draw douars with coordinates, sized by population, coloured by official distance.

    Returns
    -------
    int
        Number of douars drawn.
    """
    from mapping.web.control import Legend

    features = douar_features(region, cycle, lang, communes)
    if features:
        _point_layer(features, t("access.layer.douars", lang), "#555555").add_to(m)
    if legend:
        Legend(
            douar_legend_html(cycle, lang), position="bottomleft", css_class="cs-access-legend"
        ).add_to(m)
    return len(features)


def douar_legend_html(cycle: str, lang: str) -> str:
    """Legend of the douar layer, with the approximate-location warning."""
    unit = t("access.km", lang)
    rows = [LegendRow(c, label, symbol="dot", ltr=True, unit=unit)
            for c, label in zip(BAND_COLORS, band_ranges(lang), strict=True)]
    rows.append(LegendRow(NO_FIGURE_COLOR, t("access.no_figure", lang), symbol="dot"))
    title = t("access.legend.title", lang, cycle=t(f"cycle.{cycle}", lang))
    return legend_box(title, rows, lang, after=[
        ("cs-note", t("access.legend.size", lang)),
        ("cs-warn", t("access.location_warning", lang)),
        ("cs-source", catalogue_source("HCP, RGPH 2024", lang)),
    ])


def add_scenario_changes(
    m: folium.Map, douars: pd.DataFrame, region: Region, lang: str
) -> int:
    """Draw the douars whose computed distance class changes in a scenario.

    Parameters
    ----------
    douars
        :attr:`mapping.access.scenarios.ScenarioResult.changed` (``code``, ``population``,
        ``before_km``, ``after_km``), indexed like ``region.douars``.

    Returns
    -------
    int
        Number of douars drawn.
    """
    if douars.empty:
        return 0
    src = region.douars.loc[douars.index]
    features = []
    for (_, row), (_, d) in zip(douars.iterrows(), src.iterrows(), strict=True):
        if pd.isna(d["lon"]) or pd.isna(d["lat"]):
            continue
        popup = (
            f'<div dir="{"rtl" if is_rtl(lang) else "ltr"}"><b dir="rtl">{esc(d["name_ar"])}</b>'
            f"<br>{esc(t('access.population', lang))} : {esc(_int_text(row['population']))}"
            f"<br>{esc(t('access.before', lang))} : {esc(format_km(row['before_km'], lang))}"
            f"<br>{esc(t('access.after', lang))} : {esc(format_km(row['after_km'], lang))}"
            f'<br><i style="color:#a0522d">{esc(t("access.computed_note", lang))}</i></div>'
        )
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point",
                             "coordinates": [round(float(d["lon"]), 5), round(float(d["lat"]), 5)]},
                "properties": {"popup": popup, "fill": band_color(row["after_km"]),
                               "radius": round(douar_radius(row["population"]), 1) + 1},
            }
        )
    if features:
        _point_layer(features, t("access.layer.changed", lang), SCENARIO_COLOR).add_to(m)
    return len(features)


def add_points(
    m: folium.Map, points: pd.DataFrame, lang: str, *, kind: str = "scenario"
) -> None:
    """Draw added scenario schools (``kind="scenario"``) or ranked sites (``kind="site"``).

    *points* needs ``lon``, ``lat``; ``rank`` and ``under15_covered`` for sites,
    ``name`` and ``cycle`` for scenario schools.
    """
    import folium

    color = SITE_COLOR if kind == "site" else SCENARIO_COLOR
    name = t("access.layer.sites" if kind == "site" else "access.layer.added", lang)
    group = folium.FeatureGroup(name=name)
    for i, row in enumerate(points.itertuples(index=False), start=1):
        lat, lon = float(getattr(row, "lat")), float(getattr(row, "lon"))  # noqa: B009
        if kind == "site":
            text = str(int(getattr(row, "rank", i)))
            tip = t("access.site_tip", lang, rank=text,
                    children=_int_text(getattr(row, "under15_covered", 0)))
        else:
            text = "+"
            tip = t("access.added_tip", lang, name=str(getattr(row, "name", "") or ""),
                    cycle=t(f"cycle.{getattr(row, 'cycle', '')}", lang))
        icon = folium.DivIcon(
            html=(f'<div style="background:{color};color:#fff;border:2px solid #fff;'
                  'border-radius:50%;width:22px;height:22px;line-height:18px;text-align:center;'
                  f'font:bold 12px sans-serif;box-shadow:0 0 3px #000">{esc(text)}</div>'),
            icon_size=(22, 22), icon_anchor=(11, 11),
        )
        folium.Marker([lat, lon], icon=icon,
                      tooltip=esc(tip)).add_to(group)
    group.add_to(m)
