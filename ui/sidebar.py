"""Sidebar: language selector and the filters shared by every page.

The filters build one :class:`mapping.filters.Selection`, stored in
``st.session_state["selection"]`` and read by pages through
:func:`ui.state.selection`.
"""

from __future__ import annotations

import streamlit as st

from mapping.catalogue import LANGS
from mapping.filters import Selection
from mapping.i18n import LANGUAGE_NAMES, t
from mapping.numbers import format_int
from mapping.schema import AREA_TYPES, CYCLES, SECTORS
from ui import state


def language_selector() -> str:
    """Language radio buttons (French, Arabic, English); returns the chosen language."""
    if st.session_state.get("lang") not in LANGS:
        st.session_state["lang"] = "fr"
    st.sidebar.radio(
        "Langue · اللغة · Language",
        list(LANGS),
        key="lang",
        format_func=lambda code: LANGUAGE_NAMES[code],
        horizontal=True,
    )
    return state.lang()


def _province_names() -> dict[str, str]:
    provinces = state.region().provinces
    col = "name_ar" if state.lang() == "ar" else "name_fr"
    return dict(zip(provinces["province_code"], provinces[col], strict=True))


def _clean(key: str, options: list[str]) -> None:
    """Drop values no longer offered (e.g. cercles of a province just removed)."""
    value = st.session_state.get(key)
    if isinstance(value, list):
        kept = [v for v in value if v in options]
        if kept != value:
            st.session_state[key] = kept


def reset_filters() -> None:
    """Clear every filter (button callback)."""
    for key in ("f_provinces", "f_cercles", "f_cycles", "f_sectors"):
        st.session_state[key] = []
    st.session_state["f_search"] = ""
    st.session_state["f_area"] = ""


@st.cache_resource(show_spinner=False, max_entries=64)
def _cercles(provinces: tuple[str, ...]) -> tuple[str, ...]:
    """Cercle codes of the rural communes of *provinces* (all provinces when empty)."""
    communes = state.region().communes
    rural = communes[communes["cercle_code"].notna()]
    if provinces:
        rural = rural[rural["province_code"].isin(provinces)]
    return tuple(sorted(set(rural["cercle_code"])))


def filters() -> Selection:
    """Draw the filters in the sidebar and store the resulting selection."""
    communes = state.region().communes
    provinces = _province_names()
    lang = state.lang()
    sb = st.sidebar
    sb.header(state.t("ui.filters"))

    _clean("f_provinces", list(provinces))
    sb.multiselect(state.t("ui.province"), list(provinces), key="f_provinces",
                   placeholder=state.t("ui.choose"), select_all=False,
                   format_func=lambda c: provinces.get(c, c))
    chosen = st.session_state.get("f_provinces") or []

    cercles = list(_cercles(tuple(chosen)))
    _clean("f_cercles", cercles)
    sb.multiselect(
        state.t("ui.cercle"), cercles, key="f_cercles", placeholder=state.t("ui.choose"),
        select_all=False,
        format_func=lambda c: f"{c} — {provinces.get(c[:6], '')}",
    )
    sb.text_input(state.t("ui.search"), key="f_search", help=state.t("ui.search_help"))
    areas = ["", *AREA_TYPES]
    if st.session_state.get("f_area") not in areas:
        st.session_state["f_area"] = ""
    sb.radio(state.t("ui.area"), areas, key="f_area", horizontal=True,
             format_func=lambda a: t(f"area.{a}" if a else "ui.area_all", lang))
    _clean("f_cycles", list(CYCLES))
    sb.multiselect(state.t("ui.cycle"), list(CYCLES), key="f_cycles",
                   placeholder=state.t("ui.choose"), select_all=False,
                   format_func=lambda c: t(f"cycle.{c}", lang))
    _clean("f_sectors", list(SECTORS))
    sb.multiselect(state.t("ui.sector"), list(SECTORS), key="f_sectors",
                   placeholder=state.t("ui.choose"), select_all=False,
                   format_func=lambda s: t(f"sector.{s}", lang))
    sb.toggle(state.t("provenance.show_demo"), key="show_demo",
              help=state.t("provenance.show_demo_help"))
    sb.button(state.t("ui.reset"), on_click=reset_filters)

    selection = Selection(
        provinces=tuple(st.session_state.get("f_provinces") or ()),
        cercles=tuple(st.session_state.get("f_cercles") or ()),
        area=st.session_state.get("f_area") or None,
        cycles=tuple(st.session_state.get("f_cycles") or ()),
        sectors=tuple(st.session_state.get("f_sectors") or ()),
        search=str(st.session_state.get("f_search") or ""),
    )
    st.session_state["selection"] = selection
    n = int(state.commune_mask().sum())
    sb.caption(state.t("ui.selected", n=format_int(n, lang), total=format_int(len(communes), lang)))
    with sb.expander(state.t("ui.tiles")):
        st.text_input(state.t("ui.tiles"), key="tiles", help=state.t("ui.tiles_help"),
                      label_visibility="collapsed", placeholder="https://…/{z}/{x}/{y}.png")
    return selection
