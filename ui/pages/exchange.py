"""Exchange page: validate and import a delivery package, diff two deliveries, reconcile.

Everything is computed by :mod:`mapping.exchange`; this page only shows it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from mapping import web
from mapping.errors import MappingError
from mapping.exchange import (
    diff_registries,
    import_aref,
    open_package,
    package_registry,
    validate_package,
)
from mapping.exchange.reconcile import commune_summary, reconcile
from mapping.exports import to_csv
from mapping.web import esc
from ui import auth, state
from ui.mapview import render as mapview

T = state.t
_KIND_COLORS = {"none": "#f0f0f0", "low": "#fdd49e", "medium": "#fc8d59", "high": "#b30000"}
_CHANGE_COLORS = {"none": "#f0f0f0", "changed": "#6baed6", "many": "#08519c"}


def _saved(upload: object) -> Path:
    data = upload.getvalue()  # type: ignore[attr-defined]
    folder = Path(tempfile.mkdtemp(prefix="exchange-"))
    path = folder / Path(str(upload.name)).name  # type: ignore[attr-defined]
    path.write_bytes(data)
    return path


def _receipt(path: Path) -> bool:
    receipt = validate_package(path, state.region().communes["code"].tolist())
    if receipt.valid:
        st.success(T("exchange.ui.valid", name=receipt.name))
    else:
        st.error(T("exchange.ui.invalid", name=receipt.name, n=len(receipt.issues)))
    if receipt.meta is not None:
        m = receipt.meta
        st.caption(T("exchange.ui.meta", producer=m.producer.upper(), period=m.period,
                     created=m.created, version=m.schema_version))
    if receipt.counts:
        st.dataframe(pd.DataFrame([vars(c) for c in receipt.counts]), hide_index=True)
    if receipt.issues:
        st.dataframe(receipt.issues_frame(), hide_index=True)
    return receipt.valid


def _commune_map(key: str, values: pd.Series, colors: dict[str, str], name: str) -> None:
    frame = state.web_communes().copy()
    cats = [str(values.get(c, "none")) for c in frame["code"]]
    tips = [f"{esc(web.commune_name(r, state.lang()))}: {esc(T('exchange.ui.cat.' + c))}"
            for r, c in zip(frame.itertuples(index=False), cats, strict=True)]
    mapview.show_map(key, web.Categories(frame, cats, colors, tips, name=name), height=480)


st.title(T("exchange.ui.title"))
st.markdown(T("exchange.ui.intro"))
tab_pkg, tab_diff, tab_rec = st.tabs([T("exchange.ui.tab_package"), T("exchange.ui.tab_diff"),
                                      T("exchange.ui.tab_reconcile")])

with tab_pkg:
    upload = st.file_uploader(T("exchange.ui.upload"), type=["zip"], key="exchange_pkg")
    if upload is not None:
        path = _saved(upload)
        if _receipt(path) and open_package(path).meta.producer == "aref":
            store = state.store()
            if store is None:
                st.info(T("exchange.ui.no_store"))
            elif auth.can("edit") and st.button(T("exchange.ui.import")):
                who = auth.require_page("edit")
                try:
                    done = import_aref(store, who, path)
                except MappingError as exc:
                    st.error(esc(exc))
                else:
                    st.success(T("exchange.ui.imported", id=done.delivery_id))

with tab_diff:
    old_up = st.file_uploader(T("exchange.ui.old"), type=["zip"], key="exchange_old")
    new_up = st.file_uploader(T("exchange.ui.new"), type=["zip"], key="exchange_new")
    if new_up is not None:
        try:
            new = package_registry(open_package(_saved(new_up)))
            old: gpd.GeoDataFrame = (package_registry(open_package(_saved(old_up)))
                                     if old_up is not None else state.registry())
        except MappingError as exc:
            st.error(esc(exc))
        else:
            diff = diff_registries(old, new)
            events = diff.events(old, new)
            st.metric(T("exchange.ui.changes"), len(events))
            st.dataframe(events, hide_index=True)
            per = events.groupby("commune_code").size()
            _commune_map("exchange_diff_map",
                         per.map(lambda n: "many" if n > 2 else "changed"),
                         _CHANGE_COLORS, T("exchange.ui.tab_diff"))
            st.download_button(T("exchange.ui.download"), to_csv(events), "diff.csv",
                               mime="text/csv")

with tab_rec:
    found = reconcile(state.region(), state.registry())
    summary = commune_summary(found)
    st.metric(T("exchange.ui.discrepancies"), len(found))
    lang = state.lang()
    shown = found[["code", "cycle", "school_id", "type", "severity", "registry_value",
                   "hcp_value", f"explanation_{lang}"]]
    st.dataframe(shown, hide_index=True)
    worst = found.dropna(subset=["code"]).assign(
        _r=lambda d: d["severity"].map({"high": 3, "medium": 2, "low": 1}))
    level = worst.sort_values("_r").groupby("code")["severity"].last()
    _commune_map("exchange_reconcile_map", level, _KIND_COLORS, T("exchange.ui.tab_reconcile"))
    st.download_button(T("exchange.ui.download"), to_csv(found), "reconciliation.csv",
                       mime="text/csv")
    st.dataframe(summary, hide_index=True)
