"""Point layers of the map built from project tables (schools; any points).

Popup values are plain text (the browser inserts them as text), so untrusted
school names need no escaping here. This module does not import Streamlit.
"""

from __future__ import annotations

import math

import geopandas as gpd

from mapping.i18n import t
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
