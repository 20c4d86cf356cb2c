"""The view state (language, filters, indicator, classification) mirrored in the URL.

Widgets keep their values in ``st.session_state`` under the keys of
:data:`VIEW_KEYS`. On a session's first run the values are read from the query
string, so a copied link reproduces the view; at the end of every run they are
written back (defaults omitted). The page itself is the URL path
(``st.navigation``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

#: Session key -> (query parameter, kind, default). Kinds: "str", "list", "int".
VIEW_KEYS: dict[str, tuple[str, str, Any]] = {
    "lang": ("lang", "str", "fr"),
    "f_provinces": ("prov", "list", []),
    "f_cercles": ("cercle", "list", []),
    "f_search": ("q", "str", ""),
    "f_area": ("area", "str", ""),
    "f_cycles": ("cycle", "list", []),
    "f_sectors": ("sector", "list", []),
    "m_indicator": ("ind", "str", ""),
    "m_scheme": ("scheme", "str", "quantiles"),
    "m_k": ("k", "int", 5),
    "m_breaks": ("breaks", "str", ""),
}

_LOADED = "_view_loaded"


def _decode(kind: str, raw: str) -> Any:
    if kind == "list":
        return [v for v in raw.split(",") if v]
    if kind == "int":
        return int(raw)
    return raw


def _encode(kind: str, value: Any) -> str:
    if kind == "list":
        return ",".join(str(v) for v in value)
    return str(value)


def restore(validators: dict[str, Callable[[Any], Any]] | None = None) -> None:
    """Load the view from the query string once per session and keep widget values alive.

    Parameters
    ----------
    validators
        Optional session key -> function returning a cleaned value (or ``None``
        to drop it), applied to values read from the URL.
    """
    validators = validators or {}
    if not st.session_state.get(_LOADED):
        st.session_state[_LOADED] = True
        for key, (param, kind, _default) in VIEW_KEYS.items():
            raw = st.query_params.get(param)
            if raw is None or raw == "":
                continue
            try:
                value = _decode(kind, raw)
            except ValueError:
                continue
            check = validators.get(key)
            if check is not None:
                value = check(value)
            if value is not None:
                st.session_state[key] = value
    # re-assigning keeps widget values when a page that owns them is not shown
    for key in VIEW_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def sync_query() -> None:
    """Write the current view into the query string (values equal to defaults omitted)."""
    wanted: dict[str, str] = {}
    for key, (param, kind, default) in VIEW_KEYS.items():
        value = st.session_state.get(key, default)
        if value is None or value == default:
            continue
        wanted[param] = _encode(kind, value)
    current = {k: st.query_params.get(k) for k in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)
