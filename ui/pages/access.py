"""In-person access page: official douar distances, agreement, scenarios, siting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from mapping import access, web
from mapping.access import scenarios, siting
from mapping.access.scenarios import AddedSchool, Scenario
from mapping.classify import classify
from mapping.exports import to_csv
from mapping.settings import REGION_BOUNDS
from ui import components, state
from ui.mapview import render as mapview

SCENARIO_KEY = "access_scenario"
SITES_KEY = "access_sites"
CLICK_KEY = "access_click"

lang = state.lang()
st.title(state.t("nav.access"))
st.caption(state.t("access.intro"))



def _guard(fn: Callable[[], Any]) -> Any:
    return components.guard(fn, "access.error")


@st.cache_data(show_spinner=False, max_entries=32)
def _official(cycle: str, threshold: float, level: str) -> pd.DataFrame:
    return access.official_access(state.region(), cycle, threshold, level=level)


@st.cache_data(show_spinner=False, max_entries=8)
def _agreement(key: str, cycle: str, _registry: gpd.GeoDataFrame
               ) -> tuple[pd.DataFrame, dict[str, Any]]:
    return access.compare_computed_official(state.region(), _registry, cycle)


@st.cache_data(show_spinner=False, max_entries=8)
def _evaluate(key: str, cycle: str, threshold: float, _registry: gpd.GeoDataFrame,
              _scenario: Scenario) -> scenarios.ScenarioResult:
    return scenarios.evaluate(state.region(), _registry, _scenario, cycle, threshold)


def _scenario() -> Scenario:
    scen = st.session_state.get(SCENARIO_KEY)
    return scen if isinstance(scen, Scenario) else Scenario()


def _fmt_int(value: float) -> str:
    return "—" if pd.isna(value) else f"{round(float(value)):,}".replace(",", "\u202f")


def _fmt_pct(value: float) -> str:
    return "—" if pd.isna(value) else f"{100 * float(value):.1f} %"


# -- controls -------------------------------------------------------------------------------

c1, c2, c3, c4 = st.columns([2, 1, 2, 1])
with c1:
    cycle = st.selectbox(state.t("access.cycle"), list(access.ACCESS_CYCLES),
                         index=1, key="a_cycle", format_func=lambda c: state.t(f"cycle.{c}"))
with c2:
    threshold = float(st.number_input(
        state.t("access.threshold"), min_value=0.5, max_value=50.0, step=0.5,
        value=access.DEFAULT_OPTIONS.threshold(cycle), key=f"a_threshold_{cycle}",
    ))
with c3:
    measure = st.selectbox(state.t("access.measure"), list(access.MAP_MEASURES), index=2,
                           key="a_measure", format_func=lambda m: state.t(f"access.measure.{m}"))
with c4:
    show_douars = st.checkbox(state.t("access.show_douars"), value=True, key="a_douars")

selection = state.selection()
full = state.web_table()
mask = selection.commune_mask(full).to_numpy()
shown = full[mask].copy()
if shown.empty:
    st.warning(state.t("access.none_selected"))
    st.stop()
codes = list(shown["code"])

official = _guard(lambda: _official(cycle, threshold, "commune"))
if official is None:
    st.stop()
indicator = access.indicator_for(cycle, measure, threshold)
scale = 100.0 if measure == "share_beyond" else 1.0
values_all = official[measure].astype(float) * scale
shown[indicator.id] = values_all.reindex(shown["code"]).to_numpy()

# headline for the selection
sel = official.loc[codes]
with_fig = sel["population_with_figure"].sum()
beyond = sel["population_beyond"].sum()
st.info(state.t(
    "access.headline", share=_fmt_pct(beyond / with_fig if with_fig else float("nan")),
    km=f"{threshold:g}", cycle=state.t(f"cycle.{cycle}"), people=_fmt_int(beyond),
    children=_fmt_int(sel["under15_beyond"].sum()),
))
st.caption(state.t("access.no_figure_note", people=_fmt_int(sel["population_no_figure"].sum()),
                   douars=_fmt_int(sel["douars_no_figure"].sum())))

# -- map ------------------------------------------------------------------------------------

registry = state.registry()
scenario = _scenario()
result: scenarios.ScenarioResult | None = None
if not scenario.is_empty:
    result = _guard(lambda: _evaluate(
        f"{registry.attrs.get('key', state.registry_label())}|{scenario.key()}",
        cycle, threshold, registry, scenario))
sites = st.session_state.get(SITES_KEY)


@st.cache_data(show_spinner=False, max_entries=16)
def _classes(key: str, _values: Any, higher_is_better: bool | None) -> Any:
    del key
    return classify(_values, "quantiles", 5, higher_is_better=higher_is_better)


def _on_map_event() -> None:
    click = mapview.current_events("access_map").map_click
    if isinstance(click, dict) and "lat" in click and "lon" in click:
        st.session_state[CLICK_KEY] = (float(click["lon"]), float(click["lat"]))


def _show_map() -> None:
    values = shown[indicator.id].to_numpy(float)
    cls = _classes(f"{indicator.id}|{','.join(codes)}|{mapview.array_key(values)}", values,
                   indicator.higher_is_better)
    ranks = pd.Series(web.region_rank(values_all).to_numpy(), index=official.index)
    schools = access.cycle_schools(registry, cycle)
    schools = schools[schools["commune_code"].isin(codes)] if "commune_code" in schools else schools
    layers: list[dict[str, Any]] = []
    legends: list[mapview.LegendBox] = []
    region = state.region()
    if show_douars:
        layers.append(mapview.publish(
            lambda: mapview.douars_layer(region, cycle, lang, communes=codes),
            f"douars|{cycle}|{lang}|{mapview.array_key(codes)}"))
        legends.append(mapview.LegendBox(web.douar_legend_html(cycle, lang), "bottomleft"))
    if result is not None:
        changed = result.changed
        layers.append(mapview.publish(
            lambda: mapview.scenario_changes_layer(changed, region, lang),
            f"changed|{lang}|{mapview.frame_key(changed)}"))
    if scenario.added:
        added = pd.DataFrame([vars(s) for s in scenario.added])
        layers.append(mapview.publish(
            lambda: mapview.marked_points_layer(added, lang, kind="scenario"),
            f"added|{lang}|{mapview.frame_key(added)}"))
    if isinstance(sites, pd.DataFrame) and len(sites):
        layers.append(mapview.publish(
            lambda: mapview.marked_points_layer(sites, lang, kind="site"),
            f"sites|{lang}|{mapview.frame_key(sites)}"))
    mapview.show_map(
        "access_map",
        web.Choropleth(shown, indicator, cls, ranks=ranks,
                       region_size=int(values_all.notna().sum())),
        schools=schools, schools_legend=False, layers=layers, legends=legends, height=600,
        click_mode="locate", on_event=_on_map_event,
    )
    st.caption(state.t("access.map_hint"))


_guard(_show_map)

components.provenance_note(access.cycle_schools(registry, cycle), lang)
tab_table, tab_agree, tab_scen, tab_site = st.tabs([
    state.t("access.tab.table"), state.t("access.tab.agreement"),
    state.t("access.tab.scenario"), state.t("access.tab.siting"),
])

# -- table ----------------------------------------------------------------------------------

COLUMNS = ["mean_km", "mean_km_under15", "population", "population_with_figure",
           "population_no_figure", "douars_no_figure", "population_beyond", "share_beyond",
           "under15_beyond", "share_under15_beyond"]


def _table_section() -> None:
    level = st.radio(state.t("access.level"), ["commune", "province"], horizontal=True,
                     key="a_level", format_func=lambda v: state.t(f"access.level.{v}"))
    communes = state.region().communes.set_index("code")
    if level == "commune":
        tab = official.loc[codes, COLUMNS].copy()
        names = communes["name_ar" if lang == "ar" else "name_fr"]
        tab.insert(0, "name", names.reindex(tab.index))
        reason = official.loc[codes, "reason"].map(
            lambda r: state.t(f"access.reason.{r}") if isinstance(r, str) else "")
        tab["reason"] = reason
    else:
        prov = _official(cycle, threshold, "province")
        keep = sorted(set(communes.loc[codes, "province_code"]))
        tab = prov.loc[keep, COLUMNS].copy()
        pnames = state.region().provinces.set_index("province_code")
        tab.insert(0, "name", pnames["name_ar" if lang == "ar" else "name_fr"].reindex(tab.index))
    for col in ("share_beyond", "share_under15_beyond"):
        tab[col] = tab[col] * 100
    labels = {c: state.t(f"access.col.{c}", km=f"{threshold:g}") for c in tab.columns}
    st.dataframe(tab.rename(columns=labels), width="stretch",
                 column_config={labels[c]: st.column_config.NumberColumn(format="%.1f")
                                for c in ("mean_km", "mean_km_under15", "share_beyond",
                                          "share_under15_beyond")})
    st.download_button(state.t("access.download"), to_csv(tab.reset_index()),
                       file_name=f"access_{cycle}_{level}.csv", mime="text/csv")
    st.caption(state.t("access.table_note"))


with tab_table:
    _guard(_table_section)

# -- agreement ------------------------------------------------------------------------------


def _agreement_section() -> None:
    st.caption(state.t("access.agreement.intro"))
    key = str(registry.attrs.get("key", state.registry_label()))
    table, summary = _agreement(key, cycle, registry)
    if summary["douars"] < 2:
        st.warning(state.t("access.agreement.none", registry=state.registry_label(),
                           cycle=state.t(f"cycle.{cycle}")))
        return
    a, b, c = st.columns(3)
    a.metric(state.t("access.agreement.douars"), _fmt_int(summary["douars"]))
    b.metric(state.t("access.agreement.median"), f"{summary['median_abs_difference_km']:.2f} km")
    c.metric(state.t("access.agreement.rho"), f"{summary['spearman_rho']:.2f}")
    st.caption(state.t("access.agreement.detail", registry=state.registry_label(),
                       schools=_fmt_int(summary["schools"]),
                       bias=f"{summary['median_difference_km']:+.2f}"))
    sel_table = table[table["commune_code"].isin(codes)]
    st.scatter_chart(sel_table, x="official_km", y="computed_km", height=280)


with tab_agree:
    _guard(_agreement_section)

# -- scenario -------------------------------------------------------------------------------


def _scenario_section() -> None:
    st.caption(state.t("access.scenario.intro"))
    scen = _scenario()
    click = st.session_state.get(CLICK_KEY)
    if click:
        st.write(state.t("access.scenario.clicked", lon=f"{click[0]:.5f}", lat=f"{click[1]:.5f}"))
    else:
        st.caption(state.t("access.scenario.no_click"))
    west, south, east, north = REGION_BOUNDS
    if click:  # keep the number inputs within their bounds
        click = (min(max(click[0], west), east), min(max(click[1], south), north))
    with st.form("a_add_form"):
        f1, f2, f3, f4 = st.columns(4)
        lon = f1.number_input(state.t("access.scenario.lon"), min_value=west, max_value=east,
                              value=float(click[0]) if click else -8.0, format="%.5f")
        lat = f2.number_input(state.t("access.scenario.lat"), min_value=south, max_value=north,
                              value=float(click[1]) if click else 31.6, format="%.5f")
        seats = f3.number_input(state.t("access.scenario.seats"), min_value=0, max_value=5000,
                                value=0, step=50)
        name = f4.text_input(state.t("access.scenario.name"), max_chars=80)
        added = st.form_submit_button(state.t("access.scenario.add", cycle=state.t(
            f"cycle.{cycle}")))
    if added:
        new = scen.with_school(AddedSchool(float(lon), float(lat), cycle, int(seats), name))
        scenarios.apply(registry.iloc[0:0], Scenario(added=new.added[-1:]), region=state.region())
        st.session_state[SCENARIO_KEY] = new
        st.rerun()
    ids = access.cycle_schools(registry, cycle)
    if "commune_code" in ids:
        ids = ids[ids["commune_code"].isin(codes)]
    if len(ids):
        options = ids["school_id"].astype(str).tolist()
        names = dict(zip(options, ids.get("name_fr", ids["school_id"]).astype(str), strict=True))
        g1, g2 = st.columns([3, 1])
        to_close = g1.selectbox(state.t("access.scenario.close"), options, index=None,
                                placeholder=state.t("access.scenario.close_placeholder"),
                                format_func=lambda s: f"{names.get(s, '')} ({s})")
        if g2.button(state.t("access.scenario.close_button"), disabled=to_close is None):
            st.session_state[SCENARIO_KEY] = scen.with_closed(str(to_close))
            st.rerun()
    if not scen.is_empty:
        st.write(state.t("access.scenario.current", added=len(scen.added),
                         closed=len(scen.closed)))
        if st.button(state.t("access.scenario.reset")):
            st.session_state[SCENARIO_KEY] = Scenario()
            st.rerun()
    if result is not None:
        s = result.summary
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(state.t("access.scenario.within", km=f"{threshold:g}"),
                  _fmt_int(s["population_within_after"]),
                  delta=_fmt_int(s["population_within_after"] - s["population_within_before"]))
        m2.metric(state.t("access.scenario.children_newly", km=f"{threshold:g}"),
                  _fmt_int(s["under15_newly_within"]))
        m3.metric(state.t("access.scenario.mean"), f"{s['mean_km_after']:.2f} km",
                  delta=f"{s['mean_km_after'] - s['mean_km_before']:+.2f} km",
                  delta_color="inverse")
        m4.metric(state.t("access.scenario.changed"), _fmt_int(s["douars_changed"]))
        changed = result.changed.join(state.region().douars[["name_ar"]])
        st.dataframe(changed[["name_ar", "commune_code", "population", "before_km", "after_km"]]
                     .rename(columns=lambda c: state.t(f"access.col.{c}", km=f"{threshold:g}")),
                     width="stretch")
        if result.supply is not None and len(result.supply):
            st.caption(state.t("access.scenario.supply"))
            supply = result.supply.copy()
            supply.columns = [f"{a} · {b}" for a, b in supply.columns]
            st.dataframe(supply, width="stretch")
        elif result.supply is None:
            st.caption(state.t("access.scenario.supply_unavailable"))
    s1, s2 = st.columns(2)
    s1.download_button(state.t("access.scenario.save"), scenarios.dumps(scen).encode("utf-8"),
                       file_name="scenario.json", mime="application/json",
                       disabled=scen.is_empty)
    upload = s2.file_uploader(state.t("access.scenario.load"), type=["json"], key="a_upload")
    if upload is not None and st.session_state.get("a_loaded") != upload.file_id:
        loaded = scenarios.loads(upload.getvalue(), source=upload.name)
        st.session_state[SCENARIO_KEY] = loaded
        st.session_state["a_loaded"] = upload.file_id
        st.success(state.t("access.scenario.loaded", added=len(loaded.added),
                           closed=len(loaded.closed)))
        st.rerun()


with tab_scen:
    _guard(_scenario_section)

# -- siting ---------------------------------------------------------------------------------


def _siting_section() -> None:
    st.caption(state.t("access.siting.intro", km=f"{threshold:g}", cycle=state.t(
        f"cycle.{cycle}")))
    provinces = state.region().provinces
    name_col = "name_ar" if lang == "ar" else "name_fr"
    names = dict(zip(provinces["province_code"], provinces[name_col].astype(str), strict=True))
    default = selection.provinces[0] if selection.provinces else provinces["province_code"][0]
    p1, p2, p3 = st.columns(3)
    province = p1.selectbox(state.t("access.siting.province"), list(names),
                            index=list(names).index(default) if default in names else 0,
                            format_func=lambda c: f"{names[c]} ({c})")
    k = int(p2.number_input(state.t("access.siting.k"), 1, siting.MAX_SITES, 3))
    kind = p3.radio(state.t("access.siting.candidates"), list(siting.CANDIDATE_KINDS),
                    format_func=lambda c: state.t(f"access.siting.candidates.{c}"),
                    horizontal=True)
    if st.button(state.t("access.siting.run"), type="primary"):
        with st.spinner(state.t("access.siting.running")):
            st.session_state[SITES_KEY] = siting.suggest_sites(
                state.region(), registry, cycle, k, province=province, threshold_km=threshold,
                candidates=kind)
        st.rerun()
    res = st.session_state.get(SITES_KEY)
    if isinstance(res, pd.DataFrame):
        if res.empty:
            st.info(state.t("access.siting.none"))
            return
        st.caption(state.t("access.siting.done", seconds=f"{res.attrs.get('seconds', 0):.1f}",
                           demand=_fmt_int(res.attrs.get("demand_douars", 0)),
                           candidates=_fmt_int(res.attrs.get("candidates", 0))))
        cols = ["rank", "lon", "lat", "commune_code", "name_ar", "under15_covered",
                "population_covered", "douars_covered", "under15_estimated_share"]
        st.dataframe(res[cols].rename(columns=lambda c: state.t(f"access.col.{c}",
                                                                km=f"{threshold:g}")),
                     width="stretch", hide_index=True)
        if st.button(state.t("access.siting.to_scenario")):
            scen = _scenario()
            for row in res.itertuples(index=False):
                scen = scen.with_school(AddedSchool(float(row.lon), float(row.lat), cycle, 0,
                                                    f"Site {row.rank}"))
            st.session_state[SCENARIO_KEY] = scen
            st.rerun()
        if st.button(state.t("access.siting.clear")):
            st.session_state.pop(SITES_KEY, None)
            st.rerun()


with tab_site:
    _guard(_siting_section)
