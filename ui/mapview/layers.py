"""Point layers of the map built from project tables (schools; any points).

Popup values are plain text (the browser inserts them as text), so untrusted
school names need no escaping here. This module does not import Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import geopandas as gpd
import pandas as pd

from mapping.access import ACCESS_CYCLES, check_cycle, douar_points
from mapping.datasets import Region
from mapping.i18n import t
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
from mapping.web.schools import CYCLE_COLORS, OTHER_COLOR, school_radius
from ui.mapview.payload import PointLayer, PointStyle

#: Quality levels that make a location or a capacity doubtful (shown in popups).
_DOUBTFUL = ("inferred_census", "estimated", "fictitious")
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


def school_styles() -> tuple[list[PointStyle], dict[tuple[str, bool], int]]:
    """The school looks (cycle colour; hollow when private) and their index by (cycle, private)."""
    styles: list[PointStyle] = []
    index: dict[tuple[str, bool], int] = {}
    for cycle, color in [*CYCLE_COLORS.items(), ("other", OTHER_COLOR)]:
        for private in (False, True):
            index[(cycle, private)] = len(styles)
            styles.append(PointStyle(color, None if private else color))
    return styles, index


def schools_layer(schools: gpd.GeoDataFrame, lang: str, *, layer_id: str = "schools",
                  name: str | None = None, visible: bool = True) -> PointLayer:
    """School points: colour by cycle, hollow when private, radius by seats; text popups.

    Schools without coordinates are left out.

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
        cycle = str(getattr(row, "cycle", "") or "")
        sector = str(getattr(row, "sector", "") or "")
        private = sector == "private"
        key = (cycle if cycle in CYCLE_COLORS else "other", private)
        lon.append(float(row.geometry.x))
        lat.append(float(row.geometry.y))
        style.append(index[key])
        radius.append(round(school_radius(getattr(row, "seats", None))))
        name_fr, name_ar = _text(getattr(row, "name_fr", "")), _text(getattr(row, "name_ar", ""))
        first, second = (name_ar, name_fr) if lang == "ar" else (name_fr, name_ar)
        quality = []
        for field in ("location_quality", "capacity_quality"):
            q = getattr(row, field, None)
            quality.append(t(f"quality.{q}", lang) if isinstance(q, str) and q in _DOUBTFUL else "")
        values.append([
            first or second or "—",
            f"{t(f'cycle.{cycle}', lang)} · {t(f'sector.{sector}', lang)}",
            _text(getattr(row, "kind", "")) or "—",
            _text(getattr(row, "seats", None)) or "—",
            _text(getattr(row, "pupils", None)) or "—",
            *quality,
            _text(getattr(row, "source", "")) or "—",
        ])
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
        pop, hh = _text(getattr(row, "population", None)), _text(getattr(row, "households", None))
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
        values.append([_text(d["name_ar"]), _text(row["population"]),
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
                             children=_text(getattr(row, "under15_covered", 0)))])
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
