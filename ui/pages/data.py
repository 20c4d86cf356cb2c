"""Data page: which registry the pages show, deliveries (upload → report → preview →
publish), past deliveries with their report and rejected rows, templates."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pandas as pd
import streamlit as st

from mapping.errors import MappingError
from mapping.exports import to_csv
from mapping.numbers import format_auto, format_int, format_percent, formatters
from mapping.registry import RegistryImport, quality_shares, read_registry
from mapping.registry.columns import TARGETS
from mapping.registry.readers import MAX_BYTES, SUFFIXES
from mapping.registry.template import template_csv, template_xlsx
from mapping.report_text import translate_rejected, translate_report, translate_schools
from mapping.settings import CRS_LAMBERT_NORD, CRS_LAMBERT_SUD, CRS_STORAGE
from mapping.store import Store
from ui import auth, state
from ui.mapview import places

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")
_CRS_CHOICES = ("", CRS_STORAGE, CRS_LAMBERT_NORD, CRS_LAMBERT_SUD)


def _md(text: object) -> str:
    """Escape *text* for Markdown (file names and values come from users)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def _pct(shares: dict[str, float], key: str) -> str:
    return format_percent(shares.get(key, 0.0), state.lang(), 0, share=True)


def _n(value: object) -> str:
    return format_int(value, state.lang())


def _cell(value: object) -> str:
    """A cell of a mixed text-and-number column (old/new values) written as text."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_auto(value, state.lang())
    return str(value)


def _active_registry() -> None:
    reg = state.registry()
    name = state.registry_label()
    st.subheader(state.t("registry.active", name=_md(name), n=_n(len(reg))))
    shares = quality_shares(reg)
    loc, cap = shares["location_quality"], shares["capacity_quality"]
    st.caption(state.t(
        "registry.shares", inferred=_pct(loc, "inferred_census"),
        fictitious=_pct(loc, "fictitious"), imported=_pct(loc, "imported"),
        estimated=_pct(cap, "estimated"),
    ))
    if not state.uses_store():
        st.info(state.t("registry.default_note"))


def _source() -> None:
    """Choose the registry every page shows: published (now or as of a date) or default."""
    error = state.store_error()
    if error:
        st.warning(state.t("store.unavailable", message=_md(error)))
        return
    options = ["store", "default"]
    current = st.session_state.get("registry_source", "store")
    choice = st.radio(state.t("store.source.label"), options,
                      index=options.index(current) if current in options else 0,
                      format_func=lambda v: state.t(f"store.source.{v}"), key="store_source_w")
    st.session_state["registry_source"] = choice
    if choice != "store":
        st.session_state["registry_as_of"] = None
        return
    st.session_state.setdefault("store_as_of_on", state.registry_as_of() is not None)
    st.session_state.setdefault("store_as_of_date", state.registry_as_of() or dt.date.today())
    past = st.checkbox(state.t("store.as_of.use"), key="store_as_of_on")
    if past:
        date = st.date_input(state.t("store.as_of.label"), key="store_as_of_date")
        st.session_state["registry_as_of"] = date if isinstance(date, dt.date) else None
        st.caption(state.t("store.as_of.caption", date=str(date)))
    else:
        st.session_state["registry_as_of"] = None


def _templates() -> None:
    st.subheader(state.t("registry.template"))
    st.caption(state.t("registry.template_help"))
    c1, c2 = st.columns(2)
    c1.download_button(state.t("registry.template_csv"), template_csv(),
                       file_name="registry_template.csv", mime="text/csv", key="reg_tpl_csv")
    c2.download_button(
        state.t("registry.template_xlsx"), template_xlsx(), file_name="registry_template.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="reg_tpl_xlsx",
    )


def _read(data: bytes, name: str, crs: str, column_map: dict[str, str] | None) -> (
        RegistryImport | None):
    digest = hashlib.sha256(data).hexdigest()
    key = f"{digest}|{name}|{crs}|{sorted((column_map or {}).items())}"
    cache = st.session_state.setdefault("registry_imports", {})
    if key in cache:
        return cache[key]  # type: ignore[no-any-return]
    try:
        result = read_registry(data, name, crs=crs or None, column_map=column_map,
                               region=state.region(), max_bytes=MAX_BYTES)
    except MappingError as exc:
        st.error(state.t("registry.read_error", message=_md(exc)))
        return None
    except Exception as exc:  # never let a bad file break the page
        st.error(state.t("registry.unexpected_error", message=_md(f"{type(exc).__name__}: {exc}")))
        return None
    cache.clear()  # keep one import in memory
    cache[key] = result
    return result


def _mapping_editor(result: RegistryImport, file_key: str) -> None:
    options = ["", *TARGETS]
    with st.expander(state.t("registry.mapping"), expanded=result.unsure):
        chosen: dict[str, str] = {}
        for i, column in enumerate(result.columns):
            current = result.column_map.get(column, "")
            target = st.selectbox(
                column, options, index=options.index(current) if current in options else 0,
                key=f"reg_map_{file_key}_{i}",
                format_func=lambda v: v or state.t("registry.mapping_ignore"),
            )
            if target:
                chosen[column] = target
        if st.button(state.t("registry.mapping_apply"), key=f"reg_map_apply_{file_key}"):
            st.session_state.setdefault("registry_maps", {})[file_key] = chosen
            st.rerun()


def _report(result: RegistryImport) -> None:
    s = result.summary
    st.markdown(state.t("registry.summary", read=_n(s["rows_read"]), accepted=_n(s["accepted"]),
                        rejected=_n(s["rejected"]), warnings=_n(s["warnings"])))
    joined = s.get("joined") or {}
    assert isinstance(joined, dict)
    st.caption(state.t("registry.joined", point=_n(joined.get("point", 0)),
                       code=_n(joined.get("code", 0)), name=_n(joined.get("name", 0))))
    if s.get("crs"):
        how = state.t("registry.crs_detected" if s.get("crs_detected") else "registry.crs_given")
        st.caption(state.t("registry.crs_used", crs=_md(s["crs"]), how=how))
    if result.ministry:
        st.info(state.t("registry.ministry"))
    st.subheader(state.t("registry.issues"))
    if result.issues.empty:
        st.success(state.t("registry.no_issues"))
    else:
        issues = translate_report(result.issues, state.lang())
        st.dataframe(issues, hide_index=True, width="stretch")
        st.download_button(
            state.t("registry.download_report"),
            to_csv(issues),
            file_name="registry_report.csv", mime="text/csv", key="reg_dl_report",
        )
    if len(result.rejected):
        st.subheader(state.t("registry.rejected"))
        rejected = translate_rejected(result.rejected, result.issues, state.lang())
        st.dataframe(rejected, hide_index=True, width="stretch")
        st.download_button(
            state.t("registry.download_rejected"),
            to_csv(rejected),
            file_name="registry_rejected.csv", mime="text/csv", key="reg_dl_rejected",
        )


def _import() -> None:
    st.subheader(state.t("registry.upload"))
    upload = st.file_uploader(
        state.t("registry.upload"), key="reg_upload", label_visibility="collapsed",
        type=[suffix.lstrip(".") for suffix in SUFFIXES],
        help=state.t("registry.upload_help", mb=MAX_BYTES // (1024 * 1024)),
    )
    st.caption(state.t("registry.upload_help", mb=MAX_BYTES // (1024 * 1024)))
    crs = st.selectbox(state.t("registry.crs"), _CRS_CHOICES, key="reg_crs",
                       format_func=lambda c: c or state.t("registry.crs_auto"))
    if upload is None:
        return
    data = upload.getvalue()
    file_key = hashlib.sha256(data).hexdigest()[:12]
    column_map = st.session_state.get("registry_maps", {}).get(file_key)
    result = _read(data, upload.name, crs, column_map)
    if result is None:
        return
    if result.unsure:
        st.warning(state.t("registry.unsure", missing=_md(", ".join(result.missing))))
    _mapping_editor(result, file_key)
    _report(result)
    if len(result.schools):
        st.subheader(state.t("registry.schools"))
        st.dataframe(translate_schools(result.schools, state.lang()), hide_index=True,
                     width="stretch")
        places.registry_preview("reg_preview_map", result.schools)
        _deliver(result, upload.name, data)
    else:
        st.warning(state.t("registry.nothing_accepted"))


def _deliver(result: RegistryImport, name: str, data: bytes) -> None:
    """Save an import as a draft delivery of the school database."""
    store, who = state.store(), auth.actor()
    if store is None:
        return
    if who is None or not who.may("edit"):
        st.info(state.t("store.deliveries.need_publish"))
        return
    modes = ["partial", "full"]
    mode = st.radio(state.t("store.deliveries.mode"), modes, key="store_mode",
                    format_func=lambda m: state.t(f"store.deliveries.{m}"))
    note = st.text_input(state.t("store.deliveries.note"), key="store_note")
    if st.button(state.t("store.deliveries.create", n=_n(len(result.schools))), type="primary",
                 key="store_create"):
        try:
            delivery_id = store.create_delivery(
                who, result.schools, kind="file_import", mode=str(mode), source_name=name,
                source_sha256=hashlib.sha256(data).hexdigest(), summary=result.summary,
                issues=result.issues, rejected=result.rejected, note=note or None)
        except MappingError as exc:
            st.error(_md(exc))
            return
        st.session_state["store_draft"] = delivery_id
        st.success(state.t("store.deliveries.created", id=delivery_id))


def _preview(store: Store, delivery_id: int) -> None:
    """The changes a draft would make, and the publish button."""
    preview = store.preview(delivery_id)
    st.subheader(state.t("store.deliveries.preview", id=delivery_id))
    st.markdown(state.t("store.deliveries.counts",
                        **{k: _n(v) for k, v in preview.counts.items()}))
    table = preview.table()
    if len(table):
        for col in ("old", "new"):  # mixed text and numbers: shown as text
            table[col] = [_cell(v) for v in table[col]]
        table["change"] = [_word(f"table.op.{v}", v) for v in table["change"]]
        table["field"] = [_word(f"report.field.{v}", v) for v in table["field"]]
        heads = {"school_id": "table.col.school_id", "change": "table.col.change",
                 "field": "table.col.field", "old": "table.col.before",
                 "new": "table.col.after", "distance_m": "table.col.distance_m"}
        st.dataframe(table.style.format(formatters(state.lang(), {"distance_m": 0})),
                     hide_index=True, width="stretch",
                     column_config={c: st.column_config.Column(state.t(k))
                                    for c, k in heads.items() if c in table})
    who = auth.actor()
    if who is None or not who.may("publish"):
        st.info(state.t("store.deliveries.need_publish"))
        return
    if st.button(state.t("store.deliveries.publish", id=delivery_id), type="primary",
                 key=f"store_publish_{delivery_id}"):
        try:
            store.publish(who, delivery_id)
        except MappingError as exc:
            st.error(_md(exc))
            return
        st.session_state["store_draft"] = None
        st.success(state.t("store.deliveries.published", id=delivery_id))
        st.rerun()


def _word(key: str, value: object) -> object:
    """The translation of *key*, or *value* itself when the catalogue has none."""
    text = state.t(key)
    return value if text == key else text


def _deliveries_table(frame: pd.DataFrame) -> None:
    """The past deliveries for a person: translated headers and states, local numbers.

    Column names stay the store's (``delivery_id`` ...): the headers a person reads are
    set with ``column_config``.
    """
    lang = state.lang()
    shown = frame.drop(columns=["source_sha256"], errors="ignore").copy()
    for col, prefix in (("kind", "table.kind."), ("status", "table.status."),
                        ("mode", "store.deliveries.")):
        if col in shown:
            shown[col] = [_word(prefix + str(v), v) for v in shown[col]]
    for col in ("received_at", "published_at"):
        if col in shown:
            shown[col] = [v.strftime("%Y-%m-%d %H:%M") if hasattr(v, "strftime")
                          and v == v else "" for v in shown[col]]
    counts = [c for c in ("rows_read", "accepted", "rejected", "warnings") if c in shown]
    st.dataframe(shown.style.format(formatters(lang, dict.fromkeys(counts, 0))),
                 hide_index=True, width="stretch",
                 column_config={c: st.column_config.Column(state.t(f"table.delivery.{c}"))
                                for c in shown.columns})


def _deliveries() -> None:
    """Past deliveries: list, report and rejected rows to download, drafts to publish."""
    store = state.store()
    if store is None:
        return
    draft = st.session_state.get("store_draft")
    if isinstance(draft, int) and store.delivery(draft).status == "draft":
        _preview(store, draft)
    st.subheader(state.t("store.deliveries.past"))
    frame = store.deliveries()
    _deliveries_table(frame)
    if frame.empty:
        return
    ids = [int(i) for i in frame["delivery_id"]]
    chosen = st.selectbox(state.t("store.deliveries.pick"), ids, key="store_pick")
    if chosen is None:
        return
    delivery = store.delivery(int(chosen))
    c1, c2 = st.columns(2)
    c1.download_button(state.t("store.deliveries.download_report"),
                       to_csv(translate_report(store.delivery_issues(delivery.delivery_id),
                                               state.lang())),
                       file_name=f"delivery_{delivery.delivery_id}_report.csv",
                       mime="text/csv", key="store_dl_report")
    c2.download_button(state.t("store.deliveries.download_rejected"),
                       to_csv(store.delivery_rejected(delivery.delivery_id)),
                       file_name=f"delivery_{delivery.delivery_id}_rejected.csv",
                       mime="text/csv", key="store_dl_rejected")
    if delivery.status == "draft" and delivery.delivery_id != draft:
        _preview(store, delivery.delivery_id)


st.title(state.t("nav.data"))
_source()
_active_registry()
st.divider()
_import()
st.divider()
st.header(state.t("store.deliveries.title"))
_deliveries()
st.divider()
_templates()
