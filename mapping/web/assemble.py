"""The one map-assembly path: base map → communes → province outlines → points → control.

Every page of the app and the offline HTML export build their map with
:func:`assemble_map`; a page only says what to draw.

Examples
--------
>>> from mapping.web import Choropleth, assemble_map  # doctest: +SKIP
>>> m = assemble_map("fr", Choropleth(shown, indicator, classification),
...                  provinces=web_provinces, schools=schools)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from mapping.catalogue import Indicator
from mapping.classify import Classification
from mapping.web.basemap import add_layer_control, add_province_outlines, base_map
from mapping.web.choropleth import add_categories, add_choropleth
from mapping.web.schools import add_schools, add_schools_legend

if TYPE_CHECKING:
    import folium

#: Something drawn on top of the communes: ``overlay(map) -> None``.
Overlay = Callable[["folium.Map"], object]


@dataclass(frozen=True)
class Choropleth:
    """Communes coloured by a catalogue indicator.

    Attributes
    ----------
    table
        The communes to draw (web geometry) with ``code``, names and the indicator column.
    indicator
        Catalogue entry of the mapped column.
    classification
        Classes of ``table[indicator.id]``, same row order.
    ranks
        Rank of each commune in the whole region (index = code), or ``None`` to rank
        within *table*.
    region_size
        Number of ranked communes in the region.
    """

    table: gpd.GeoDataFrame
    indicator: Indicator
    classification: Classification
    ranks: pd.Series | None = None
    region_size: int | None = None


@dataclass(frozen=True)
class Categories:
    """Communes coloured by a category (see :func:`mapping.web.choropleth.add_categories`)."""

    table: gpd.GeoDataFrame
    categories: Sequence[str]
    colors: Mapping[str, str]
    tips: Sequence[str]
    name: str
    dashed: Sequence[bool] | None = None
    legend: str | None = None


def assemble_map(
    lang: str,
    communes: Choropleth | Categories,
    *,
    provinces: gpd.GeoDataFrame | None = None,
    schools: gpd.GeoDataFrame | None = None,
    schools_legend: bool = True,
    overlays: Sequence[Overlay] = (),
    tiles_url: str | None = None,
) -> folium.Map:
    """Build the interactive map of a page.

    Parameters
    ----------
    lang
        Interface language of tooltips, popups and legends.
    communes
        The commune layer: a :class:`Choropleth` or a :class:`Categories` map.
    provinces
        Province outlines to draw, or ``None``.
    schools
        School points (canonical registry columns), or ``None``.
    schools_legend
        Whether to add the school-symbol legend when schools are drawn.
    overlays
        Further layers (douars, scenario changes, sites), drawn in order.
    tiles_url
        Optional online basemap URL; none by default (works offline).

    Returns
    -------
    folium.Map
        Fitted to the commune layer, with a layer control.
    """
    m = base_map(bounds=communes.table.total_bounds, tiles_url=tiles_url)
    if isinstance(communes, Choropleth):
        add_choropleth(m, communes.table, communes.indicator, communes.classification, lang,
                       ranks=communes.ranks, region_size=communes.region_size)
    else:
        add_categories(m, communes.table, communes.categories, communes.colors, communes.tips,
                       name=communes.name, dashed=communes.dashed, legend=communes.legend)
    if provinces is not None and len(provinces):
        add_province_outlines(m, provinces)
    if schools is not None and len(schools):
        add_schools(m, schools, lang)
        if schools_legend:
            add_schools_legend(m, lang)
    for overlay in overlays:
        overlay(m)
    add_layer_control(m)
    return m
