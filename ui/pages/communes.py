"""Communes page: sortable table of the filtered communes, downloadable as CSV."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mapping.exports import to_csv
from mapping.i18n import is_rtl
from mapping.numbers import format_number
from ui import indicator_picker, state

DEFAULT_COLUMNS = (
    "population_2024", "school_age_primary_est", "schooling_rate_6_to_11",
    "illiteracy_rate_10_plus", "amenities_electricity",
)

lang = state.lang()
st.title(state.t("nav.communes"))

inds = indicator_picker.available()
if "c_indicators" not in st.session_state:
    mapped = st.session_state.get("m_indicator")
    chosen = [i for i in DEFAULT_COLUMNS if i in inds]
    if mapped in inds and mapped not in chosen:
        chosen.insert(0, mapped)
    st.session_state["c_indicators"] = chosen
else:
    st.session_state["c_indicators"] = [i for i in st.session_state["c_indicators"] if i in inds]
st.multiselect(state.t("communes.indicators"), list(inds), key="c_indicators",
               placeholder=state.t("ui.choose"), select_all=False,
               format_func=lambda i: indicator_picker.display_label(inds[i], lang))

tab = state.selected_communes()
name_col = "name_ar" if lang == "ar" else "name_fr"
province_col = "province_ar" if lang == "ar" else "province_fr"
out = pd.DataFrame({
    state.t("communes.name"): tab[name_col].to_numpy(),
    state.t("communes.code"): tab["code"].astype(str).to_numpy(),
    state.t("communes.province"): tab[province_col].to_numpy(),
    state.t("communes.type"): [state.t(f"area.{a}") for a in tab["type"]],
})
decimals: dict[str, int] = {}
for ind_id in st.session_state["c_indicators"]:
    ind = inds[ind_id]
    header = ind.label_in(lang)
    if ind.year != 2024 and str(ind.year) not in header:
        header += f" ({ind.year})"
    if ind.estimated and state.t("app.estimated") not in header:
        header += f" ({state.t('app.estimated')})"
    unit = ind.unit_in(lang)
    if unit:
        header += f" [{unit}]"
    out[header] = pd.to_numeric(tab[ind_id], errors="coerce").round(ind.decimals).to_numpy()
    decimals[header] = ind.decimals

st.caption(state.t("communes.caption", n=format_number(len(out), lang)))
# numbers written in the interface language; sorting still uses the values
shown = out[list(reversed(out.columns))] if is_rtl(lang) else out
st.dataframe(
    shown.style.format({c: (lambda v, d=d: format_number(v, lang, d))
                        for c, d in decimals.items()}),
    hide_index=True, height=560,
)
st.download_button(
    state.t("communes.download"),
    data=to_csv(out),
    file_name="communes_marrakech_safi.csv",
    mime="text/csv",
)
