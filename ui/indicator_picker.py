"""Indicator choice shared by the map and the communes pages: catalogue grouped by theme."""

from __future__ import annotations

import streamlit as st

from mapping.catalogue import Indicator
from mapping.i18n import t
from mapping.indicators import GROUPS, catalogue
from mapping.schema import CYCLES
from ui import state

DEFAULT_INDICATOR = "schooling_rate_6_to_11"


#: Themes whose indicators belong to one school cycle (named in their id).
CYCLE_THEMES = ("supply", "access", "planning")


def cycle_of(ind: Indicator) -> str | None:
    """The school cycle an indicator is about (``None`` when it is about every cycle)."""
    if ind.theme not in CYCLE_THEMES and not ind.id.startswith("school_age_"):
        return None
    found = [c for c in CYCLES if c in ind.id]
    return max(found, key=len) if found else None


def available() -> dict[str, Indicator]:
    """Catalogue indicators present in the commune table, ordered by theme.

    When the sidebar filters cycles, indicators of the other cycles are left out,
    so a table or a map never mixes the chosen cycle with the others. Shared
    (cached by table and cycles): read it, do not change it.
    """
    return _available(state.table_key(), tuple(sorted(state.selection().cycles)))


@st.cache_resource(show_spinner=False, max_entries=64)
def _available(table_key: str, cycles_key: tuple[str, ...]) -> dict[str, Indicator]:
    cols = set(state.table().columns)
    cycles = set(cycles_key)
    inds = [ind for ind in catalogue().values() if ind.id in cols
            and (not cycles or cycle_of(ind) in (None, *cycles))]
    order = {theme: i for i, theme in enumerate(GROUPS)}
    inds.sort(key=lambda ind: order.get(ind.theme, len(order)))
    return {ind.id: ind for ind in inds}


def display_label(ind: Indicator, lang: str | None = None) -> str:
    """``Theme › Label`` with flags for 2014 figures and estimates."""
    lang = lang or state.lang()
    theme = GROUPS.get(ind.theme, {}).get(lang, ind.theme)
    label = ind.label_in(lang)
    estimated = t("app.estimated", lang)
    if ind.estimated and not any(w in label for w in (estimated, t("map.flag_estimated", lang))):
        label += f" ({estimated})"
    return f"{theme} › {label}"


@st.cache_resource(show_spinner=False, max_entries=64)
def _labels(table_key: str, cycles_key: tuple[str, ...], lang: str) -> dict[str, str]:
    # the select box formats every option at every run: once per table, cycles, language
    return {i: display_label(ind, lang) for i, ind in _available(table_key, cycles_key).items()}


def pick(key: str = "m_indicator") -> Indicator:
    """Select box over :func:`available`; the value lives in ``st.session_state[key]``."""
    table_key, cycles = state.table_key(), tuple(sorted(state.selection().cycles))
    inds = _available(table_key, cycles)
    labels = _labels(table_key, cycles, state.lang())
    if st.session_state.get(key) not in inds:
        st.session_state[key] = DEFAULT_INDICATOR if DEFAULT_INDICATOR in inds else next(iter(inds))
    st.selectbox(state.t("map.indicator"), list(inds), key=key, format_func=labels.__getitem__)
    return inds[str(st.session_state[key])]
