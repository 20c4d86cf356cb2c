"""The commune panel: key figures with ranks and averages, age structure, in-person access,
schools.

Tables are static (``st.table``) so they wrap instead of being cut; the age chart
uses plain field names (a translated name with an apostrophe breaks Vega-Lite's
field access) and translated axis titles.

A commune click reruns the map fragment; the panel's content depends only on the
commune, the mapped indicator, the language, the registry and the selection, so
it is computed once per such combination (:func:`content`) and shared by every
session: a second look at a commune costs only drawing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from mapping.access import official_access
from mapping.catalogue import Indicator
from mapping.indicators import catalogue
from mapping.numbers import format_int, format_km, format_percent, vega_locale
from mapping.provenance import analysis_note, quality_label
from ui import state

#: Figures shown for every commune (those present in the table), before the mapped one.
KEY_FIGURES = (
    "population_2024",
    "school_age_primary_est",
    "school_age_lower_secondary_est",
    "schooling_rate_6_to_11",
    "illiteracy_rate_10_plus",
    "amenities_electricity",
    "households_distance_to_paved_road_km",
    "equipment_internet_2014",
)
#: RGPH 2024 five-year age bands (shares of the population, %).
AGE_BANDS = (
    "age_0_4", "age_5_9", "age_10_14", "age_15_19", "age_20_24", "age_25_29", "age_30_34",
    "age_35_39", "age_40_44", "age_45_49", "age_50_54", "age_55_59", "age_60_64",
    "age_65_69", "age_70_74", "age_75_plus",
)


@dataclass(frozen=True)
class _Stats:
    """Values, region ranks and province and region means of every numeric column,
    for all communes at once (one table, computed once per registry and catalogue)."""

    values: pd.DataFrame          # indexed by commune code
    ranks: pd.DataFrame           # rank among communes with a value (1 = highest)
    counts: pd.Series             # communes with a value, per column
    province_means: pd.DataFrame  # indexed by province code
    region_means: pd.Series
    province_of: pd.Series        # commune code -> province code


@st.cache_resource(show_spinner=False, max_entries=8)
def _stats(table_key: str, columns: tuple[str, ...]) -> _Stats:
    tab = state.table()
    values = tab.set_index("code")[list(columns)].apply(pd.to_numeric, errors="coerce")
    province_of = tab.set_index("code")["province_code"]
    return _Stats(
        values=values,
        ranks=values.rank(ascending=False, method="min"),
        counts=values.notna().sum(),
        province_means=values.groupby(province_of).mean(),
        region_means=values.mean(),
        province_of=province_of,
    )


def key_figures(code: str, extra: Indicator | None = None) -> pd.DataFrame:
    """Table of key figures for commune *code*: value, rank, province and region means."""
    tab = state.table()
    cat = catalogue()
    ids = [i for i in KEY_FIGURES if i in tab.columns and i in cat]
    if extra is not None and extra.id not in ids:
        ids.insert(0, extra.id)
    stats = _stats(state.table_key(), tuple(ids))
    province = stats.province_of[code]
    lang = state.lang()
    records = []
    for ind_id in ids:
        ind = cat[ind_id]
        rank = stats.ranks.at[code, ind_id]
        label = ind.label_in(lang)
        if ind.year != 2024 and str(ind.year) not in label:
            label += f" ({ind.year})"
        if ind.estimated and state.t("app.estimated") not in label:
            label += f" ({state.t('app.estimated')})"
        records.append({
            state.t("panel.indicator"): label,
            state.t("panel.value"): ind.format(float(stats.values[ind_id][code]), lang),
            state.t("panel.rank"): "—" if pd.isna(rank) else state.t(
                "panel.rank_value", rank=format_int(rank, lang),
                n=format_int(stats.counts[ind_id], lang)),
            state.t("panel.province_avg"): ind.format(
                float(stats.province_means.loc[province, ind_id]), lang),
            state.t("panel.region_avg"): ind.format(stats.region_means[ind_id], lang),
        })
    return pd.DataFrame(records)


def age_structure(code: str) -> pd.DataFrame:
    """Shares of the 2024 age bands for commune *code*: columns ``band`` and ``share``."""
    rows = _rows(state.table_key())
    row = rows.loc[code]
    bands = [b for b in AGE_BANDS if b in rows.columns]
    labels = [b.removeprefix("age_").replace("_plus", "+").replace("_", "-") for b in bands]
    values = [float(row[b]) if pd.notna(row[b]) else None for b in bands]
    return pd.DataFrame({"band": labels, "share": values})


def age_chart(frame: pd.DataFrame) -> dict[str, Any]:
    """Vega-Lite specification of horizontal bars of :func:`age_structure`, axis titles in
    the interface language (written as a plain dict: Altair's validation of the same
    chart cost more than the rest of the panel)."""
    lang = state.lang()
    share, band = state.t("panel.share"), state.t("panel.age_band")
    values = [{"band": b, "share": None if pd.isna(v) else float(v)}
              for b, v in zip(frame["band"], frame["share"], strict=True)]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "data": {"values": values},
        "mark": {"type": "bar", "color": "#1f5a8a"},
        "encoding": {
            "x": {"field": "share", "type": "quantitative", "title": share},
            "y": {"field": "band", "type": "nominal", "title": band,
                  "sort": list(frame["band"])},
            "tooltip": [{"field": "band", "type": "nominal", "title": band},
                        {"field": "share", "type": "quantitative", "title": share,
                         "format": ".1f"}],
        },
        "height": 320,
        "config": {"locale": vega_locale(lang), "axis": {"labelLimit": 80}},
    }


@st.cache_resource(show_spinner=False)
def _access(cycle: str) -> pd.DataFrame:
    # shared and read only: a cached copy per call would cost more than the lookup
    return official_access(state.region(), cycle)


def access_figures(code: str) -> pd.DataFrame:
    """HCP's official distances from the commune's douars to each cycle's nearest school."""
    lang = state.lang()
    records = []
    for cycle, km in (("primary", 2), ("lower_secondary", 5), ("upper_secondary", 10)):
        acc = _access(cycle)
        if code not in acc.index or acc.loc[code, "reason"] == "no_douars":
            continue
        r = acc.loc[code]
        records.append({
            state.t("ui.cycle"): state.t(f"cycle.{cycle}"),
            state.t("access.col.mean_km"): format_km(r["mean_km"], lang),
            state.t("panel.threshold"): format_km(km, lang, decimals=0),
            state.t("panel.beyond_share"): format_percent(r["share_beyond"], lang, share=True),
            state.t("access.col.douars_no_figure"): format_int(r["douars_no_figure"], lang),
        })
    return pd.DataFrame(records)


def commune_schools(code: str) -> pd.DataFrame:
    """Schools of the active registry located in commune *code*, filtered by cycle/sector."""
    reg = state.registry()
    if len(reg) == 0:
        return pd.DataFrame()
    sel = state.selection()
    rows = reg[sel.school_mask(reg, {code}).to_numpy()]
    lang = state.lang()
    name = rows["name_ar"].where(rows["name_ar"].notna(), rows["name_fr"]) if lang == "ar" \
        else rows["name_fr"].where(rows["name_fr"].notna(), rows["name_ar"])
    return pd.DataFrame({
        state.t("panel.school_name"): name.astype(str).to_numpy(),
        state.t("ui.cycle"): [state.t(f"cycle.{c}") for c in rows["cycle"]],
        state.t("ui.sector"): [state.t(f"sector.{s}") for s in rows["sector"]],
        state.t("map.school.seats"): [format_int(v, lang) for v in rows["seats"]],
        state.t("map.school.pupils"): [format_int(v, lang) for v in rows["pupils"]],
        state.t("panel.quality"): [
            f"{quality_label(a, lang)} / {quality_label(b, lang)}"
            for a, b in zip(rows["location_quality"], rows["capacity_quality"], strict=True)
        ],
    })


@dataclass(frozen=True)
class Content:
    """What the panel of one commune shows, computed once (see :func:`content`).

    Attributes
    ----------
    heading, place
        The commune's names, and its province, area type and code.
    figures, access, schools
        The tables of :func:`key_figures`, :func:`access_figures` and
        :func:`commune_schools`.
    age_spec
        Vega-Lite specification of :func:`age_chart`.
    schools_note
        The registry's analysis note ("" when none).
    """

    heading: str
    place: str
    figures: pd.DataFrame
    age_spec: dict[str, Any]
    access: pd.DataFrame
    schools: pd.DataFrame
    schools_note: str


@st.cache_resource(show_spinner=False, max_entries=8)
def _rows(table_key: str) -> pd.DataFrame:
    """The commune table without geometry, indexed by code (one row lookup per panel)."""
    tab = state.table()
    return pd.DataFrame(tab.drop(columns=tab.geometry.name)).set_index("code")


@st.cache_resource(show_spinner=False, max_entries=16)
def _schools_note(table_key: str, lang: str) -> str:
    # the registry's provenance shares: the same for every commune
    return analysis_note(state.registry(), lang) or ""


@st.cache_resource(show_spinner=False, max_entries=512)
def _content(table_key: str, code: str, indicator_id: str | None, lang: str,
             selection_key: str) -> Content | None:
    # every argument is a short string: the cache key costs nothing to hash; the
    # functions below read the same registry, language and selection from the session
    rows = _rows(table_key)
    if code not in rows.index:
        return None
    row = rows.loc[code]
    first, second = (row["name_ar"], row["name_fr"]) if lang == "ar" else (
        row["name_fr"], row["name_ar"])
    province = row["province_ar"] if lang == "ar" else row["province_fr"]
    area = state.t(f"area.{row['type']}")
    indicator = catalogue().get(indicator_id) if indicator_id else None
    schools = commune_schools(code)
    return Content(
        heading=f"{first} · {second}",
        place=(f"{state.t('unit.province')} : {province} · {area} · "
               f"{state.t('communes.code')} {code}"),
        figures=key_figures(code, indicator),
        age_spec=age_chart(age_structure(code)),
        access=access_figures(code),
        schools=schools,
        schools_note=_schools_note(table_key, lang) if len(schools) else "",
    )


def content(code: str, indicator: Indicator | None = None) -> Content | None:
    """The panel's content for commune *code* (``None`` for an unknown code), cached by
    registry, catalogue, commune, indicator, language and selection."""
    return _content(state.table_key(), code, indicator.id if indicator else None,
                    state.lang(), repr(state.selection()))


def show(code: str, indicator: Indicator | None = None) -> None:
    """Draw the panel for commune *code*."""
    panel = content(code, indicator)
    if panel is None:
        return
    lang = state.lang()
    st.subheader(panel.heading)
    st.caption(panel.place)
    st.table(panel.figures, hide_index=True)
    st.caption(state.t("panel.avg_note"))
    st.markdown(f"**{state.t('panel.age')}**")
    st.vega_lite_chart(spec=panel.age_spec, width="stretch")
    st.markdown(f"**{state.t('panel.access')}**")
    if panel.access.empty:
        st.caption(state.t("panel.no_access"))
    else:
        st.table(panel.access, hide_index=True)
        st.caption(state.t("panel.access_note"))
    st.markdown(f"**{state.t('panel.schools', n=format_int(len(panel.schools), lang))}**")
    if panel.schools.empty:
        st.caption(state.t("panel.no_schools"))
    else:
        st.dataframe(panel.schools, hide_index=True, width="stretch")
        if panel.schools_note:
            st.caption(panel.schools_note)
