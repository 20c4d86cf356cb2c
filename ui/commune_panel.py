"""The commune panel: key figures with ranks and averages, age structure, in-person access,
schools.

Tables are static (``st.table``) so they wrap instead of being cut; the age chart
uses plain field names (a translated name with an apostrophe breaks Vega-Lite's
field access) and translated axis titles.
"""

from __future__ import annotations

import altair as alt
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


def key_figures(code: str, extra: Indicator | None = None) -> pd.DataFrame:
    """Table of key figures for commune *code*: value, rank, province and region means."""
    tab = state.table()
    row = tab[tab["code"] == code].iloc[0]
    province = tab[tab["province_code"] == row["province_code"]]
    cat = catalogue()
    ids = [i for i in KEY_FIGURES if i in tab.columns and i in cat]
    if extra is not None and extra.id not in ids:
        ids.insert(0, extra.id)
    lang = state.lang()
    records = []
    for ind_id in ids:
        ind = cat[ind_id]
        values = pd.to_numeric(tab[ind_id], errors="coerce")
        value = values[tab["code"] == code].iloc[0]
        rank = values.rank(ascending=False, method="min")[tab["code"] == code].iloc[0]
        label = ind.label_in(lang)
        if ind.year != 2024 and str(ind.year) not in label:
            label += f" ({ind.year})"
        if ind.estimated and state.t("app.estimated") not in label:
            label += f" ({state.t('app.estimated')})"
        records.append({
            state.t("panel.indicator"): label,
            state.t("panel.value"): ind.format(value, lang),
            state.t("panel.rank"): "—" if pd.isna(rank) else state.t(
                "panel.rank_value", rank=format_int(rank, lang),
                n=format_int(values.notna().sum(), lang)),
            state.t("panel.province_avg"): ind.format(
                pd.to_numeric(province[ind_id], errors="coerce").mean(), lang),
            state.t("panel.region_avg"): ind.format(values.mean(), lang),
        })
    return pd.DataFrame(records)


def age_structure(code: str) -> pd.DataFrame:
    """Shares of the 2024 age bands for commune *code*: columns ``band`` and ``share``."""
    tab = state.table()
    row = tab[tab["code"] == code].iloc[0]
    bands = [b for b in AGE_BANDS if b in tab.columns]
    labels = [b.removeprefix("age_").replace("_plus", "+").replace("_", "-") for b in bands]
    values = [float(row[b]) if pd.notna(row[b]) else None for b in bands]
    return pd.DataFrame({"band": labels, "share": values})


def age_chart(frame: pd.DataFrame) -> alt.Chart:
    """Horizontal bars of :func:`age_structure`, axis titles in the interface language."""
    lang = state.lang()
    return alt.Chart(frame).mark_bar(color="#1f5a8a").encode(
        x=alt.X("share:Q", title=state.t("panel.share")),
        y=alt.Y("band:N", title=state.t("panel.age_band"), sort=list(frame["band"])),
        tooltip=[alt.Tooltip("band:N", title=state.t("panel.age_band")),
                 alt.Tooltip("share:Q", title=state.t("panel.share"), format=".1f")],
    ).properties(height=320).configure(locale=vega_locale(lang), axis={"labelLimit": 80})


@st.cache_data(show_spinner=False)
def _access(cycle: str) -> pd.DataFrame:
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
            state.t("panel.beyond", km=km): format_percent(r["share_beyond"], lang,
                                                           share=True),
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


def show(code: str, indicator: Indicator | None = None) -> None:
    """Draw the panel for commune *code*."""
    tab = state.table()
    match = tab[tab["code"] == code]
    if match.empty:
        return
    row = match.iloc[0]
    lang = state.lang()
    first, second = (row["name_ar"], row["name_fr"]) if lang == "ar" else (
        row["name_fr"], row["name_ar"])
    province = row["province_ar"] if lang == "ar" else row["province_fr"]
    st.subheader(f"{first} · {second}")
    area = state.t(f"area.{row['type']}")
    st.caption(
        f"{state.t('unit.province')} : {province} · {area} · {state.t('communes.code')} {code}"
    )
    st.table(key_figures(code, indicator), hide_index=True)
    st.caption(state.t("panel.avg_note"))
    st.markdown(f"**{state.t('panel.age')}**")
    st.altair_chart(age_chart(age_structure(code)), width="stretch")
    access = access_figures(code)
    st.markdown(f"**{state.t('panel.access')}**")
    if access.empty:
        st.caption(state.t("panel.no_access"))
    else:
        st.table(access, hide_index=True)
        st.caption(state.t("panel.access_note"))
    schools = commune_schools(code)
    st.markdown(f"**{state.t('panel.schools', n=format_int(len(schools), lang))}**")
    if schools.empty:
        st.caption(state.t("panel.no_schools"))
    else:
        st.dataframe(schools, hide_index=True, width="stretch")
        note = analysis_note(state.registry(), lang)
        if note:
            st.caption(note)
