"""Planning page: projected school-age population and the classrooms each commune will lack."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import altair as alt
import geopandas as gpd
import pandas as pd
import streamlit as st

from mapping import planning, web
from mapping.access import AddedSchool, Scenario, cycle_schools
from mapping.access.scenarios import apply
from mapping.catalogue import LANGS
from mapping.classify import classify
from mapping.errors import MappingError
from mapping.exports import to_csv
from mapping.i18n import is_rtl, t
from mapping.numbers import format_int, format_number, format_percent, formatters, vega_locale
from mapping.schema import CYCLES
from mapping.settings import PROJECT_ROOT
from ui import components, state
from ui.mapview import render as mapview

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
    st.markdown(state.t("planning.method.body"))
    if not METHOD_FILE.is_file():
        st.info(state.t("planning.method_missing"))
    elif lang == "en":  # the full technical note is written in English only
        st.download_button(state.t("planning.method.full"),
                           METHOD_FILE.read_text(encoding="utf-8"),
                           file_name=METHOD_FILE.name, mime="text/markdown", key="p_method")
    else:
        st.caption(state.t("planning.method.full_en_only"))


def _guard(fn: Callable[[], Any]) -> Any:
    """Run a section; a planning error is shown in the interface language."""
    def run() -> Any:
        try:
            return fn()
        except planning.PlanningError as exc:
            if exc.key is None:
                raise
            params = {k: (state.t(f"cycle.{v}") if k == "cycle" else v)
                      for k, v in exc.params.items()}
            raise MappingError(state.t(exc.key, **params)) from exc
    return components.guard(run, "planning.error")


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
    return format_int(value, lang)


def _variant_label(vid: str) -> str:
    return t(f"planning.variant.{vid}", lang)


# -- controls -------------------------------------------------------------------------------

c1, c2, c3, c4 = st.columns([1, 1, 2, 2])
with c1:
    cycle = st.selectbox(state.t("planning.cycle"), list(CYCLES), index=2, key="p_cycle",
                         format_func=lambda c: t(f"cycle.{c}", lang))
with c2:
    year = int(st.selectbox(state.t("planning.horizon"), list(planning.HORIZONS), index=1,
                            key="p_year"))
with c3:
    measure = st.selectbox(state.t("planning.measure"), list(MEASURES), key="p_measure",
                           format_func=lambda m: t(f"planning.measure.{m}", lang))
with c4:
    variant_ids = [v.id for v in planning.VARIANTS]
    variant = st.selectbox(state.t("planning.variant"), variant_ids,
                           index=variant_ids.index(planning.CENTRAL_VARIANT), key="p_variant",
                           format_func=_variant_label)

region = state.region()
defaults = planning.default_options(region)
with st.expander(state.t("planning.settings")):
    norms = ", ".join(f"{state.t(f'cycle.{c}')} {format_number(defaults.norms.norm(c), lang)}"
                      for c in CYCLES)
    st.caption(state.t("planning.targets_note",
                       rate=format_percent(defaults.targets["upper_secondary"], lang, 1),
                       norms=norms))
    cols = st.columns(len(CYCLES))
    targets: list[float] = []
    sizes: list[int] = []
    for col, c in zip(cols, CYCLES, strict=True):
        with col:
            targets.append(float(st.number_input(
                state.t("planning.target", cycle=state.t(f"cycle.{c}")), min_value=0.0,
                max_value=150.0, step=1.0, value=float(defaults.targets[c]), format="%.1f",
                key=f"p_target_{c}")))
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
    deficit=_fmt(lacking[variant]), communes=_fmt((here["deficit"] > 0).sum()),
    variant=_variant_label(variant), low=_fmt(min(lacking.values())),
    high=_fmt(max(lacking.values())),
))
if cycle == "preschool":
    st.caption(state.t("planning.preschool_note"))
components.provenance_note(cycle_schools(registry, cycle), lang)
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


def _indicator() -> Any:
    """The catalogue indicator of the map, its source written in the interface language."""
    catalogue_id = planning.indicator_id(measure, cycle, year)
    indicator = next(i for i in planning.INDICATORS if i.id == catalogue_id)
    indicator = dataclasses.replace(indicator, source=state.t("provenance.catalogue.planning"))
    if variant != planning.CENTRAL_VARIANT:
        indicator = dataclasses.replace(
            indicator, id=f"{catalogue_id}_{variant}",
            label={k: f"{v} — {t(f'planning.variant.{variant}', k)}"
                   for k, v in indicator.label.items() if k in LANGS})
    return indicator


def _on_map_event() -> None:
    click = mapview.current_events("planning_map").map_click
    if isinstance(click, dict) and "lat" in click and "lon" in click:
        st.session_state[CLICK_KEY] = (float(click["lon"]), float(click["lat"]))


def _show_map() -> None:
    indicator = _indicator()
    values = _map_values()
    shown[indicator.id] = values.reindex(shown["code"]).to_numpy()
    cls = classify(shown[indicator.id].to_numpy(float), "quantiles", 5,
                   higher_is_better=indicator.higher_is_better)
    ranks = web.region_rank(values)
    layers: list[dict[str, Any]] = []
    if scenario.added:
        added = pd.DataFrame([vars(s) for s in scenario.added])
        layers.append(mapview.publish(
            lambda: mapview.marked_points_layer(added, lang, kind="scenario"),
            f"added|{lang}|{mapview.frame_key(added)}"))
    mapview.show_map(
        "planning_map",
        web.Choropleth(shown, indicator, cls, ranks=ranks, region_size=len(values)),
        layers=layers, height=560, click_mode="locate", on_event=_on_map_event,
    )
    st.caption(state.t("planning.map_hint"))


_guard(_show_map)

tab_table, tab_curve, tab_scen = st.tabs([
    state.t("planning.tab.table"), state.t("planning.tab.curve"),
    state.t("planning.tab.scenario"),
])
communes = region.communes.set_index("code")
names = communes["name_ar" if lang == "ar" else "name_fr"]

# -- table sortable by deficit --------------------------------------------------------------


def _table_section() -> None:
    wide = pd.DataFrame({state.t("planning.col.name"): names.reindex(codes).to_numpy(),
                         state.t("planning.col.code"): [str(c) for c in codes]},
                        index=pd.Index(codes, name="code"))
    counts = [state.t("planning.col.children_2024")]
    wide[counts[0]] = base_kids.reindex(wide.index).round()
    first = at[at["variant"] == variant].set_index("code")
    counts.append(state.t("planning.col.classrooms"))
    wide[counts[-1]] = first["classrooms"].reindex(wide.index)
    order = [variant, *[v.id for v in planning.VARIANTS if v.id != variant]]
    for vid in order:
        g = at[at["variant"] == vid].set_index("code").reindex(wide.index)
        lab = _variant_label(vid)
        for key, column in (("planning.col.children", "children"),
                            ("planning.col.needed", "classrooms_needed"),
                            ("planning.col.deficit", "deficit"),
                            ("planning.col.new_schools", "new_schools"),
                            ("planning.col.extension", "extension_classrooms")):
            header = state.t(key, year=year, variant=lab)
            wide[header] = g[column].round()
            counts.append(header)
    sort_col = state.t("planning.col.deficit", variant=_variant_label(variant))
    wide = wide.sort_values(sort_col, ascending=False).reset_index(drop=True)
    # numbers written in the interface language; sorting still uses the values
    shown_table = wide[list(reversed(wide.columns))] if is_rtl(lang) else wide
    st.dataframe(shown_table.style.format(formatters(lang, dict.fromkeys(counts, 0))),
                 hide_index=True, width="stretch")
    st.caption(state.t("planning.table_note"))
    st.download_button(state.t("planning.download"), to_csv(wide),
                       file_name=f"planning_{cycle}_{year}_{variant}.csv", mime="text/csv")


with tab_table:
    _guard(_table_section)

# -- a commune's projection curve -----------------------------------------------------------


def _chart(chart: alt.Chart) -> None:
    """Show an Altair chart whose axes write numbers as the interface language does."""
    st.altair_chart(chart.configure(locale=vega_locale(lang)), width="stretch")


def _curve_section() -> None:
    pick = st.selectbox(state.t("planning.commune"), codes, key="p_commune",
                        format_func=lambda c: f"{names.get(c, c)} ({c})")
    g = rows[rows["code"] == pick]
    year_t, kids_t, var_t = (state.t("planning.year"), state.t("planning.children_axis"),
                             state.t("planning.variant_legend"))
    curve = pd.DataFrame({year_t: g["year"].astype(str).to_numpy(),
                          kids_t: g["children"].round().to_numpy(),
                          var_t: [_variant_label(v) for v in g["variant"]]})
    st.caption(state.t("planning.curve_caption", cycle=state.t(f"cycle.{cycle}")))
    _chart(alt.Chart(curve).mark_line(point=True).encode(
        x=alt.X(f"{year_t}:O", title=year_t, axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{kids_t}:Q", title=kids_t, axis=alt.Axis(format=",d")),
        color=alt.Color(f"{var_t}:N", title=var_t,
                        sort=[_variant_label(v.id) for v in planning.VARIANTS]),
        tooltip=[alt.Tooltip(f"{var_t}:N"), alt.Tooltip(f"{year_t}:O"),
                 alt.Tooltip(f"{kids_t}:Q", format=",d")],
    ))
    proj = _projection()
    k = proj.codes.index(pick)
    vi = [v.id for v in proj.variants].index(variant)
    band_t = state.t("planning.band")
    bands = pd.DataFrame([
        {band_t: label, year_t: str(y), kids_t: round(float(proj.bands[vi, j, k][b]))}
        for j, y in enumerate(proj.years) for b, label in enumerate(planning.BAND_LABELS)])
    st.caption(state.t("planning.bands_caption",
                       year=", ".join(map(str, proj.years)), variant=_variant_label(variant)))
    _chart(alt.Chart(bands).mark_bar().encode(
        x=alt.X(f"{band_t}:N", title=band_t, sort=list(planning.BAND_LABELS),
                axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset(f"{year_t}:N"),
        y=alt.Y(f"{kids_t}:Q", title=kids_t, axis=alt.Axis(format=",d")),
        color=alt.Color(f"{year_t}:N", title=year_t),
        tooltip=[alt.Tooltip(f"{band_t}:N"), alt.Tooltip(f"{year_t}:N"),
                 alt.Tooltip(f"{kids_t}:Q", format=",d")],
    ))


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
                                  format_func=lambda c: t(f"cycle.{c}", lang))
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
    click = st.session_state.get(CLICK_KEY)
    if click is not None:
        st.caption(state.t("planning.clicked", lon=format_number(click[0], lang, 4),
                           lat=format_number(click[1], lang, 4)))
    if scenario.added:
        st.success(state.t("planning.planned", n=format_int(len(scenario.added), lang)))


with tab_scen:
    _guard(_scenario_section)
