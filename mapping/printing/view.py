"""What a print map shows, and the texts that describe it.

:func:`make_view` selects and classifies the communes of one indicator into a
:class:`View`; the helpers name the mapped territory, format legend numbers and
write the subtitle and the school-registry footer lines, in the map's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from mapping.catalogue import Indicator
from mapping.classify import Classification, Scheme, classify
from mapping.errors import DataError, MappingError
from mapping.filters import Selection
from mapping.i18n import t
from mapping.indicators import get as get_indicator
from mapping.numbers import format_number, format_percent
from mapping.provenance import quality_label, registry_name, source_label


class EmptySelectionError(MappingError):
    """The selection contains no commune, so there is nothing to map."""


@dataclass(frozen=True)
class View:
    """Everything computed before drawing: the indicator, its classes, the selection.

    Attributes
    ----------
    indicator
        The catalogue entry.
    values
        Indicator values of the selected communes (positional, NaN = no data).
    mask
        Boolean mask of the selected communes over the whole table.
    classification
        Classes of the selected values.
    territory
        Name of what is mapped (province(s) or region), in the map's language.
    lang
        Map language.
    """

    indicator: Indicator
    values: np.ndarray
    mask: np.ndarray
    classification: Classification
    territory: str
    lang: str
    filtered: bool = False


def territory_name(
    selection: Selection, table: pd.DataFrame, provinces: pd.DataFrame | None, lang: str
) -> str:
    """Name of the mapped territory: the selected province(s), else the region."""
    if not selection.provinces:
        return t("export.region", lang)
    names = []
    col = "name_ar" if lang == "ar" else "name_fr"
    for code in selection.provinces:
        kind, name = "province", code
        if provinces is not None and code in set(provinces["province_code"]):
            row = provinces.loc[provinces["province_code"] == code].iloc[0]
            kind, name = str(row.get("type", "province")), str(row[col])
        else:
            rows = table.loc[table["province_code"] == code]
            if len(rows):
                name = str(rows.iloc[0]["province_ar" if lang == "ar" else "province_fr"])
        names.append(t("export.prefecture" if kind == "prefecture" else "export.province",
                       lang, name=name))
    return " · ".join(names)


def make_view(
    table: gpd.GeoDataFrame,
    indicator_id: str,
    selection: Selection | None = None,
    *,
    scheme: Scheme = "quantiles",
    k: int = 5,
    manual_breaks: Sequence[float] | None = None,
    lang: str = "fr",
    provinces: pd.DataFrame | None = None,
) -> View:
    """Select, classify and name what a print map shows.

    Raises
    ------
    UnknownCodeError
        If *indicator_id* is not in the catalogue.
    DataError
        If the table has no column for the indicator.
    EmptySelectionError
        If no commune is selected.
    """
    indicator = get_indicator(indicator_id)
    if indicator_id not in table.columns:
        raise DataError("the commune table has no column for this indicator",
                        column=indicator_id,
                        hint="build the table with mapping.table.indicator_table")
    selection = selection or Selection()
    mask = selection.commune_mask(table).to_numpy(dtype=bool)
    if not mask.any():
        raise EmptySelectionError(t("export.empty_selection", lang))
    values = pd.to_numeric(table[indicator_id], errors="coerce").to_numpy(dtype=float)[mask]
    try:
        cls = classify(values, scheme, k, higher_is_better=indicator.higher_is_better,
                       manual_breaks=manual_breaks)
    except ValueError as exc:
        raise MappingError(str(exc)) from exc
    filtered = bool(selection.cercles or selection.communes or selection.area
                    or selection.search.strip())
    return View(indicator, values, mask, cls,
                territory_name(selection, table, provinces, lang), lang, filtered)


def number(value: float, decimals: int, lang: str) -> str:
    """Format a number for a legend or a table in *lang* (see :mod:`mapping.numbers`)."""
    return format_number(value, lang, decimals)


def subtitle(view: View) -> str:
    """Indicator label, year, unit and the flags a reader must see."""
    ind, lang = view.indicator, view.lang
    parts = [ind.label_in(lang), str(ind.year)]
    if ind.unit_in(lang):
        parts.append(ind.unit_in(lang))
    flags = []
    if ind.estimated:
        flags.append(t("export.flag_estimated", lang))
    if ind.year == 2014:
        flags.append(t("export.flag_2014", lang))
    text = " · ".join(parts)
    if flags:
        text += "  [" + ", ".join(flags) + "]"
    if view.filtered:
        text += " · " + t("export.filtered", lang, n=int(view.mask.sum()))
    return text


def registry_lines(schools: pd.DataFrame, note: str | None, lang: str) -> list[str]:
    """Footer lines naming the school registry's source and location-quality shares."""
    source = note
    if source is None:
        found = [source_label(s, lang)
                 for s in schools.get("source", pd.Series(dtype=str)).dropna().unique()]
        found = [s for s in found if s.strip()]
        source = "; ".join(found[:3]) + ("…" if len(found) > 3 else "")
        source = source or registry_name(schools.attrs.get("name"), lang)
    lines = [t("export.registry_source", lang, source=source)]
    if len(schools) and "location_quality" in schools:
        counts = schools["location_quality"].fillna("unknown").astype(str).value_counts()
        shares = ", ".join(
            f"{quality_label(level, lang)} {format_percent(100 * n / len(schools), lang, 0)}"
            for level, n in counts.items()
        )
        lines.append(t("export.registry_quality", lang, shares=shares))
    return lines
