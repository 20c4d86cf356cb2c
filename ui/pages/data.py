"""Data page: the active school registry, registry import with validation report, templates."""

from __future__ import annotations

import hashlib
import re

import streamlit as st

from mapping.errors import MappingError
from mapping.exports import to_csv
from mapping.registry import RegistryImport, quality_shares, read_registry
from mapping.registry.columns import TARGETS
from mapping.registry.readers import MAX_BYTES
from mapping.registry.template import template_csv, template_xlsx
from mapping.report_text import translate_rejected, translate_report, translate_schools
from mapping.settings import CRS_LAMBERT_NORD, CRS_LAMBERT_SUD, CRS_STORAGE
from ui import state

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")
_CRS_CHOICES = ("", CRS_STORAGE, CRS_LAMBERT_NORD, CRS_LAMBERT_SUD)


def _md(text: object) -> str:
    """Escape *text* for Markdown (file names and values come from users)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def _pct(shares: dict[str, float], key: str) -> str:
    return f"{100 * shares.get(key, 0.0):.0f}"


def _active_registry() -> None:
    reg = state.registry()
    name = state.registry_label()
    st.subheader(state.t("registry.active", name=_md(name), n=f"{len(reg):,}"))
    shares = quality_shares(reg)
    loc, cap = shares["location_quality"], shares["capacity_quality"]
    st.caption(state.t(
        "registry.shares", inferred=_pct(loc, "inferred_census"),
        fictitious=_pct(loc, "fictitious"), imported=_pct(loc, "imported"),
        estimated=_pct(cap, "estimated"),
    ))
    if st.session_state.get("registry") is None:
        st.info(state.t("registry.default_note"))
    elif st.button(state.t("registry.back_default"), key="reg_back_default"):
        st.session_state["registry"] = None
        st.session_state["registry_name"] = None
        st.rerun()


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
    st.markdown(state.t("registry.summary", read=s["rows_read"], accepted=s["accepted"],
                        rejected=s["rejected"], warnings=s["warnings"]))
    joined = s.get("joined") or {}
    assert isinstance(joined, dict)
    st.caption(state.t("registry.joined", point=joined.get("point", 0),
                       code=joined.get("code", 0), name=joined.get("name", 0)))
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
        type=["csv", "txt", "xlsx", "geojson", "json", "gpkg", "zip"],
        help=state.t("registry.upload_help", mb=MAX_BYTES // 1_000_000),
    )
    st.caption(state.t("registry.upload_help", mb=MAX_BYTES // 1_000_000))
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
        if st.button(state.t("registry.activate", n=len(result.schools)), type="primary",
                     key="reg_activate"):
            st.session_state["registry"] = result.schools
            st.session_state["registry_name"] = upload.name
            st.success(state.t("registry.activated", name=_md(upload.name)))
            st.rerun()
    else:
        st.warning(state.t("registry.nothing_accepted"))


st.title(state.t("nav.data"))
_active_registry()
st.divider()
_import()
st.divider()
_templates()
