"""Shared UI state: cached data, language, selection and the active registry.

Every page reads the same things through these functions, so the data is
loaded from disk once per server process and a filter change never reloads it.

Extra schools for demonstrations and tests: set the environment variable
``CARTE_SCOLAIRE_EXTRA_SCHOOLS`` to a CSV file with the canonical registry
columns (:data:`mapping.schema.REGISTRY_COLUMNS`); its rows are appended to the
default registry and labelled with the file name.

The registry every page reads is the active published registry of the school
database (:mod:`mapping.store`), or that registry as of a past date
(``st.session_state["registry_as_of"]``, a date); setting
``st.session_state["registry_source"]`` to ``"default"`` shows only the
embedded default registry, for demonstrations.
"""

from __future__ import annotations

import datetime as dt
import os
import weakref
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Literal, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from mapping import web
from mapping.datasets import Region, load_region
from mapping.errors import MappingError
from mapping.filters import Selection
from mapping.i18n import normalise_lang
from mapping.i18n import t as _t
from mapping.provenance import registry_name, without_demo
from mapping.registry import load_default_registry, to_registry
from mapping.registry import quality_shares as registry_quality_shares
from mapping.store import Store, default_url, open_store
from mapping.table import indicator_table
from mapping.themes import catalogue_key

#: Environment variable naming a CSV of schools appended to the default registry.
EXTRA_SCHOOLS_ENV = "CARTE_SCOLAIRE_EXTRA_SCHOOLS"
#: Environment variable with an optional XYZ tile URL (online basemap).
TILES_ENV = "CARTE_SCOLAIRE_TILES"

_T = TypeVar("_T")


#: Per session (its state object, weakly held): name -> (run, key, value) of :func:`this_run`.
_RUN_MEMOS: weakref.WeakKeyDictionary[object, dict[str, tuple[object, Hashable, object]]] = (
    weakref.WeakKeyDictionary())


def this_run(name: str, key: Hashable, compute: Callable[[], _T]) -> _T:
    """*compute()*, once per script run (and fragment run) and *key*.

    The pages ask for the registry, its label and the table's key many times per
    run; each answer goes through the store's cache and the environment. Within
    one run the answer cannot change, except through what *key* names; a change
    made by another process meanwhile shows at the next run. Outside a script run
    (tests, threads) nothing is remembered. The memo lives beside the session, not
    in ``st.session_state``: every keyed widget copies the whole session state.
    """
    ctx = get_script_run_ctx()
    if ctx is None:
        return compute()
    run = ctx.cursors  # a new dict at every (fragment) run
    memos = _RUN_MEMOS.setdefault(ctx.session_state, {})
    memo = memos.get(name)
    if memo is not None and memo[0] is run and memo[1] == key:
        return memo[2]  # type: ignore[return-value]
    value = compute()
    memos[name] = (run, key, value)
    return value


@st.cache_resource(show_spinner=False)
def region() -> Region:
    """The region, loaded once per server process."""
    return load_region()


def _extra_schools(path: str) -> gpd.GeoDataFrame:
    """Read the extra-schools CSV (canonical columns) as a registry."""
    df = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    return to_registry(df, name=Path(path).name)


def _with_extra(base: gpd.GeoDataFrame, extra_path: str) -> tuple[gpd.GeoDataFrame, str]:
    if not extra_path:
        return base, ""
    try:
        extra = _extra_schools(extra_path)
    except (OSError, ValueError) as exc:
        return base, str(exc)
    merged = gpd.GeoDataFrame(
        pd.concat([pd.DataFrame(base), pd.DataFrame(extra)], ignore_index=True),
        geometry="geometry", crs="EPSG:4326",
    )
    merged.attrs["key"] = f"{base.attrs.get('key', 'default')}+{extra.attrs.get('key', '')}"
    merged.attrs["name"] = f"{base.attrs.get('name', 'default')} + {extra.attrs['name']}"
    merged.attrs["store_version"] = base.attrs.get("store_version")
    return merged, ""


@st.cache_resource(show_spinner=False)
def _default_registry(extra_path: str) -> tuple[gpd.GeoDataFrame, str]:
    return _with_extra(load_default_registry(), extra_path)


def default_registry() -> gpd.GeoDataFrame:
    """The embedded default school registry, plus ``$CARTE_SCOLAIRE_EXTRA_SCHOOLS`` if set."""
    return _default_registry(os.environ.get(EXTRA_SCHOOLS_ENV, ""))[0]


def extra_schools_error() -> str:
    """Why the extra-schools file could not be read ("" when fine or unset)."""
    return _default_registry(os.environ.get(EXTRA_SCHOOLS_ENV, ""))[1]


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store | str:
    # keyed by the resolved URL, so a changed $CARTE_SCOLAIRE_STORE_DIR opens its own store
    try:
        return open_store(url)
    except (MappingError, OSError) as exc:
        return str(exc)
    except Exception as exc:  # a database driver error: shown, the app keeps running
        return f"{type(exc).__name__}: {exc}"


def _opened() -> Store | str:
    # the environment names the database; read once per run
    return this_run("store", None, lambda: _store(default_url()))


def store() -> Store | None:
    """The school database of this server process (``None`` when it cannot be opened)."""
    opened = _opened()
    return opened if isinstance(opened, Store) else None


def store_error() -> str:
    """Why the school database cannot be opened ("" when it can)."""
    opened = _opened()
    return "" if isinstance(opened, Store) else opened


@st.cache_resource(show_spinner=False, max_entries=8)
def _store_registry(url: str, version: int, as_of: str, extra_path: str) -> (
        tuple[gpd.GeoDataFrame, str]):
    # *version* (newest change id) keys the cache: a change made by any process shows
    # at the next rerun
    opened = store()
    assert opened is not None
    base = opened.current_registry(as_of=as_of or None)
    return _with_extra(base, extra_path)


def _version_this_run(opened: Store) -> int:
    """The store's version, asked once per script run (the pages read the registry
    several times per run; a change made meanwhile shows at the next run)."""
    return this_run("store_version", opened.url, opened.version)


def registry_as_of() -> dt.date | None:
    """The past date the pages show, or ``None`` for the current registry."""
    value = st.session_state.get("registry_as_of")
    return value if isinstance(value, dt.date) else None


def uses_store() -> bool:
    """Whether pages read the school database (not only the embedded default)."""
    return st.session_state.get("registry_source", "store") != "default" and store() is not None


def registry() -> gpd.GeoDataFrame:
    """The active school registry: the published one (or as of a date), else the default."""
    key = (st.session_state.get("registry_source"), registry_as_of(),
           os.environ.get(EXTRA_SCHOOLS_ENV, ""))
    return this_run("registry", key, _registry)


def _registry() -> gpd.GeoDataFrame:
    opened = store() if uses_store() else None
    if opened is None:
        return default_registry()
    as_of = registry_as_of()
    version = _version_this_run(opened)
    return _store_registry(opened.url, version, as_of.isoformat() if as_of else "",
                           os.environ.get(EXTRA_SCHOOLS_ENV, ""))[0]


def registry_label() -> str:
    """Name of the active registry, for captions and exports."""
    opened = store() if uses_store() else None
    if opened is None:
        return registry_name(registry().attrs.get("name", "default"), lang())
    as_of = registry_as_of()
    if as_of is not None:
        return t("store.label.as_of", date=as_of.isoformat(), backend=opened.backend)
    return t("store.label.published", backend=opened.backend)


def _registry_key(reg: gpd.GeoDataFrame) -> str:
    key = reg.attrs.get("key")
    return str(key) if key is not None else registry_label()


def _table_key(reg: gpd.GeoDataFrame) -> str:
    # the registry, and the catalogue's themes (an imported HCP layer adds columns);
    # the catalogue's key reads the themes folder: once per run
    return this_run("table_key", id(reg),
                     lambda: f"{_registry_key(reg)}|{catalogue_key()!r}")


@st.cache_resource(show_spinner=False, max_entries=8)
def _table(key: str, _registry: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    # *key* identifies the registry; the leading underscore keeps Streamlit from hashing it.
    # A resource, not data: every rerun reads this one frame instead of unpickling a copy
    # (pages select and copy from it, never write into it).
    return indicator_table(region(), _registry)


@st.cache_resource(show_spinner=False, max_entries=8)
def _web_table(key: str, _table: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    geom = web_geometry().reindex(_table["code"].to_numpy())
    return _table.set_geometry(gpd.GeoSeries(geom.to_numpy(), index=_table.index,
                                             crs=_table.crs))


def table_key() -> str:
    """What :func:`table` depends on (registry and catalogue), as a short cache key."""
    return _table_key(registry())


def quality_shares() -> dict[str, dict[str, float]]:
    """Shares of the active registry's schools by location and capacity quality (cached)."""
    reg = registry()
    return _quality_shares(_registry_key(reg), reg)


def located_count() -> int:
    """Schools of the active registry with a location (cached)."""
    reg = registry()
    return _located(_registry_key(reg), reg)


@st.cache_resource(show_spinner=False, max_entries=8)
def _located(key: str, _registry: gpd.GeoDataFrame) -> int:
    return int(_registry.geometry.notna().sum())


@st.cache_resource(show_spinner=False, max_entries=8)
def _quality_shares(key: str, _registry: gpd.GeoDataFrame) -> dict[str, dict[str, float]]:
    return registry_quality_shares(_registry)


def table() -> gpd.GeoDataFrame:
    """The commune table with every indicator, for the active registry (cached).

    A registry identifies itself by ``attrs["key"]`` (a content hash).
    """
    reg = registry()
    return _table(_table_key(reg), reg)


@st.cache_resource(show_spinner=False)
def web_communes() -> gpd.GeoDataFrame:
    """Communes with the simplified web geometry, computed once per server process."""
    return web.web_communes(region().communes)


@st.cache_resource(show_spinner=False)
def web_geometry() -> gpd.GeoSeries:
    """Simplified commune geometry for web maps, indexed by commune code (cached)."""
    communes = web_communes()
    return gpd.GeoSeries(communes.geometry.to_numpy(), index=communes["code"].to_numpy(),
                         crs=communes.crs)


@st.cache_resource(show_spinner=False)
def web_provinces() -> gpd.GeoDataFrame:
    """Province outlines dissolved from the web commune geometry (cached)."""
    return web.web_provinces(web_communes())


def selected_provinces(selection: Selection) -> gpd.GeoDataFrame:
    """Province outlines of *selection* (all provinces when it names none)."""
    provinces = web_provinces()
    if selection.provinces:
        provinces = provinces[provinces["province_code"].isin(selection.provinces)]
    return provinces


def web_table() -> gpd.GeoDataFrame:
    """:func:`table` with the simplified web geometry, for folium maps."""
    return _web_table(_table_key(registry()), table())


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


@st.cache_resource(show_spinner=False, max_entries=64)
def _selected_communes(key: str, sel_key: str, _tab: gpd.GeoDataFrame,
                       _sel: Selection) -> gpd.GeoDataFrame:
    # keyed by the registry and the selection's repr (a frozen dataclass of tuples)
    return _tab[_sel.commune_mask(_tab).to_numpy()]


def commune_mask(rows: Literal["communes", "table"] = "communes") -> np.ndarray:
    """Boolean mask of the current selection over the rows of the region's communes
    (``"communes"``) or of :func:`table` and :func:`web_table` (``"table"``, same rows).
    Shared (cached): do not change it."""
    sel = selection()
    if rows == "communes":
        return _commune_mask("communes", repr(sel), region().communes, sel)
    return _commune_mask(table_key(), repr(sel), table(), sel)


@st.cache_resource(show_spinner=False, max_entries=128)
def _commune_mask(frame_key: str, sel_key: str, _frame: gpd.GeoDataFrame,
                  _sel: Selection) -> np.ndarray:
    mask = _sel.commune_mask(_frame).to_numpy()
    mask.setflags(write=False)
    return mask


def selected_communes() -> gpd.GeoDataFrame:
    """Rows of :func:`table` in the current selection (shared: select or copy, never write)."""
    sel = selection()
    return _selected_communes(_table_key(registry()), repr(sel), table(), sel)


@st.cache_resource(show_spinner=False, max_entries=64)
def _selected_schools(key: str, sel_key: str, demo: bool, _reg: gpd.GeoDataFrame,
                      _codes: frozenset[str], _sel: Selection) -> gpd.GeoDataFrame:
    shown = _reg[_sel.school_mask(_reg, set(_codes)).to_numpy()]
    return shown if demo else without_demo(shown)


def selected_schools() -> gpd.GeoDataFrame:
    """Schools of the active registry in the current selection (communes, cycle, sector)."""
    reg = registry()
    if len(reg) == 0:
        return reg
    sel = selection()
    codes = frozenset(selected_communes()["code"])
    return _selected_schools(_registry_key(reg), repr(sel), bool(st.session_state.get("show_demo")),
                             reg, codes, sel)


def tiles_url() -> str | None:
    """Optional tile URL: the sidebar setting, else ``$CARTE_SCOLAIRE_TILES``."""
    url = str(st.session_state.get("tiles") or os.environ.get(TILES_ENV, "")).strip()
    return url or None
