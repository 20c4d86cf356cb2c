"""Point layers of the map built from project tables (schools; any points).

Popup values are plain text (the browser inserts them as text), so untrusted
school names need no escaping here. School symbols carry their provenance mark
(:mod:`mapping.provenance`), from the same style data as the folium and printed maps.
This module does not import Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import pandas as pd

from mapping.access import ACCESS_CYCLES, check_cycle, douar_points
from mapping.datasets import Region
from mapping.i18n import t
from mapping.numbers import format_int
from mapping.provenance import MarkStyle, quality_label, source_label
from mapping.schema import CYCLE_DISTANCE_COLUMN
from mapping.web.douars import (
    BAND_COLORS,
    NO_FIGURE_COLOR,
    SCENARIO_COLOR,
    SITE_COLOR,
    band_of,
    douar_radius,
    format_km,
)
from mapping.web.schools import CYCLE_COLORS, kind_label, school_radius, school_style
from ui.mapview.payload import PointLayer, PointStyle

#: Popup rows of a school: label key ("" = the name, bold).
SCHOOL_ROWS = ("", "ui.cycle", "map.school.kind", "map.school.seats", "map.school.pupils",
               "map.school.location_quality", "map.school.capacity_quality", "app.source")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return str(value)


def _count(value: object, lang: str) -> str:
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return _text(value)
    return "" if math.isnan(f) else format_int(f, lang)


def point_style(style: MarkStyle) -> PointStyle:
    """The canvas look of a school symbol (:func:`mapping.web.schools.school_style`).

    Same data as the folium layer (:func:`mapping.provenance.leaflet_style`) and
    the printed map: cycle colour outline, white fill when private, and the
    provenance mark (plain, hatched with a dashed outline, cross-hatched with a
    dotted outline).
    """
    return PointStyle(style.color, style.fill, 1.5 if style.mark == "circle" else 2.0,
                      mark=style.mark, fill_opacity=style.fill_opacity, dash=style.dash)


def school_styles() -> tuple[list[PointStyle], dict[MarkStyle, int]]:
    """Every school look (cycle x sector x provenance mark) and its index by :class:`MarkStyle`."""
    styles: list[PointStyle] = []
    index: dict[MarkStyle, int] = {}
    for cycle in [*CYCLE_COLORS, "other"]:
        for sector in ("public", "private"):
            for quality in ("surveyed", "inferred_census", "fictitious"):
                ms = school_style({"cycle": cycle, "sector": sector,
                                   "location_quality": quality})
                if ms not in index:
                    index[ms] = len(styles)
                    styles.append(point_style(ms))
    return styles, index


def school_popup_values(row: Any, lang: str) -> list[str]:
    """Plain-text popup values of a school, in the order of :data:`SCHOOL_ROWS`.

    The same texts as the folium popup (:func:`mapping.web.schools.school_fields`),
    unescaped: the browser inserts them as text.
    """
    def get(name: str) -> object:
        return row.get(name) if isinstance(row, dict) else getattr(row, name, None)

    name_fr, name_ar = _text(get("name_fr")), _text(get("name_ar"))
    first, second = (name_ar, name_fr) if lang == "ar" else (name_fr, name_ar)
    cycle, sector = get("cycle"), get("sector")
    return [
        first or second or "—",
        f"{t(f'cycle.{cycle}', lang)} · {t(f'sector.{sector}', lang)}",
        kind_label(get("kind"), lang) or "—",
        _count(get("seats"), lang) or "—",
        _count(get("pupils"), lang) or "—",
        quality_label(get("location_quality"), lang),
        quality_label(get("capacity_quality"), lang),
        source_label(get("source"), lang) or "—",
    ]


def schools_layer(schools: gpd.GeoDataFrame, lang: str, *, layer_id: str = "schools",
                  name: str | None = None, visible: bool = True) -> PointLayer:
    """School points: colour by cycle, white when private, mark by provenance, radius by seats.

    The mark of each point comes from :func:`mapping.web.schools.school_style`
    (the folium map's and the printed map's): plain for surveyed or imported
    sites, hatched for sites inferred from the census, cross-hatched for
    fictitious ones. Popups are plain text. Schools without coordinates are left out.

    Parameters
    ----------
    schools
        A school registry (canonical columns), EPSG:4326.
    lang
        Language of the popup labels; the name in *lang* comes first.
    """
    styles, index = school_styles()
    geom = schools.geometry
    located = schools[geom.notna() & ~geom.is_empty] if len(schools) else schools
    lon: list[float] = []
    lat: list[float] = []
    style: list[int] = []
    radius: list[float] = []
    values: list[list[str]] = []
    for row in located.itertuples(index=False):
        ms = school_style(row)
        if ms not in index:  # a colour outside the cycle palette
            index[ms] = len(styles)
            styles.append(point_style(ms))
        lon.append(float(row.geometry.x))
        lat.append(float(row.geometry.y))
        style.append(index[ms])
        radius.append(round(school_radius(getattr(row, "seats", None))))
        values.append(school_popup_values(row, lang))
    return PointLayer(
        id=layer_id,
        name=name if name is not None else t("map.layer.schools", lang),
        lon=lon, lat=lat, style=style, styles=styles, radius=radius,
        fields=[t(k, lang) if k else "" for k in SCHOOL_ROWS],
        values=values, visible=visible,
    )


def douars_layer(region: Region, cycle: str, lang: str,
                 communes: Iterable[str] | None = None) -> PointLayer:
    """Douars with coordinates, sized by population, coloured by HCP's official distance band.

    Parameters
    ----------
    region
        The loaded region (its douar table).
    cycle
        ``primary``, ``lower_secondary`` or ``upper_secondary``.
    communes
        Commune codes to keep (all when ``None``).
    """
    col = CYCLE_DISTANCE_COLUMN[check_cycle(cycle)]
    pts = douar_points(region)
    if communes is not None:
        pts = pts[pts["commune_code"].isin(set(communes))]
    pts = pts.sort_values("population", ascending=False)  # small ones drawn on top
    names = region.communes.set_index("code")["name_ar" if lang == "ar" else "name_fr"]
    colors = [*BAND_COLORS, NO_FIGURE_COLOR]
    styles = [PointStyle("#555555", c, 1.0) for c in colors]
    style: list[int] = []
    values: list[list[str]] = []
    for row in pts.itertuples(index=False):
        km = pd.to_numeric(getattr(row, col), errors="coerce")
        band = band_of(float(km)) if pd.notna(km) else -1
        style.append(len(colors) - 1 if band < 0 else min(band, len(BAND_COLORS) - 1))
        pop = _count(getattr(row, "population", None), lang)
        hh = _count(getattr(row, "households", None), lang)
        values.append([
            _text(getattr(row, "name_ar", "")),
            _text(getattr(row, "fraction_ar", "")),
            str(names.get(row.commune_code, "")),
            f"{pop} ({hh} {t('access.households', lang)})",
            *(format_km(getattr(row, CYCLE_DISTANCE_COLUMN[c]), lang) for c in ACCESS_CYCLES),
            f"{getattr(row, 'location_source', '')}/{getattr(row, 'location_match', '')}",
        ])
    fields = ["", t("access.fraction", lang), t("unit.commune", lang),
              t("access.population", lang), *(t(f"cycle.{c}", lang) for c in ACCESS_CYCLES),
              t("access.location_approx", lang)]
    return PointLayer(
        id="douars", name=t("access.layer.douars", lang),
        lon=list(pts["lon"].astype(float)), lat=list(pts["lat"].astype(float)),
        style=style, styles=styles,
        radius=[round(douar_radius(p), 1) for p in pts["population"]],
        fields=fields, values=values,
    )




def scenario_changes_layer(changed: pd.DataFrame, region: Region, lang: str) -> PointLayer:
    """Douars whose computed distance class changes in a scenario (after-distance colour).

    Parameters
    ----------
    changed
        :attr:`mapping.access.ScenarioResult.changed` (``population``, ``before_km``,
        ``after_km``), indexed like ``region.douars``.
    """
    src = region.douars.loc[changed.index] if len(changed) else region.douars.iloc[0:0]
    colors = [*BAND_COLORS, NO_FIGURE_COLOR]
    styles = [PointStyle(SCENARIO_COLOR, c, 2.0) for c in colors]
    lon: list[float] = []
    lat: list[float] = []
    style: list[int] = []
    radius: list[float] = []
    values: list[list[str]] = []
    for (_, row), (_, d) in zip(changed.iterrows(), src.iterrows(), strict=True):
        if pd.isna(d["lon"]) or pd.isna(d["lat"]):
            continue
        km = pd.to_numeric(row["after_km"], errors="coerce")
        band = band_of(float(km)) if pd.notna(km) else -1
        lon.append(float(d["lon"]))
        lat.append(float(d["lat"]))
        style.append(len(colors) - 1 if band < 0 else min(band, len(BAND_COLORS) - 1))
        radius.append(round(douar_radius(row["population"]), 1) + 1)
        values.append([_text(d["name_ar"]), _count(row["population"], lang),
                       format_km(row["before_km"], lang), format_km(row["after_km"], lang),
                       t("access.computed_note", lang)])
    return PointLayer(
        id="scenario_changes", name=t("access.layer.changed", lang), lon=lon, lat=lat,
        style=style, styles=styles, radius=radius,
        fields=["", t("access.population", lang), t("access.before", lang),
                t("access.after", lang), ""],
        values=values,
    )


def marked_points_layer(points: pd.DataFrame, lang: str, *, kind: str = "scenario"
                        ) -> PointLayer:
    """Added scenario schools (``kind="scenario"``) or ranked suggested sites (``"site"``).

    *points* needs ``lon``, ``lat``; ``rank`` and ``under15_covered`` for sites,
    ``name`` and ``cycle`` for scenario schools.
    """
    color = SITE_COLOR if kind == "site" else SCENARIO_COLOR
    values: list[list[str]] = []
    for i, row in enumerate(points.itertuples(index=False), start=1):
        if kind == "site":
            values.append([t("access.site_tip", lang, rank=str(int(getattr(row, "rank", i))),
                             children=_count(getattr(row, "under15_covered", 0), lang))])
        else:
            values.append([t("access.added_tip", lang, name=str(getattr(row, "name", "") or ""),
                             cycle=t(f"cycle.{getattr(row, 'cycle', '')}", lang))])
    n = len(points)
    return PointLayer(
        id="sites" if kind == "site" else "added",
        name=t("access.layer.sites" if kind == "site" else "access.layer.added", lang),
        lon=[float(v) for v in points["lon"]] if n else [],
        lat=[float(v) for v in points["lat"]] if n else [],
        style=[0] * n, styles=[PointStyle("#ffffff", color, 2.5)], radius=9.0,
        fields=[""], values=values,
    )
