"""Distance learning: readiness index, access × readiness typology, 2014 → 2024 change.

Every figure comes from :mod:`mapping.distance_learning` (readiness, typology, change);
this page only gathers options, draws and downloads.
Indices and classes are computed over the whole region, then the sidebar
selection filters what is shown.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from mapping import access, web
from mapping import distance_learning as remote
from mapping.catalogue import LANGS, Indicator
from mapping.classify import classify
from mapping.distance_learning import change
from mapping.distance_learning import typology as ty
from mapping.errors import MappingError
from mapping.exports import to_csv
from mapping.i18n import t as _t
from mapping.indicators import catalogue
from mapping.numbers import format_int, format_km, format_number, format_percent, formatters
from mapping.web import LegendRow, commune_name, esc, legend_box, region_rank
from ui import state
from ui.mapview import render as mapview

T = state.t
LANG = state.lang()
DIR = "rtl" if LANG == "ar" else "ltr"


def t_in(lang: str, key: str, **kwargs: object) -> str:
    """Translate *key* into a given language (for labels stored in all three)."""
    return _t(key, lang, **kwargs)


@st.cache_data(show_spinner=False)
def _change_long() -> pd.DataFrame:
    return change.change_long(state.region())


def _name_col() -> str:
    return "name_ar" if LANG == "ar" else "name_fr"


def _fmt(value: Any, decimals: int = 1) -> str:
    return format_number(value, LANG, decimals)


def _table(frame: pd.DataFrame, decimals: dict[str, int], *, hide_index: bool = True) -> None:
    """Show *frame* with its numbers written in the interface language (sorting keeps the
    values)."""
    st.dataframe(frame.style.format(formatters(LANG, decimals)), hide_index=hide_index,
                 width="stretch")


def _show_choropleth(web_sel: gpd.GeoDataFrame, ind: Indicator, values: pd.Series,
                     ranks: pd.Series, key: str) -> None:
    """Draw *values* (indexed by code) on the selected communes."""
    frame = web_sel.copy()
    frame[ind.id] = frame["code"].map(values).astype(float)
    cls = classify(frame[ind.id].to_numpy(), "quantiles", 5,
                   higher_is_better=ind.higher_is_better)
    mapview.show_map(
        key, web.Choropleth(frame, ind, cls, ranks=ranks, region_size=int(ranks.notna().sum())),
        height=520,
    )


# --- data and selection ---------------------------------------------------------------------

st.title(T("nav.remote"))
st.markdown(T("remote.intro"))

try:
    region = state.region()
    table = state.table()
except MappingError as exc:
    st.error(T("ui.error", message=str(exc)))
    st.stop()

selection = state.selection()
mask = selection.commune_mask(table).to_numpy()
if not mask.any():
    st.info(T("ui.none_selected"))
    st.stop()
codes = table.loc[mask, "code"].tolist()
web_all = state.web_communes()
web_sel = web_all[web_all["code"].isin(codes)]
names = table.set_index("code")[_name_col()]
provinces = table.set_index("code")["province_fr" if LANG != "ar" else "province_ar"]
cat = catalogue()

SECTIONS = ("readiness", "typology", "change")
section = st.segmented_control(
    T("remote.title"), list(SECTIONS), format_func=lambda s: T(f"remote.tab.{s}"),
    key="remote_section", default="readiness", label_visibility="collapsed",
) or "readiness"

# --- readiness options (shared by every section) --------------------------------------------

DEFAULTS = dict(zip(remote.COMPONENT_IDS, remote.DEFAULT_WEIGHTS, strict=True))
#: A copy of the weights outside widget state: it survives while the sliders are not drawn.
SAVED = "_remote_weights"


def _saved() -> tuple[dict[str, float], str]:
    saved = st.session_state.get(SAVED)
    if not isinstance(saved, dict):
        return dict(DEFAULTS), "minmax"
    return dict(saved["weights"]), str(saved["norm"])


def _reset_weights() -> None:
    for cid, w in DEFAULTS.items():
        st.session_state[f"rw_{cid}"] = int(w)
    st.session_state["rw_norm"] = "minmax"
    st.session_state[SAVED] = {"weights": dict(DEFAULTS), "norm": "minmax"}


weights, norm = _saved()
if section == "readiness":
    st.warning(T("remote.year_2014_warning"))
    left, right = st.columns([1, 2], gap="large")
    with left:
        st.subheader(T("remote.weights"))
        st.caption(T("remote.weights_help"))
        for cid in remote.COMPONENT_IDS:
            key = f"rw_{cid}"
            if key not in st.session_state:
                st.session_state[key] = int(weights.get(cid, DEFAULTS[cid]))
            weights[cid] = float(st.slider(T(f"remote.component.{cid}"), 0, 50, step=5, key=key))
        st.button(T("remote.reset_weights"), on_click=_reset_weights)
        if "rw_norm" not in st.session_state:
            st.session_state["rw_norm"] = norm
        norm = st.radio(T("remote.normalisation"), list(remote.NORMALISATIONS), key="rw_norm",
                        format_func=lambda n: T(f"remote.norm.{n}"))
    st.session_state[SAVED] = {"weights": dict(weights), "norm": norm}
    if sum(weights.values()) <= 0:
        # every weight at 0: say so and keep the page usable with the default weights
        with left:
            st.error(T("remote.all_zero"))
if sum(weights.values()) <= 0:
    weights = dict(DEFAULTS)
options = remote.ReadinessOptions.from_weights(
    weights, "fixed" if norm == "fixed" else "minmax")
custom = options != remote.ReadinessOptions()
index = remote.readiness_index(table, options)
shares = options.normalised_weights()

if section == "readiness":
    with right:
        base_ind = cat["readiness_index"]
        if custom:
            def described(lang: str) -> str:
                return ", ".join(
                    f"{t_in(lang, f'remote.component.{c}')} "
                    f"{format_percent(shares[c], lang, 0, share=True)}"
                    for c in remote.COMPONENT_IDS if shares[c] > 0)

            note = {lang: t_in(lang, "remote.index_custom_note", weights=described(lang))
                    for lang in LANGS}
            index_ind = dataclasses.replace(
                base_ind, label={lang: t_in(lang, "remote.index_custom") for lang in LANGS},
                note=note)
        else:
            index_ind = base_ind
        layers = {"readiness_index": index_ind}
        for comp in remote.COMPONENTS:
            col = "literacy_rate_15_plus" if comp.invert else comp.column
            layers[col] = cat[col]
        shown = st.selectbox(T("remote.show"), list(layers),
                             format_func=lambda i: layers[i].label_in(LANG), key="rw_show")
        ind = layers[shown]
        if shown == "readiness_index":
            values = index
        else:
            values = table.set_index("code")[shown].astype(float)
        if ind.year == 2014:
            st.caption("⚠ " + T("map.flag_year", year=ind.year))
        _show_choropleth(web_sel, ind, values, region_rank(values), key="remote_ready_map")

        export = pd.DataFrame({
            "code": table["code"].to_numpy(),
            "name_fr": table["name_fr"].to_numpy(),
            "name_ar": table["name_ar"].to_numpy(),
        }).set_index("code")
        scores = remote.component_scores(table, options)
        for comp in remote.COMPONENTS:
            export[f"{comp.column}"] = table.set_index("code")[comp.column]
            export[f"score_{comp.id}"] = scores[comp.id].round(2)
        export["readiness_index"] = index.round(2)
        export["readiness_rank_region"] = region_rank(index).astype("Int64")
        st.download_button(T("remote.download_index"), to_csv(export.loc[codes].reset_index()),
                           file_name="readiness_index.csv", mime="text/csv")

    st.markdown(f"**{T('remote.formula')}**")
    st.caption(T(f"remote.formula_{options.normalisation}"))
    rows = []
    for comp in remote.COMPONENTS:
        raw = comp.values(table)
        rows.append({
            T("remote.col.component"): T(f"remote.component.{comp.id}"),
            T("remote.col.year"): str(comp.year),
            T("remote.col.weight"): weights[comp.id],
            T("remote.col.share"): round(shares[comp.id] * 100, 1),
            T("remote.col.min"): round(float(raw.min()), 1),
            T("remote.col.max"): round(float(raw.max()), 1),
        })
    _table(pd.DataFrame(rows), {T("remote.col.weight"): 0, T("remote.col.share"): 1,
                                T("remote.col.min"): 1, T("remote.col.max"): 1})
    if custom:
        st.info(T("remote.custom_weights"))

    st.subheader(T("remote.sensitivity"))
    c1, c2 = st.columns(2)
    factor = c1.slider(T("remote.sens.factor"), 10, 90, 50, step=10, key="rw_factor")
    loo = c2.checkbox(T("remote.sens.leave_one_out"), value=True, key="rw_loo")
    st.caption(T("remote.sens.help", pct=factor))
    if len(codes) < 4:
        st.info(T("remote.sens.too_few"))
    else:
        ranks = remote.sensitivity_ranks(table, options, factor=factor / 100,
                                         leave_one_out=loo, subset=codes)
        summary = remote.sensitivity_summary(ranks)
        shifts = remote.commune_rank_shifts(ranks)
        m1, m2, m3 = st.columns(3)
        m1.metric(T("remote.sens.max_shift"), format_int(shifts["max_shift"].max(), LANG))
        m2.metric(T("remote.sens.median_shift"), _fmt(shifts["max_shift"].median(), 1))
        m3.metric(T("remote.sens.quartile_changes"),
                  f"{format_int((~shifts['quartile_stable']).sum(), LANG)} / "
                  f"{format_int(len(shifts), LANG)}")
        view = pd.DataFrame({
            T("remote.col.component"): [T(f"remote.component.{c}") for c in summary["component"]],
            T("remote.sens.col.change"): [T("remote.sens.dropped") if ch == "0" else ch
                                          for ch in summary["change"]],
            T("remote.sens.col.max"): summary["max_shift"],
            T("remote.sens.col.median"): summary["median_shift"],
            T("remote.sens.col.mean"): summary["mean_shift"].round(1),
            T("remote.sens.col.quartiles"): summary["quartile_changes"],
        })
        _table(view, {T("remote.sens.col.max"): 0, T("remote.sens.col.median"): 1,
                      T("remote.sens.col.mean"): 1, T("remote.sens.col.quartiles"): 0})
        st.markdown(f"**{T('remote.sens.top')}**")
        top = shifts.head(15)
        _table(pd.DataFrame({
            T("remote.commune"): top.index.map(names),
            T("remote.province"): top.index.map(provinces),
            T("remote.sens.col.base_rank"): top["base_rank"],
            T("remote.sens.col.best_rank"): top["best_rank"],
            T("remote.sens.col.worst_rank"): top["worst_rank"],
            T("remote.sens.col.max"): top["max_shift"],
            T("remote.sens.col.stable"): top["quartile_stable"],
        }), dict.fromkeys([T("remote.sens.col.base_rank"), T("remote.sens.col.best_rank"),
                           T("remote.sens.col.worst_rank"), T("remote.sens.col.max")], 0))

# --- typology -------------------------------------------------------------------------------


def _typology_layer(typo: pd.DataFrame, measure: str) -> web.Categories:
    frame = web_sel.merge(typo, left_on="code", right_index=True, how="left",
                          suffixes=("", "_t"))
    tips = []
    for row in frame.itertuples(index=False):
        second = row.name_fr if LANG == "ar" else row.name_ar
        if measure == "mean_km":
            acc_text = format_km(row.access_value, LANG, 1)
        else:
            acc_text = format_percent(row.access_value, LANG, 0, share=True)
        tip = (f'<div dir="{DIR}"><b>{esc(commune_name(row, LANG))}</b> '
               f'<span dir="auto">{esc(second)}</span><br>'
               f'<b>{esc(T(f"remote.class.{row.typology}"))}</b><br>'
               f'{esc(T("remote.typo.access_value"))} : ')
        tip += (esc(T("remote.typo.assumed")) if row.access_assumed else esc(acc_text))
        tip += (f'<br>{esc(T("remote.typo.col.readiness"))} : {esc(_fmt(row.readiness_index))}'
                f'<br>{esc(T("remote.typo.children"))} : '
                f'{esc(_fmt(row.school_age_total_est, 0))}</div>')
        tips.append(tip)
    return web.Categories(
        frame, [str(c) for c in frame["typology"]], ty.CLASS_COLORS, tips,
        name=T("remote.typo.layer"), dashed=[bool(a) for a in frame["access_assumed"]],
    )


def _legend(counts: pd.DataFrame, show_no_figure: bool, n_assumed: int) -> str:
    rows = [
        LegendRow(ty.CLASS_COLORS[cls], T(f"remote.class.{cls}"),
                  int(counts.loc[cls, "communes"]))
        for cls in ty.CLASSES
        if cls != ty.NO_FIGURE or show_no_figure
    ]
    if n_assumed:
        rows.append(LegendRow("#444444", T("remote.typo.assumed"), n_assumed, symbol="dashed"))
    return legend_box(T("remote.typo.legend"), rows, LANG)


if section == "typology":
    st.caption(T("remote.typo.explain"))
    o1, o2, o3 = st.columns(3)
    cycle = o1.selectbox(T("remote.typo.cycle"), list(access.ACCESS_CYCLES), index=1,
                         format_func=lambda c: T(f"cycle.{c}"), key="rt_cycle")
    measure = o1.radio(T("remote.typo.measure"), list(ty.ACCESS_MEASURES), key="rt_measure",
                       format_func=lambda m: T(f"remote.typo.measure.{m}"))
    threshold = None
    if measure == "share_beyond":
        threshold = o1.number_input(T("remote.typo.threshold_km"), min_value=0.5,
                                    max_value=50.0, step=0.5,
                                    value=access.DEFAULT_OPTIONS.threshold(cycle),
                                    key=f"rt_threshold_{cycle}")
    a_median = o2.checkbox(T("remote.typo.access_median"), value=True, key="rt_a_median")
    a_cut = None
    if not a_median:
        if measure == "mean_km":
            a_cut = o2.number_input(T("remote.typo.access_cutoff") + " (km)", 0.5, 60.0, 5.0,
                                    step=0.5, key="rt_a_cut_km")
        else:
            a_cut = o2.slider(T("remote.typo.access_cutoff") + " (%)", 0, 100, 50,
                              key="rt_a_cut_pct") / 100
    r_median = o3.checkbox(T("remote.typo.readiness_median"), value=True, key="rt_r_median")
    r_cut = None
    if not r_median:
        r_cut = float(o3.slider(T("remote.typo.readiness_cutoff"), 0, 100, 50,
                                key="rt_r_cut"))
    rule = o3.radio(T("remote.typo.rule"), list(ty.NO_FIGURE_RULES), key="rt_rule",
                    format_func=lambda r: T(f"remote.typo.rule.{r}"))
    try:
        t_opts = ty.TypologyOptions(
            cycle=cycle, access_measure=measure, access_cutoff=a_cut,
            threshold_km=threshold, readiness_cutoff=r_cut, readiness=options,
            no_figure_access=rule,
        )
        typo_all = ty.typology(region, t_opts, table=table)
    except MappingError as exc:
        st.error(T("ui.error", message=str(exc)))
        st.stop()
    typo = typo_all.loc[codes]
    counts = ty.children_by_class(typo)
    acut = typo_all.attrs["access_cutoff"]
    acut_text = (format_km(acut, LANG, 1) if measure == "mean_km"
                 else format_percent(acut, LANG, 0, share=True))
    st.markdown(T("remote.typo.cutoffs_used", measure=T(f"remote.typo.measure.{measure}"),
                  access=acut_text, readiness=_fmt(typo_all.attrs["readiness_cutoff"])))
    n_assumed = int(typo["access_assumed"].sum())
    if n_assumed:
        st.caption(T("remote.typo.assumed_note", n=format_int(n_assumed, LANG)))
    map_col, legend_col = st.columns([3, 1])
    with map_col:
        mapview.show_map("remote_typology_map", _typology_layer(typo, measure), height=540)
    with legend_col:
        show_no_figure = rule == "no_figure" or bool(counts.loc[ty.NO_FIGURE, "communes"])
        st.markdown(_legend(counts, show_no_figure, n_assumed), unsafe_allow_html=True)

    st.subheader(T("remote.typo.children_title"))
    total = float(typo[ty.CHILDREN_TOTAL].sum())
    st.caption(T("remote.typo.children_caption", total=_fmt(total, 0)))
    shown_classes = [c for c in ty.CLASSES if c != ty.NO_FIGURE or counts.loc[c, "communes"]]
    cview = counts.loc[shown_classes]
    child_cols = [T(f"cycle.{c}") for c in ("preschool", "primary", "lower_secondary",
                                             "upper_secondary")]
    _table(pd.DataFrame({
        T("remote.typo.col.class"): [T(f"remote.class.{c}") for c in cview.index],
        T("remote.typo.col.communes"): cview["communes"].to_numpy(),
        **{T(f"cycle.{c}"): cview[col].astype(int).to_numpy()
           for c, col in zip(("preschool", "primary", "lower_secondary", "upper_secondary"),
                             ty.CHILD_COLUMNS, strict=True)},
        T("remote.typo.col.total"): cview[ty.CHILDREN_TOTAL].astype(int).to_numpy(),
        T("remote.typo.col.share"): cview["share_children"].round(1).to_numpy(),
    }), {T("remote.typo.col.communes"): 0, **dict.fromkeys(child_cols, 0),
         T("remote.typo.col.total"): 0, T("remote.typo.col.share"): 1})

    st.subheader(T("remote.typo.priority_title"))
    rank_options = [ty.CHILDREN_TOTAL, *ty.CHILD_COLUMNS]
    rank_labels = {ty.CHILDREN_TOTAL: T("remote.typo.rank_total"),
                   **{col: T(f"cycle.{c}") for c, col in
                      zip(("preschool", "primary", "lower_secondary", "upper_secondary"),
                          ty.CHILD_COLUMNS, strict=True)}}
    by = st.selectbox(T("remote.typo.rank_by"), rank_options, format_func=rank_labels.get,
                      key="rt_rank_by")
    prio = ty.priority_communes(typo, by=by)
    if prio.empty:
        st.info(T("remote.typo.no_priority"))
    else:
        prio_view = pd.DataFrame({
            T("remote.typo.col.rank"): prio["priority_rank"],
            T("remote.commune"): prio.index.map(names),
            T("remote.province"): prio.index.map(provinces),
            T("remote.typo.col.mean_km"): prio["mean_km"].round(1),
            T("remote.typo.col.share_beyond"): (prio["share_beyond"] * 100).round(0),
            T("remote.typo.col.readiness"): prio["readiness_index"].round(1),
            rank_labels[by] + " — " + T("app.estimated"): prio[by].astype(int),
        })
        prio_view.index.name = T("remote.code")
        _table(prio_view, {T("remote.typo.col.rank"): 0, T("remote.typo.col.mean_km"): 1,
                           T("remote.typo.col.share_beyond"): 0,
                           T("remote.typo.col.readiness"): 1,
                           rank_labels[by] + " — " + T("app.estimated"): 0}, hide_index=False)
        st.download_button(T("remote.typo.download"), to_csv(prio.reset_index()),
                           file_name="priority_communes.csv", mime="text/csv")
    st.download_button(T("remote.typo.download_all"), to_csv(typo.reset_index()),
                       file_name="typology.csv", mime="text/csv")

# --- change ---------------------------------------------------------------------------------

if section == "change":
    st.caption(T("remote.change.caption"))
    ids = [p.id for p in change.PAIRS]
    chosen = st.selectbox(T("remote.change.pick"), ids,
                          format_func=lambda i: cat[i].label_in(LANG), key="rc_pick")
    pair = change.pair(chosen)
    cind = cat[chosen]
    if not pair.comparable:
        st.warning("⚠ " + pair.note.get(LANG, pair.note["fr"]))
    elif cind.note:
        st.caption(cind.note.get(LANG, cind.note["fr"]))
    long = _change_long()
    part = long[(long["indicator"] == chosen)].set_index("code").loc[codes]
    values = part["change"]
    st.caption(T("remote.change.summary", value=cind.format(values.median(), LANG)))
    _show_choropleth(web_sel, cind, values, region_rank(long[long["indicator"] == chosen]
                                                        .set_index("code")["change"]),
                     key="remote_change_map")
    decimals = 0 if pair.kind == "percent" else (2 if pair.kind == "km" else 1)
    view = pd.DataFrame({
        T("remote.commune"): part.index.map(names),
        T("remote.province"): part.index.map(provinces),
        T("remote.change.col.2014"): part["value_2014"].round(decimals),
        T("remote.change.col.2024"): part["value_2024"].round(decimals),
        T("remote.change.col.change") + f" ({cind.unit_in(LANG)})": part["change"].round(2),
        T("remote.change.col.origin"): [T(f"remote.change.method.{m}") for m in
                                        part["method_2014"]],
        T("remote.change.col.code_2014"): part["code_2014"],
        T("remote.change.col.reason"): [T(f"remote.change.reason.{r}") if r else ""
                                        for r in part["reason"]],
    }, index=part.index)
    view.index.name = T("remote.code")
    _table(view, {T("remote.change.col.2014"): decimals, T("remote.change.col.2024"): decimals,
                  T("remote.change.col.change") + f" ({cind.unit_in(LANG)})": 2},
           hide_index=False)
    readable = long[long["code"].isin(codes)].copy()  # codes stay, words translated
    readable["method_2014"] = [T(f"remote.change.method.{m}") for m in readable["method_2014"]]
    readable["reason"] = [T(f"remote.change.reason.{r}") if r else ""
                          for r in readable["reason"]]
    st.download_button(T("remote.change.download"),
                       to_csv(readable),
                       file_name="change_2014_2024.csv", mime="text/csv")
