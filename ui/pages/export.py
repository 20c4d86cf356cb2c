"""Export page: printable maps (PNG/PDF), province atlases and data downloads."""

from __future__ import annotations

import io
from dataclasses import replace

import geopandas as gpd
import streamlit as st

from mapping import exports, printing, web
from mapping.classify import MAX_CLASSES, MIN_CLASSES, SCHEMES, classify
from mapping.filters import Selection
from mapping.i18n import LANGUAGE_NAMES, t
from mapping.indicators import get as get_indicator
from mapping.numbers import format_int
from mapping.printing import atlas
from mapping.provenance import demo_mark, has_fictitious, without_demo
from ui import indicator_picker, state

lang = state.lang()
st.title(state.t("export.page_title"))


def _registry_key() -> str:
    reg = state.registry()
    demo = "+demo" if st.session_state.get("show_demo") else ""
    return str(reg.attrs.get("key", state.registry_label())) + demo


@st.cache_data(show_spinner=False, max_entries=12)
def _map_files(key: str, indicator_id: str, selection: Selection, scheme: str, k: int,
               map_lang: str, orientation: str, labels: bool, schools: bool,
               _table: gpd.GeoDataFrame, _registry: gpd.GeoDataFrame,
               _provinces: gpd.GeoDataFrame) -> tuple[bytes, bytes, bytes]:
    """Preview PNG (low dpi), print PNG (300 dpi) and PDF of one map."""
    fig = printing.render_map(
        _table, indicator_id, selection=selection, scheme=scheme, k=k,  # type: ignore[arg-type]
        lang=map_lang, orientation=orientation,  # type: ignore[arg-type]
        schools=_registry if schools and len(_registry) else None, provinces=_provinces,
        labels=labels,
    )
    out = []
    for fmt, dpi in (("png", 90), ("png", 300), ("pdf", 300)):
        buf = io.BytesIO()
        printing.save(fig, buf, fmt, dpi=dpi)  # type: ignore[arg-type]
        out.append(buf.getvalue())
    return out[0], out[1], out[2]


@st.cache_data(show_spinner=False, max_entries=8)
def _atlas_file(key: str, province: str, ids: tuple[str, ...], map_lang: str,
                _table: gpd.GeoDataFrame, _registry: gpd.GeoDataFrame) -> bytes:
    buf = io.BytesIO()
    atlas.write_atlas(_table, state.region().provinces, province, ids, buf, lang=map_lang,
                      schools=_registry if len(_registry) else None)
    return buf.getvalue()


@st.cache_data(show_spinner=False, max_entries=12)
def _table_file(key: str, selection: Selection, fmt: str, ui_lang: str,
                _table: gpd.GeoDataFrame, _registry: gpd.GeoDataFrame) -> bytes:
    return exports.export_table(state.region(), _table, selection, fmt, registry=_registry,
                                lang=ui_lang, readable=True)


@st.cache_data(show_spinner=False, max_entries=4)
def _html_file(key: str, selection: Selection, indicator_id: str, ui_lang: str) -> bytes:
    ind = get_indicator(indicator_id)
    full = state.web_table()
    mask = selection.commune_mask(full).to_numpy()
    shown = full[mask]
    values = shown[ind.id].astype(float)
    cls = classify(values, "quantiles", 5, higher_is_better=ind.higher_is_better)
    reg = _shown(state.registry())
    schools = reg[selection.school_mask(reg, set(shown["code"])).to_numpy()] if len(reg) else None
    m = web.assemble_map(ui_lang, web.Choropleth(shown, ind, cls),
                         provinces=state.selected_provinces(selection), schools=schools)
    return exports.offline_html(m)


def _shown(reg: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The registry drawn and exported: demonstration schools only when turned on."""
    return reg if st.session_state.get("show_demo") else without_demo(reg)


def _fail(exc: Exception) -> None:
    st.error(state.t("export.failed", error=str(exc)))


region = state.region()
provinces = region.provinces
names = dict(zip(provinces["province_code"],
                 provinces["name_ar" if lang == "ar" else "name_fr"], strict=True))
sidebar = state.selection()
default_province = sidebar.provinces[0] if len(sidebar.provinces) == 1 else ""
table = state.table()
registry = _shown(state.registry())
key = _registry_key()
if has_fictitious(registry):
    st.warning(demo_mark(lang))

tab_map, tab_atlas, tab_data = st.tabs(
    [state.t("export.tab_map"), state.t("export.tab_atlas"), state.t("export.tab_data")]
)

with tab_map:
    c1, c2 = st.columns(2)
    with c1:
        options = ["", *names]
        all_region = state.t("export.all_region")  # read now: format_func may run later
        province = st.selectbox(
            state.t("export.pick_province"), options, index=options.index(default_province),
            format_func=lambda c: names.get(c, all_region), key="x_province",
        )
        indicator = indicator_picker.pick("x_indicator")
        scheme = st.selectbox(state.t("export.pick_scheme"),
                              [s for s in SCHEMES if s != "manual"], key="x_scheme",
                              format_func=lambda s: t(f"export.scheme.{s}", lang))
        k = st.slider(state.t("export.pick_k"), MIN_CLASSES, MAX_CLASSES, 5, key="x_k")
    with c2:
        orientation = st.radio(
            state.t("export.pick_orientation"), ["landscape", "portrait"], horizontal=True,
            format_func=lambda o: t(f"export.{o}", lang), key="x_orientation",
        )
        map_lang = st.radio(state.t("export.pick_lang"), list(LANGUAGE_NAMES), horizontal=True,
                            index=list(LANGUAGE_NAMES).index(lang),
                            format_func=lambda code: LANGUAGE_NAMES[code], key="x_lang")
        labels = st.checkbox(state.t("export.labels"), key="x_labels")
        with_schools = st.checkbox(state.t("export.show_schools"), value=bool(len(registry)),
                                   disabled=not len(registry), key="x_schools")

    if province and tuple(sidebar.provinces) == (province,):
        map_selection = sidebar
    else:
        map_selection = replace(sidebar, provinces=(province,) if province else (),
                                cercles=(), communes=())
    try:
        with st.spinner(state.t("export.working")):
            preview, png, pdf = _map_files(
                key, indicator.id, map_selection, scheme, int(k), map_lang, orientation,
                bool(labels), bool(with_schools), table, registry, provinces,
            )
    except Exception as exc:  # shown to the user; the page keeps running
        _fail(exc)
    else:
        stem = f"carte_{indicator.id}_{province or 'region'}_{map_lang}"
        d1, d2 = st.columns(2)
        d1.download_button(state.t("export.download_png"), png, f"{stem}.png", "image/png")
        d2.download_button(state.t("export.download_pdf"), pdf, f"{stem}.pdf",
                           "application/pdf")
        st.image(preview, caption=state.t("export.preview"),
                 alt=state.t("export.preview_alt", title=indicator.label_in(lang)))

with tab_atlas:
    atlas_province = st.selectbox(
        state.t("export.pick_province"), list(names),
        index=list(names).index(default_province) if default_province else 0,
        format_func=lambda c: names[c], key="x_atlas_province",
    )
    choices = indicator_picker.available()
    defaults = [i for i in atlas.DEFAULT_INDICATORS if i in choices]
    ids = st.multiselect(state.t("export.pick_indicators"), list(choices), default=defaults,
                         format_func=lambda i: indicator_picker.display_label(choices[i], lang),
                         key="x_atlas_indicators", select_all=False,
                         placeholder=state.t("ui.choose"))
    atlas_lang = st.radio(state.t("export.pick_lang"), list(LANGUAGE_NAMES), horizontal=True,
                          index=list(LANGUAGE_NAMES).index(lang),
                          format_func=lambda code: LANGUAGE_NAMES[code], key="x_atlas_lang")
    if not ids:
        st.info(state.t("export.atlas_needs_indicators"))
    elif st.button(state.t("export.build_atlas"), key="x_atlas_build"):
        try:
            with st.spinner(state.t("export.working")):
                st.session_state["x_atlas_pdf"] = (
                    f"atlas_{atlas_province}_{atlas_lang}.pdf",
                    _atlas_file(key, atlas_province, tuple(ids), atlas_lang, table, registry),
                )
        except Exception as exc:  # shown to the user; the page keeps running
            _fail(exc)
    built = st.session_state.get("x_atlas_pdf")
    if built:
        st.download_button(state.t("export.download_atlas"), built[1], built[0],
                           "application/pdf", key="x_atlas_download")

with tab_data:
    communes, schools, douars = exports.filtered_view(table, sidebar, registry=registry,
                                                      douars=region.douars)
    if communes.empty:
        st.warning(state.t("export.empty_selection"))
    else:
        st.write(state.t("export.data_view", n=format_int(len(communes), lang),
                         schools=format_int(0 if schools is None else len(schools), lang),
                         douars=format_int(0 if douars is None else len(douars), lang)))
        st.caption(state.t("export.douars_note"))
        files = (
            ("csv", "export.download_csv", "text/csv"),
            ("xlsx", "export.download_xlsx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("gpkg", "export.download_gpkg", "application/geopackage+sqlite3"),
        )
        cols = st.columns(len(files) + 1)
        for col, (fmt, label, mime) in zip(cols, files, strict=False):
            try:
                data = _table_file(key, sidebar, fmt, lang, table, registry)
            except Exception as exc:  # shown to the user; the page keeps running
                with col:
                    _fail(exc)
                continue
            col.download_button(state.t(label), data, f"communes.{fmt}", mime,
                                key=f"x_dl_{fmt}")
        with cols[-1]:
            html_indicator = st.session_state.get("x_indicator",
                                                  indicator_picker.DEFAULT_INDICATOR)
            try:
                html = _html_file(key, sidebar, str(html_indicator), lang)
            except Exception as exc:  # shown to the user; the page keeps running
                _fail(exc)
            else:
                st.download_button(state.t("export.download_html"), html, "carte.html",
                                   "text/html", key="x_dl_html")
