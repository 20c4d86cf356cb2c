"""Exchange page: validate and import a delivery package, diff two deliveries, reconcile.

Everything is computed by :mod:`mapping.exchange`; this page only shows it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from mapping import web
from mapping.errors import MappingError
from mapping.exchange import (
    diff_registries,
    import_aref,
    import_hcp,
    open_package,
    package_registry,
    validate_package,
)
from mapping.exchange.issue_text import translate_issues
from mapping.exchange.reconcile import commune_summary, reconcile
from mapping.exports import to_csv
from mapping.i18n import is_rtl
from mapping.numbers import format_number, formatters
from mapping.web import esc
from ui import auth, state
from ui.mapview import render as mapview

T = state.t
_KIND_COLORS = {"none": "#f0f0f0", "low": "#fdd49e", "medium": "#fc8d59", "high": "#b30000"}
_CHANGE_COLORS = {"none": "#f0f0f0", "changed": "#6baed6", "many": "#08519c"}


#: Column → message key of its header, for the tables a person reads.
_HEADERS = {
    "code": "table.col.commune_code", "commune_code": "table.col.commune_code",
    "cycle": "table.col.cycle", "school_id": "table.col.school_id",
    "name_fr": "table.col.school", "type": "table.col.discrepancy",
    "severity": "table.col.severity", "registry_value": "table.col.registry_value",
    "hcp_value": "table.col.hcp_value", "discrepancies": "table.col.discrepancies",
    "high": "table.col.high", "types": "table.col.types", "kind": "table.col.change",
    "lon": "table.col.lon", "lat": "table.col.lat", "resource": "table.col.table",
    "read": "table.col.read", "valid": "table.col.valid", "invalid": "table.col.invalid",
    "row": "table.col.row", "field": "table.col.field", "value": "table.col.value",
    "message": "table.col.message",
}
#: Column → prefix of the message key of each value (codes shown as words).
_VALUES = {"cycle": "cycle.", "type": "exchange.type.", "severity": "exchange.severity.",
           "kind": "table.change."}


def _word(prefix: str, value: object) -> object:
    if not isinstance(value, str) or not value:
        return value
    key = prefix + value
    text = T(key)
    return value if text == key else text


def _worded(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of *frame* for a download: codes and numbers kept, coded words translated."""
    out = frame.copy()
    for col, prefix in _VALUES.items():
        if col in out:
            out[col] = out[col].map(lambda v, p=prefix: _word(p, v))
    return out


def _figure(value: object, lang: str) -> object:
    """A number of a mixed column written for *lang* (text and empty cells unchanged)."""
    if isinstance(value, (bool, str)) or value is None:
        return value
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return value
    return format_number(f, lang, 0 if f.is_integer() else 2) if f == f else None


def _readable(frame: pd.DataFrame, decimals: Mapping[str, int] | None = None,
              headers: Mapping[str, str] | None = None) -> None:
    """Show *frame* for a person: translated headers and codes, numbers of the locale.

    Machine codes stay in their own columns (commune and school codes); the
    downloads keep the machine table.
    """
    lang = state.lang()
    out = frame.copy()
    for col, prefix in _VALUES.items():
        if col in out:
            out[col] = out[col].map(lambda v, p=prefix: _word(p, v))
    if "types" in out:
        out["types"] = out["types"].map(lambda v: ", ".join(
            str(_word("exchange.type.", x.strip())) for x in str(v).split(",")) if v else v)
    for col in ("registry_value", "hcp_value", "value"):
        if col in out:
            out[col] = out[col].map(lambda v: _figure(v, lang))
    names = {c: T(k) for c, k in {**_HEADERS, **(headers or {})}.items() if c in out}
    out = out.rename(columns=names)
    numbers = {names.get(c, c): d for c, d in (decimals or {}).items() if c in frame}
    if is_rtl(lang):
        out = out[list(reversed(out.columns))]
    st.dataframe(out.style.format(formatters(lang, numbers)), hide_index=True)


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
        _readable(pd.DataFrame([vars(c) for c in receipt.counts]),
                  {"read": 0, "valid": 0, "invalid": 0})
    if receipt.issues:
        issues = translate_issues(receipt.issues_frame(), state.lang())
        _readable(issues, {"row": 0}, headers={"code": "table.col.error_code"})
        st.download_button(T("exchange.ui.receipt"), to_csv(issues),
                           f"{Path(receipt.name).stem}_receipt.csv", mime="text/csv",
                           key="exchange_receipt")
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
        valid = _receipt(path)
        producer = open_package(path).meta.producer if valid else None
        if producer == "hcp" and auth.can("edit") and st.button(T("exchange.ui.import_hcp")):
            auth.require_page("edit")
            try:
                layer, _file = import_hcp(path)
            except MappingError as exc:
                st.error(esc(exc))
            else:
                st.success(T("exchange.ui.imported_hcp", version=esc(layer.version),
                             n=len(layer.indicators)))
        if producer == "aref":
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
            st.metric(T("exchange.ui.changes"), format_number(len(events), state.lang()))
            _readable(events, {"lon": 5, "lat": 5})
            per = events.groupby("commune_code").size()
            _commune_map("exchange_diff_map",
                         per.map(lambda n: "many" if n > 2 else "changed"),
                         _CHANGE_COLORS, T("exchange.ui.tab_diff"))
            st.download_button(T("exchange.ui.download"), to_csv(_worded(events)), "diff.csv",
                               mime="text/csv")

with tab_rec:
    found = reconcile(state.region(), state.registry())
    summary = commune_summary(found)
    lang = state.lang()
    st.metric(T("exchange.ui.discrepancies"), format_number(len(found), lang))
    shown = found[["code", "cycle", "school_id", "type", "severity", "registry_value",
                   "hcp_value", f"explanation_{lang}"]]
    _readable(shown, headers={f"explanation_{lang}": "table.col.explanation"})
    worst = found.dropna(subset=["code"]).assign(
        _r=lambda d: d["severity"].map({"high": 3, "medium": 2, "low": 1}))
    level = worst.sort_values("_r").groupby("code")["severity"].last()
    _commune_map("exchange_reconcile_map", level, _KIND_COLORS, T("exchange.ui.tab_reconcile"))
    st.download_button(T("exchange.ui.download"), to_csv(_worded(found)), "reconciliation.csv",
                       mime="text/csv")
    _readable(summary, {"discrepancies": 0, "high": 0})
