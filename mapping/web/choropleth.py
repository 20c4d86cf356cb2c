"""Communes coloured by an indicator: tooltips, ranks, legend."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mapping.catalogue import Indicator
from mapping.classify import Classification
from mapping.i18n import is_rtl, t
from mapping.web.html import esc
from mapping.web.legend import legend_html, value_note

if TYPE_CHECKING:
    import folium


def region_rank(values: pd.Series) -> pd.Series:
    """Rank of each value in descending order (1 = highest), NaN stays NaN."""
    return values.rank(ascending=False, method="min")


def commune_name(row: Any, lang: str) -> str:
    """The commune name to show first in *lang* (Arabic form in Arabic)."""
    name_ar = getattr(row, "name_ar", None) if not isinstance(row, dict) else row.get("name_ar")
    name_fr = getattr(row, "name_fr", None) if not isinstance(row, dict) else row.get("name_fr")
    return str(name_ar if lang == "ar" and name_ar else name_fr)


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
    from mapping.web.control import Legend

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
    note = value_note(indicator, lang)
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
    _commune_layer(features, t("map.layer.communes", lang)).add_to(m)
    no_data = int((classification.classes < 0).sum())
    Legend(legend_html(indicator, classification, lang, no_data)).add_to(m)


def _commune_layer(features: list[dict[str, Any]], name: str) -> folium.GeoJson:
    """The commune polygons with their style, highlight and tooltip (class ``cs-commune``)."""
    import folium

    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=name,
        style_function=_commune_style,
        highlight_function=lambda _f: {"weight": 3, "color": "#222", "fillOpacity": 0.85},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        smooth_factor=0.5,
        className="cs-commune",
    )


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
    elif props.get("dashed"):
        style.update({"fillOpacity": 0.45, "dashArray": "4 3", "color": "#444444", "weight": 1.2})
    return style


def feature_json(table: gpd.GeoDataFrame) -> str:
    """GeoJSON text of *table* (for payload checks and exports)."""
    return json.dumps(table.__geo_interface__, separators=(",", ":"))


def add_categories(
    m: folium.Map,
    table: gpd.GeoDataFrame,
    categories: Sequence[str],
    colors: Mapping[str, str],
    tips: Sequence[str],
    *,
    name: str,
    dashed: Sequence[bool] | None = None,
    legend: str | None = None,
) -> None:
    """Draw communes coloured by a category (typology-style maps), with tooltips.

    Parameters
    ----------
    m
        Target map.
    table
        Communes to draw (web geometry) with ``code``.
    categories
        Category key of each row of *table*.
    colors
        Fill colour of each category key.
    tips
        Tooltip HTML of each row, already escaped by the caller.
    name
        Layer name in the layer control.
    dashed
        Rows drawn with a dashed outline and lighter fill (e.g. an assumed value).
    legend
        Legend HTML (see :func:`mapping.web.legend.legend_box`), or ``None``.

    Raises
    ------
    ValueError
        If *categories*, *tips* or *dashed* do not match the table's length, or a
        category has no colour.
    """
    from mapping.web.control import Legend

    n = len(table)
    if len(categories) != n or len(tips) != n or (dashed is not None and len(dashed) != n):
        raise ValueError(f"categories, tips and dashed must have {n} values, one per commune")
    unknown = sorted(set(categories) - set(colors))
    if unknown:
        raise ValueError(f"no colour for categories {unknown}")
    features = [
        {
            "type": "Feature",
            "id": row.code,
            "geometry": shapely.geometry.mapping(row.geometry),
            "properties": {
                "code": row.code,
                "tip": tips[i],
                "fill": colors[categories[i]],
                "nodata": False,
                "dashed": bool(dashed[i]) if dashed is not None else False,
            },
        }
        for i, row in enumerate(table.itertuples(index=False))
    ]
    _commune_layer(features, name).add_to(m)
    if legend:
        Legend(legend).add_to(m)
