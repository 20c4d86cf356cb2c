"""Planning page: projected school-age population and the classrooms each commune will lack."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from mapping import planning, web
from mapping.access import AddedSchool, Scenario
from mapping.access.scenarios import apply
from mapping.classify import classify
from mapping.exports import to_csv
from mapping.schema import CYCLES
from mapping.settings import PROJECT_ROOT
from ui import components, state

#: The scenario of the scenario tools, shared with the In-person access page.
SCENARIO_KEY = "access_scenario"
CLICK_KEY = "planning_click"
METHOD_FILE = PROJECT_ROOT / "docs" / "methods-planning.md"
MEASURES = ("deficit", "change", "children", "new_schools")

lang = state.lang()
st.title(state.t("planning.nav"))
st.caption(state.t("planning.intro"))
st.warning(state.t("planning.estimate_badge"), icon="⚠️")
with st.expander(state.t("planning.method")):
    if METHOD_FILE.is_file():
        st.markdown(METHOD_FILE.read_text(encoding="utf-8"))
    else:
        st.info(state.t("planning.method_missing"))



def _guard(fn: Callable[[], Any]) -> Any:
    return components.guard(fn, "planning.error")


@st.cache_resource(show_spinner=False)
def _projection() -> planning.Projection:
    return planning.project(state.region())


@st.cache_data(show_spinner=False, max_entries=16)
def _needs(key: str, targets: tuple[float, ...], sizes: tuple[int, ...],
           _registry: gpd.GeoDataFrame) -> pd.DataFrame:
    base = planning.default_options(state.region())
    options = dataclasses.replace(base, targets=dict(zip(CYCLES, targets, strict=True)),
                                  school_size=dict(zip(CYCLES, sizes, strict=True)))
    return planning.needs(_projection(), _registry, options)


def _scenario() -> Scenario:
    scen = st.session_state.get(SCENARIO_KEY)
    return scen if isinstance(scen, Scenario) else Scenario()


def _fmt(value: float) -> str:
    return "—" if pd.isna(value) else f"{round(float(value)):,}".replace(",", "\u202f")


def _variant_label(vid: str) -> str:
    return state.t(f"planning.variant.{vid}")


# -- controls -------------------------------------------------------------------------------

c1, c2, c3, c4 = st.columns([1, 1, 2, 2])
with c1:
    cycle = st.selectbox(state.t("planning.cycle"), list(CYCLES), index=2, key="p_cycle",
                         format_func=lambda c: state.t(f"cycle.{c}"))
with c2:
    year = int(st.selectbox(state.t("planning.horizon"), list(planning.HORIZONS), index=1,
                            key="p_year"))
with c3:
    measure = st.selectbox(state.t("planning.measure"), list(MEASURES), key="p_measure",
                           format_func=lambda m: state.t(f"planning.measure.{m}"))
with c4:
    variant_ids = [v.id for v in planning.VARIANTS]
    variant = st.selectbox(state.t("planning.variant"), variant_ids,
                           index=variant_ids.index(planning.CENTRAL_VARIANT), key="p_variant",
                           format_func=_variant_label)

region = state.region()
defaults = planning.default_options(region)
with st.expander(state.t("planning.settings")):
    norms = ", ".join(f"{state.t(f'cycle.{c}')} {defaults.norms.norm(c):g}" for c in CYCLES)
    st.caption(state.t("planning.targets_note", rate=f"{defaults.targets['upper_secondary']:g}",
                       norms=norms))
    cols = st.columns(len(CYCLES))
    targets: list[float] = []
    sizes: list[int] = []
    for col, c in zip(cols, CYCLES, strict=True):
        with col:
            targets.append(float(st.number_input(
                state.t("planning.target", cycle=state.t(f"cycle.{c}")), min_value=0.0,
                max_value=150.0, step=1.0, value=float(defaults.targets[c]), key=f"p_target_{c}")))
            sizes.append(int(st.number_input(
                state.t("planning.school_size", cycle=state.t(f"cycle.{c}")), min_value=1,
                max_value=60, step=1, value=int(defaults.school_size[c]), key=f"p_size_{c}")))

selection = state.selection()
full = state.web_table()
shown = full[selection.commune_mask(full).to_numpy()].copy()
if shown.empty:
    st.warning(state.t("planning.none_selected"))
    st.stop()
codes = list(shown["code"])

registry = state.registry()
scenario = _scenario()
if not scenario.is_empty:
    registry = _guard(lambda: apply(state.registry(), scenario, region=region))
    if registry is None:
        st.stop()
reg_key = f"{state.registry().attrs.get('key', state.registry_label())}|{scenario.key()}"
table = _guard(lambda: _needs(reg_key, tuple(targets), tuple(sizes), registry))
if table is None:
    st.stop()
rows = table[(table["cycle"] == cycle) & (table["code"].isin(codes))]
at = rows[rows["year"] == year]
base_kids = rows[(rows["year"] == planning.BASE_YEAR) & (rows["variant"] == variant)]
base_kids = base_kids.set_index("code")["children"]

# -- headline: the variants side by side ----------------------------------------------------

lacking = {v: float(g["deficit"].clip(lower=0).sum()) for v, g in at.groupby("variant")}
here = at[at["variant"] == variant]
st.info(state.t(
    "planning.headline", cycle=state.t(f"cycle.{cycle}"), year=year,
    deficit=_fmt(lacking[variant]), communes=int((here["deficit"] > 0).sum()),
    variant=_variant_label(variant), low=_fmt(min(lacking.values())),
    high=_fmt(max(lacking.values())),
))
if cycle == "preschool":
    st.caption(state.t("planning.preschool_note"))
st.subheader(state.t("planning.variants_title"))
metric_cols = st.columns(len(planning.VARIANTS))
for col, v in zip(metric_cols, planning.VARIANTS, strict=True):
    g = at[at["variant"] == v.id]
    with col:
        st.markdown(f"**{_variant_label(v.id)}**")
        st.metric(state.t("planning.metric.children", year=year), _fmt(g["children"].sum()))
        st.metric(state.t("planning.metric.deficit"), _fmt(g["deficit"].clip(lower=0).sum()))
        st.metric(state.t("planning.metric.new_schools"), _fmt(g["new_schools"].sum()))

# -- map ------------------------------------------------------------------------------------


def _map_values() -> pd.Series:
    g = at[at["variant"] == variant].set_index("code")
    if measure == "change":
        kids = g["children"]
        return (100.0 * (kids - base_kids) / base_kids).where(base_kids > 0)
    if measure == "children":
        return g["children"].round()
    return g[measure].astype(float)


def _build_map() -> Any:
    catalogue_id = planning.indicator_id(measure, cycle, year)
    indicator = next(i for i in planning.INDICATORS if i.id == catalogue_id)
    if variant != planning.CENTRAL_VARIANT:
        suffix = f" — {_variant_label(variant)}"
        indicator = dataclasses.replace(
            indicator, id=f"{catalogue_id}_{variant}",
            label={k: v + suffix for k, v in indicator.label.items()})
    values = _map_values()
    shown[indicator.id] = values.reindex(shown["code"]).to_numpy()
    cls = classify(shown[indicator.id].to_numpy(float), "quantiles", 5,
                   higher_is_better=indicator.higher_is_better)
    ranks = web.region_rank(values)
    overlays: list[web.Overlay] = []
    if scenario.added:
        added = pd.DataFrame([vars(s) for s in scenario.added])
        overlays.append(lambda m: web.add_points(m, added, lang, kind="scenario"))
    return web.assemble_map(
        lang, web.Choropleth(shown, indicator, cls, ranks=ranks, region_size=len(values)),
        provinces=state.selected_provinces(selection), overlays=overlays,
        tiles_url=state.tiles_url(),
    )


m = _guard(_build_map)
if m is not None:
    out = components.show_map(m, key="planning_map", height=560)
    click = out.get("last_clicked") if isinstance(out, dict) else None
    if isinstance(click, dict) and "lat" in click and "lng" in click:
        st.session_state[CLICK_KEY] = (float(click["lng"]), float(click["lat"]))

tab_table, tab_curve, tab_scen = st.tabs([
    state.t("planning.tab.table"), state.t("planning.tab.curve"),
    state.t("planning.tab.scenario"),
])
communes = region.communes.set_index("code")
names = communes["name_ar" if lang == "ar" else "name_fr"]

# -- table sortable by deficit --------------------------------------------------------------


def _table_section() -> None:
    wide = pd.DataFrame(index=pd.Index(codes, name="code"))
    wide[state.t("planning.col.name")] = names.reindex(wide.index)
    wide[state.t("planning.col.children_2024")] = base_kids.reindex(wide.index).round()
    first = at[at["variant"] == variant].set_index("code")
    wide[state.t("planning.col.classrooms")] = first["classrooms"].reindex(wide.index)
    order = [variant, *[v.id for v in planning.VARIANTS if v.id != variant]]
    for vid in order:
        g = at[at["variant"] == vid].set_index("code").reindex(wide.index)
        lab = _variant_label(vid)
        wide[state.t("planning.col.children", year=year, variant=lab)] = g["children"].round()
        wide[state.t("planning.col.needed", variant=lab)] = g["classrooms_needed"]
        wide[state.t("planning.col.deficit", variant=lab)] = g["deficit"]
        wide[state.t("planning.col.new_schools", variant=lab)] = g["new_schools"]
        wide[state.t("planning.col.extension", variant=lab)] = g["extension_classrooms"]
    sort_col = state.t("planning.col.deficit", variant=_variant_label(variant))
    wide = wide.sort_values(sort_col, ascending=False)
    st.dataframe(wide, width="stretch")
    st.caption(state.t("planning.table_note"))
    st.download_button(state.t("planning.download"), to_csv(wide.reset_index()),
                       file_name=f"planning_{cycle}_{year}_{variant}.csv", mime="text/csv")


with tab_table:
    _guard(_table_section)

# -- a commune's projection curve -----------------------------------------------------------


def _curve_section() -> None:
    pick = st.selectbox(state.t("planning.commune"), codes, key="p_commune",
                        format_func=lambda c: f"{names.get(c, c)} ({c})")
    g = rows[rows["code"] == pick]
    curve = g.pivot_table(index="year", columns="variant", values="children")
    curve = curve[[v.id for v in planning.VARIANTS]].rename(columns=_variant_label)
    curve.index = curve.index.astype(str)
    st.caption(state.t("planning.curve_caption", cycle=state.t(f"cycle.{cycle}")))
    st.line_chart(curve.round(), x_label=state.t("planning.year"))
    proj = _projection()
    k = proj.codes.index(pick)
    vi = [v.id for v in proj.variants].index(variant)
    bands = pd.DataFrame(
        {str(y): proj.bands[vi, j, k].round() for j, y in enumerate(proj.years)},
        index=pd.Index(list(planning.BAND_LABELS), name=state.t("planning.band")))
    st.caption(state.t("planning.bands_caption", year=", ".join(map(str, proj.years)),
                       variant=_variant_label(variant)))
    st.bar_chart(bands, stack=False)


with tab_curve:
    _guard(_curve_section)

# -- planned school (scenario tools) --------------------------------------------------------


def _scenario_section() -> None:
    st.caption(state.t("planning.scenario_intro"))
    st.caption(state.t("planning.scenario_where"))
    s1, s2, s3 = st.columns([2, 1, 1])
    with s1:
        where = st.selectbox(state.t("planning.commune"), codes, key="p_scen_commune",
                             format_func=lambda c: f"{names.get(c, c)} ({c})")
    with s2:
        scen_cycle = st.selectbox(state.t("planning.cycle"), list(CYCLES), key="p_scen_cycle",
                                  index=list(CYCLES).index(cycle),
                                  format_func=lambda c: state.t(f"cycle.{c}"))
    with s3:
        seats = int(st.number_input(state.t("planning.seats"), min_value=0, max_value=5000,
                                    step=40, value=0, key="p_scen_seats"))
    b1, b2 = st.columns(2)
    with b1:
        if st.button(state.t("planning.add"), key="p_scen_add"):
            click = st.session_state.pop(CLICK_KEY, None)
            if click is not None:
                lon, lat = click
            else:
                pt = communes.loc[where, "geometry"].representative_point()
                lon, lat = float(pt.x), float(pt.y)
            school = AddedSchool(lon, lat, scen_cycle, seats=seats,
                                 name=state.t("planning.tab.scenario"))
            st.session_state[SCENARIO_KEY] = _scenario().with_school(school)
            st.rerun()
    with b2:
        if scenario.added and st.button(state.t("planning.clear"), key="p_scen_clear"):
            st.session_state[SCENARIO_KEY] = Scenario((), scenario.closed, scenario.name)
            st.rerun()
    if scenario.added:
        st.success(state.t("planning.planned", n=len(scenario.added)))


with tab_scen:
    _guard(_scenario_section)
