"""Shared UI state: cached data, language, selection and the active registry.

Every page reads the same things through these functions, so the data is
loaded from disk once per server process and a filter change never reloads it.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from mapping.datasets import Region, load_region
from mapping.filters import Selection
from mapping.i18n import normalise_lang
from mapping.i18n import t as _t
from mapping.schema import REGISTRY_COLUMNS
from mapping.table import indicator_table


@st.cache_resource(show_spinner=False)
def region() -> Region:
    """The region, loaded once per server process."""
    return load_region()


@st.cache_resource(show_spinner=False)
def default_registry() -> gpd.GeoDataFrame:
    """The embedded default school registry (empty until one is available)."""
    try:
        from mapping.registry import load_default_registry
    except ImportError:
        return gpd.GeoDataFrame(
            pd.DataFrame(columns=list(REGISTRY_COLUMNS)), geometry=[], crs="EPSG:4326"
        )
    return load_default_registry()


def registry() -> gpd.GeoDataFrame:
    """The active school registry: an imported one if any, else the default."""
    active = st.session_state.get("registry")
    return active if active is not None else default_registry()


def registry_label() -> str:
    """Name of the active registry, for captions and exports."""
    return str(st.session_state.get("registry_name", "default"))


@st.cache_data(show_spinner=False, max_entries=8)
def _table(key: str, _registry: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    # *key* identifies the registry; the leading underscore keeps Streamlit from hashing it
    return indicator_table(region(), _registry)


def table() -> gpd.GeoDataFrame:
    """The commune table with every indicator, for the active registry (cached).

    A registry identifies itself by ``attrs["key"]`` (a content hash).
    """
    reg = registry()
    return _table(str(reg.attrs.get("key", registry_label())), reg)


def lang() -> str:
    """The interface language (``fr``, ``ar`` or ``en``)."""
    return normalise_lang(st.session_state.get("lang") or st.query_params.get("lang"))


def t(key: str, **kwargs: object) -> str:
    """Translate *key* into the interface language."""
    return _t(key, lang(), **kwargs)


def selection() -> Selection:
    """The current selection, as set by the sidebar filters."""
    sel = st.session_state.get("selection")
    return sel if isinstance(sel, Selection) else Selection()
