"""Map page: choropleth of any catalogue indicator, school points, commune panel."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from mapping import web
from mapping.catalogue import Indicator
from mapping.classify import MAX_CLASSES, MIN_CLASSES, SCHEMES, classify
from mapping.i18n import t
from mapping.numbers import format_int, format_percent
from ui import commune_panel, indicator_picker, state, viewstate
from ui.mapview import render as mapview

lang = state.lang()


def _shares_text(shares: dict[str, float]) -> str:
    """``"inferred from the census 60 %, fictitious 40 %"`` in the interface language."""
    sep = "، " if lang == "ar" else ", "
    return sep.join(f"{state.t('quality.' + level)} {format_percent(share, lang, 0, share=True)}"
                    for level, share in sorted(shares.items(), key=lambda kv: -kv[1]))


st.title(state.t("nav.map"))

if err := state.extra_schools_error():
    st.warning(state.t("ui.extra_schools_error", path="$" + state.EXTRA_SCHOOLS_ENV,
                       message=err))

known_codes: set[str] = set()


def _on_map_event() -> None:
    click = mapview.current_events("main_map").commune_click
    if isinstance(click, dict) and click.get("code") in known_codes:
        st.session_state["commune"] = click["code"]


@st.fragment
def _map_view() -> None:
    """Indicator, classes, map and commune panel: changing the indicator or clicking a
    commune reruns only this part of the page (the sidebar filters rerun the page)."""
    c1, c2, c3 = st.columns([3, 2, 1])
    with c1:
        indicator = indicator_picker.pick("m_indicator")
    with c2:
        if st.session_state.get("m_scheme") not in SCHEMES:
            st.session_state["m_scheme"] = "quantiles"
        scheme = st.selectbox(state.t("map.scheme"), list(SCHEMES), key="m_scheme",
                              format_func=lambda s: t(f"map.scheme.{s}", lang))
    with c3:
        if not MIN_CLASSES <= int(st.session_state.setdefault("m_k", 5)) <= MAX_CLASSES:
            st.session_state["m_k"] = 5
        k = st.slider(state.t("map.classes"), MIN_CLASSES, MAX_CLASSES, key="m_k",
                      disabled=scheme == "manual")

    manual_breaks: list[float] | None = None
    if scheme == "manual":
        st.text_input(state.t("map.breaks"), key="m_breaks", placeholder="10; 20; 50")
        manual_breaks = []
        for part in str(st.session_state.get("m_breaks") or "").replace(",", ".").split(";"):
            if not part.strip():
                continue
            try:
                manual_breaks.append(float(part))
            except ValueError:
                st.error(state.t("map.breaks_invalid", value=part.strip()))
                manual_breaks = []
                break

    if indicator.year > 2024:
        st.warning(state.t("map.projection_note", year=indicator.year,
                           note=indicator.note.get(lang, "")))
    elif indicator.year != 2024:
        st.warning(state.t("map.year_note", year=indicator.year,
                           note=indicator.note.get(lang, "")))
    elif indicator.estimated:
        st.info(state.t("map.estimated_note", note=indicator.note.get(lang, "")))

    full = state.web_table()
    mask = state.commune_mask("table")
    if not mask.any():
        st.warning(state.t("ui.none_selected"))
        st.stop()

    if scheme == "manual" and not manual_breaks:
        scheme = "quantiles"
    try:
        choropleth = _choropleth(state.table_key(), indicator.id, repr(state.selection()),
                                 scheme, k, tuple(manual_breaks or ()), full, indicator, mask)
    except ValueError as exc:
        st.error(state.t("ui.error", message=str(exc)))
        st.stop()

    schools = state.selected_schools()
    known_codes.clear()
    known_codes.update(full["code"])
    _map_and_panel(choropleth, schools, indicator)
    viewstate.sync_query()  # a fragment run does not reach the app's own sync


@st.cache_resource(show_spinner=False, max_entries=256)
def _choropleth(table_key: str, indicator_id: str, selection_key: str, scheme: str, k: int,
                manual_breaks: tuple[float, ...], _full: Any, _indicator: Indicator,
                _mask: Any) -> web.Choropleth:
    """Shown communes, regional ranks and classes of one indicator, shared by every
    session that maps the same thing (raises ValueError for unusable breaks)."""
    values = pd.to_numeric(_full[indicator_id], errors="coerce")
    ranks = pd.Series(web.region_rank(values).to_numpy(), index=_full["code"].to_numpy())
    classification = classify(values[_mask], scheme, k,  # type: ignore[arg-type]
                              higher_is_better=_indicator.higher_is_better,
                              manual_breaks=list(manual_breaks) or None)
    return web.Choropleth(_full[_mask], _indicator, classification, ranks=ranks,
                          region_size=int(values.notna().sum()))


def _map_and_panel(choropleth: web.Choropleth, schools: Any, indicator: Indicator) -> None:
    """The map and the commune panel."""
    map_col, panel_col = st.columns([3, 2])
    code = st.session_state.get("commune")
    with map_col:
        mapview.show_map("main_map", choropleth, schools=schools, height=620,
                         selected=code if code in known_codes else None,
                         on_event=_on_map_event)
        st.caption(state.t("map.click_hint"))

        reg = state.registry()
        n = len(reg)
        if n:
            shares = state.quality_shares()
            located = state.located_count()
            st.caption(state.t(
                "map.registry", name=state.registry_label(), n=format_int(n, lang),
                located=format_int(located, lang),
                location=_shares_text(shares["location_quality"]),
                capacity=_shares_text(shares["capacity_quality"]),
            ))
            if located < n:
                st.caption(state.t("map.located_note", n=format_int(n - located, lang)))
        else:
            st.caption(state.t("map.registry_empty", name=state.registry_label()))

    with panel_col:
        if code and code in known_codes:
            commune_panel.show(code, indicator)
            if st.button(state.t("panel.clear")):
                st.session_state["commune"] = None
                st.rerun(scope="fragment")
        else:
            st.info(state.t("map.click_hint"))




_map_view()
