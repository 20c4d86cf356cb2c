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
from mapping.numbers import format_int, format_km, format_number, format_percent, formatters
from mapping.provenance import without_demo
from mapping.settings import REGION_BOUNDS
from ui import components, state
from ui.mapview import render as mapview

SCENARIO_KEY = "access_scenario"
SITES_KEY = "access_sites"
SITES_ERROR_KEY = "access_sites_error"
ADD_ERROR_KEY = "access_add_error"
CLICK_KEY = "access_click"
#: The open tab: only its section runs (a tab switch reruns the page).
TAB_KEY = "a_tab"

lang = state.lang()
st.title(state.t("nav.access"))
st.caption(state.t("access.intro"))



def _guard(fn: Callable[[], Any]) -> Any:
    return components.guard(fn, "access.error")


# Resources, not data: the results are shared and read only (the page copies before it
# changes a table); a cached copy per rerun would unpickle thousands of douars each time.
@st.cache_resource(show_spinner=False, max_entries=32)
def _official(cycle: str, threshold: float, level: str) -> pd.DataFrame:
    return access.official_access(state.region(), cycle, threshold, level=level)


@st.cache_resource(show_spinner=False, max_entries=8)
def _agreement(key: str, cycle: str, _registry: gpd.GeoDataFrame
               ) -> tuple[pd.DataFrame, dict[str, Any]]:
    return access.compare_computed_official(state.region(), _registry, cycle)


@st.cache_resource(show_spinner=False, max_entries=8)
def _baseline(key: str, cycle: str, _registry: gpd.GeoDataFrame) -> scenarios.Baseline:
    """Distances and supply of the registry before any scenario (one per registry and cycle)."""
    return scenarios.baseline(state.region(), _registry, cycle)


@st.cache_resource(show_spinner=False, max_entries=32)
def _evaluate(key: str, cycle: str, threshold: float, _registry: gpd.GeoDataFrame,
              _scenario: Scenario) -> scenarios.ScenarioResult:
    base = _baseline(key.partition("|")[0], cycle, _registry)
    return scenarios.evaluate(state.region(), _registry, _scenario, cycle, threshold, base=base)


def _scenario() -> Scenario:
    scen = st.session_state.get(SCENARIO_KEY)
    return scen if isinstance(scen, Scenario) else Scenario()


def _page_registry() -> gpd.GeoDataFrame:
    """The registry the page draws and computes on: without the embedded demonstration
    schools unless the user turned them on (as every map of the app)."""
    reg = state.registry()
    if st.session_state.get("show_demo"):
        return reg
    shown = without_demo(reg)
    if len(shown) == len(reg):
        return reg
    shown.attrs = {**reg.attrs, "key": f"{reg.attrs.get('key', state.registry_label())}-demo"}
    return shown


def _fmt_int(value: float) -> str:
    return format_int(value, lang)


def _fmt_pct(value: float) -> str:
    return format_percent(value, lang, share=True)


def _num(value: float) -> str:
    """A threshold or any short number: no needless decimals (``5``, ``2,5``)."""
    f = float(value)
    return format_number(f, lang, 0 if f.is_integer() else 1)


def _table(frame: pd.DataFrame, decimals: dict[str, int], units: dict[str, str]) -> None:
    """A table written by locale (values stay numbers for sorting), no row index."""
    st.dataframe(frame.style.format(formatters(lang, decimals, units)), width="stretch",
                 hide_index=True)


def _note(schools: pd.DataFrame) -> None:
    """The provenance warning next to a result computed from *schools*."""
    components.provenance_note(schools, lang)


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
    km=_num(threshold), cycle=state.t(f"cycle.{cycle}"), people=_fmt_int(beyond),
    children=_fmt_int(sel["under15_beyond"].sum()),
))
st.caption(state.t("access.no_figure_note", people=_fmt_int(sel["population_no_figure"].sum()),
                   douars=_fmt_int(sel["douars_no_figure"].sum())))

# -- map ------------------------------------------------------------------------------------

registry = _page_registry()
#: The registry's cache key: the scenario's baseline and results are kept under it.
registry_key = str(registry.attrs.get("key", state.registry_label()))
cycle_schools = access.cycle_schools(registry, cycle)
scenario = _scenario()
result: scenarios.ScenarioResult | None = None
if not scenario.is_empty:
    result = _guard(lambda: _evaluate(
        f"{registry_key}|{scenario.key()}",
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
    schools = cycle_schools
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
        schools=schools, layers=layers, legends=legends, height=600,
        click_mode="locate", on_event=_on_map_event,
    )
    st.caption(state.t("access.map_hint"))


_guard(_show_map)

_note(cycle_schools)
# only the open tab's section runs: its tables cost more than the map, and adding a school
# or asking for sites reruns the page
tab_table, tab_agree, tab_scen, tab_site = components.kept_tabs(
    ["access.tab.table", "access.tab.agreement", "access.tab.scenario", "access.tab.siting"],
    TAB_KEY)

# -- table ----------------------------------------------------------------------------------

COLUMNS = ["mean_km", "mean_km_under15", "population", "population_with_figure",
           "population_no_figure", "douars_no_figure", "population_beyond", "share_beyond",
           "under15_beyond", "share_under15_beyond"]


#: Decimals and unit of each column of the official-access table.
_COLUMN_FORMAT = {
    "mean_km": (1, "km"), "mean_km_under15": (1, "km"), "population": (0, ""),
    "population_with_figure": (0, ""), "population_no_figure": (0, ""),
    "douars_no_figure": (0, ""), "population_beyond": (0, ""), "share_beyond": (1, "%"),
    "under15_beyond": (0, ""), "share_under15_beyond": (1, "%"),
}


def _table_section() -> None:
    level = st.radio(state.t("access.level"), ["commune", "province"], horizontal=True,
                     key="a_level", format_func=lambda v: state.t(f"access.level.{v}"))
    communes = state.region().communes.set_index("code")
    name_col = "name_ar" if lang == "ar" else "name_fr"
    if level == "commune":
        tab = official.loc[codes, COLUMNS].copy()
        tab.insert(0, "name", communes[name_col].reindex(tab.index))
        reason = official.loc[codes, "reason"].map(
            lambda r: state.t(f"access.reason.{r}") if isinstance(r, str) else "")
        tab["reason"] = reason
        name_label = state.t("access.col.commune")
    else:
        prov = _official(cycle, threshold, "province")
        keep = sorted(set(communes.loc[codes, "province_code"]))
        tab = prov.loc[keep, COLUMNS].copy()
        pnames = state.region().provinces.set_index("province_code")
        tab.insert(0, "name", pnames[name_col].reindex(tab.index))
        name_label = state.t("access.col.province")
    tab.insert(1, "code", [str(c) for c in tab.index])
    for col in ("share_beyond", "share_under15_beyond"):
        tab[col] = tab[col] * 100
    labels = {c: state.t(f"access.col.{c}", km=_num(threshold)) for c in tab.columns}
    labels.update(name=name_label, code=state.t("access.col.code"))
    shown_tab = tab.rename(columns=labels)
    _table(shown_tab, {labels[c]: d for c, (d, _u) in _COLUMN_FORMAT.items()},
           {labels[c]: u for c, (_d, u) in _COLUMN_FORMAT.items() if u})
    rounded = shown_tab.round({labels[c]: max(d, 2) if d else 0
                               for c, (d, _u) in _COLUMN_FORMAT.items()})
    st.download_button(state.t("access.download"), to_csv(rounded),
                       file_name=f"access_{cycle}_{level}.csv", mime="text/csv")
    st.caption(state.t("access.table_note"))


if tab_table.open:
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
    _note(cycle_schools)
    a, b, c = st.columns(3)
    a.metric(state.t("access.agreement.douars"), _fmt_int(summary["douars"]))
    b.metric(state.t("access.agreement.median"),
             format_km(summary["median_abs_difference_km"], lang, 2))
    c.metric(state.t("access.agreement.rho"), format_number(summary["spearman_rho"], lang, 2))
    bias = float(summary["median_difference_km"])
    st.caption(state.t("access.agreement.detail", registry=state.registry_label(),
                       schools=_fmt_int(summary["schools"]),
                       bias=("+" if bias > 0 else "") + format_number(bias, lang, 2)))
    sel_table = table[table["commune_code"].isin(codes)]
    st.scatter_chart(sel_table, x="official_km", y="computed_km", height=280)


if tab_agree.open:
    with tab_agree:
        _guard(_agreement_section)

# -- scenario -------------------------------------------------------------------------------


def _add_school(registry: gpd.GeoDataFrame, cycle: str, keys: dict[str, str]) -> None:
    """The add button's callback: check the school and add it to the scenario."""
    values = st.session_state
    try:
        school = AddedSchool(float(values[keys["lon"]]), float(values[keys["lat"]]), cycle,
                             int(values[keys["seats"]]), str(values.get(keys["name"]) or ""))
        scenarios.apply(registry.iloc[0:0], Scenario(added=(school,)), region=state.region())
    except components.SHOWN_ERRORS as exc:  # shown under the form, as components.guard does
        values[ADD_ERROR_KEY] = components.error_text(exc)
        return
    values[SCENARIO_KEY] = _scenario().with_school(school)


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
    # the inputs' keys follow the click, so a new click fills them afresh
    keys = {f: f"a_add_{f}|{click}" for f in ("lon", "lat", "seats", "name")}
    with st.form("a_add_form"):
        f1, f2, f3, f4 = st.columns(4)
        f1.number_input(state.t("access.scenario.lon"), min_value=west, max_value=east,
                        value=float(click[0]) if click else -8.0, format="%.5f",
                        key=keys["lon"])
        f2.number_input(state.t("access.scenario.lat"), min_value=south, max_value=north,
                        value=float(click[1]) if click else 31.6, format="%.5f",
                        key=keys["lat"])
        f3.number_input(state.t("access.scenario.seats"), min_value=0, max_value=5000,
                        value=0, step=50, key=keys["seats"])
        f4.text_input(state.t("access.scenario.name"), max_chars=80, key=keys["name"])
        # added in the button's callback, before the rerun the click causes: the map and
        # the results show the new school in that same run
        st.form_submit_button(state.t("access.scenario.add", cycle=state.t(f"cycle.{cycle}")),
                              on_click=_add_school, args=(registry, cycle, keys))
    if err := st.session_state.pop(ADD_ERROR_KEY, None):
        st.error(state.t("access.error", message=err))
    # the registry's distances before any change, computed while the user places a school
    _baseline(registry_key, cycle, registry)
    ids = access.cycle_schools(registry, cycle)
    if "commune_code" in ids:
        ids = ids[ids["commune_code"].isin(codes)]
    if len(ids):
        options = ids["school_id"].astype(str).tolist()
        first = "name_ar" if lang == "ar" else "name_fr"
        label = ids[first] if first in ids else ids["school_id"]
        names = dict(zip(options, label.fillna("").astype(str), strict=True))
        g1, g2 = st.columns([3, 1])
        to_close = g1.selectbox(state.t("access.scenario.close"), options, index=None,
                                placeholder=state.t("access.scenario.close_placeholder"),
                                format_func=lambda s: f"{names.get(s, '')} ({s})")
        if g2.button(state.t("access.scenario.close_button"), disabled=to_close is None):
            st.session_state[SCENARIO_KEY] = scen.with_closed(str(to_close))
            st.rerun()
    if not scen.is_empty:
        st.write(state.t("access.scenario.current", added=_fmt_int(len(scen.added)),
                         closed=_fmt_int(len(scen.closed))))
        if st.button(state.t("access.scenario.reset")):
            st.session_state[SCENARIO_KEY] = Scenario()
            st.rerun()
    if result is not None:
        _scenario_result(result)
    _scenario_files(scen)


def _signed(text: str, value: float) -> str:
    return ("+" if value > 0 else "") + text


def _scenario_result(result: scenarios.ScenarioResult) -> None:
    """Totals, douars that change class and supply per commune, written by locale."""
    _note(cycle_schools)
    s = result.summary
    km = _num(threshold)
    m1, m2, m3, m4 = st.columns(4)
    gained = s["population_within_after"] - s["population_within_before"]
    m1.metric(state.t("access.scenario.within", km=km), _fmt_int(s["population_within_after"]),
              delta=_signed(_fmt_int(gained), gained))
    m2.metric(state.t("access.scenario.children_newly", km=km),
              _fmt_int(s["under15_newly_within"]))
    moved = s["mean_km_after"] - s["mean_km_before"]
    m3.metric(state.t("access.scenario.mean"), format_km(s["mean_km_after"], lang, 2),
              delta=_signed(format_km(moved, lang, 2), moved), delta_color="inverse")
    m4.metric(state.t("access.scenario.changed"), _fmt_int(s["douars_changed"]))
    region = state.region()
    communes = region.communes.set_index("code")["name_ar" if lang == "ar" else "name_fr"]
    douars = region.douars
    changed = result.changed
    table = pd.DataFrame({
        "name_ar": douars.loc[changed.index, "name_ar"].to_numpy(),
        "commune": communes.reindex(changed["commune_code"]).to_numpy(),
        "commune_code": changed["commune_code"].astype(str).to_numpy(),
        "population": changed["population"].to_numpy(float),
        "before_km": changed["before_km"].to_numpy(float),
        "after_km": changed["after_km"].to_numpy(float),
    })
    if lang != "ar" and "location_name" in douars:
        table.insert(1, "name_latin", douars.loc[changed.index, "location_name"].fillna("")
                     .to_numpy())
    labels = {c: state.t(f"access.col.{c}", km=km) for c in table.columns}
    _table(table.rename(columns=labels),
           {labels["population"]: 0, labels["before_km"]: 1, labels["after_km"]: 1},
           {labels["before_km"]: "km", labels["after_km"]: "km"})
    if result.supply is not None and len(result.supply):
        st.caption(state.t("access.scenario.supply"))
        supply = result.supply
        out = pd.DataFrame({"commune": communes.reindex(supply.index).to_numpy(),
                            "commune_code": [str(c) for c in supply.index]})
        decimals: dict[str, int] = {}
        for when, col in supply.columns:
            label = f"{state.t(f'access.col.{col}')} · {state.t(f'access.col.{when}')}"
            out[label] = supply[(when, col)].to_numpy(float)
            decimals[label] = 1 if col == "seats_per_100" else 0
        _table(out.rename(columns={"commune": state.t("access.col.commune"),
                                   "commune_code": state.t("access.col.commune_code")}),
               decimals, {})
    elif result.supply is None:
        st.caption(state.t("access.scenario.supply_unavailable"))


def _scenario_files(scen: Scenario) -> None:
    """Save the scenario, or load one."""
    s1, s2 = st.columns(2)
    s1.download_button(state.t("access.scenario.save"), scenarios.dumps(scen).encode("utf-8"),
                       file_name="scenario.json", mime="application/json",
                       disabled=scen.is_empty)
    upload = s2.file_uploader(state.t("access.scenario.load"), type=["json"], key="a_upload")
    if upload is not None and st.session_state.get("a_loaded") != upload.file_id:
        loaded = scenarios.loads(upload.getvalue(), source=upload.name)
        st.session_state[SCENARIO_KEY] = loaded
        st.session_state["a_loaded"] = upload.file_id
        st.success(state.t("access.scenario.loaded", added=_fmt_int(len(loaded.added)),
                           closed=_fmt_int(len(loaded.closed))))
        st.rerun()


if tab_scen.open:
    with tab_scen:
        _guard(_scenario_section)

# -- siting ---------------------------------------------------------------------------------


def _suggest_sites(registry: gpd.GeoDataFrame, cycle: str, k: int, province: str,
                   threshold: float, kind: str) -> None:
    """The "suggest sites" button's callback: solve and keep the result for this run."""
    try:
        st.session_state[SITES_KEY] = siting.suggest_sites(
            state.region(), registry, cycle, k, province=province, threshold_km=threshold,
            candidates=kind)
    except components.SHOWN_ERRORS as exc:  # shown under the button, as components.guard does
        st.session_state[SITES_ERROR_KEY] = components.error_text(exc)


def _siting_section() -> None:
    st.caption(state.t("access.siting.intro", km=_num(threshold), cycle=state.t(
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
    # solved in the button's callback, before the rerun the click causes: the map above
    # shows the sites in that same run (no second run of the whole page)
    st.button(state.t("access.siting.run"), type="primary", on_click=_suggest_sites,
              args=(registry, cycle, k, province, threshold, kind))
    if err := st.session_state.pop(SITES_ERROR_KEY, None):
        st.error(state.t("access.error", message=err))
    res = st.session_state.get(SITES_KEY)
    if isinstance(res, pd.DataFrame):
        if res.empty:
            st.info(state.t("access.siting.none"))
            return
        st.caption(state.t("access.siting.done",
                           seconds=format_number(res.attrs.get("seconds", 0), lang, 1),
                           demand=_fmt_int(res.attrs.get("demand_douars", 0)),
                           candidates=_fmt_int(res.attrs.get("candidates", 0))))
        _note(cycle_schools)
        communes = state.region().communes.set_index("code")[name_col]
        table = pd.DataFrame({
            "rank": res["rank"].astype(int).to_numpy(),
            "commune": communes.reindex(res["commune_code"].astype(str)).to_numpy(),
            "commune_code": res["commune_code"].astype(str).to_numpy(),
            "name_ar": res["name_ar"].fillna("").astype(str).to_numpy(),
            "lon": res["lon"].to_numpy(float), "lat": res["lat"].to_numpy(float),
            "under15_covered": res["under15_covered"].to_numpy(float),
            "population_covered": res["population_covered"].to_numpy(float),
            "douars_covered": res["douars_covered"].to_numpy(float),
            "under15_estimated_share": 100 * res["under15_estimated_share"].to_numpy(float),
        })
        km = _num(threshold)
        labels = {c: state.t(f"access.col.{c}", km=km) for c in table.columns}
        coords = {labels["lon"]: "{:.5f}", labels["lat"]: "{:.5f}"}
        styler = table.rename(columns=labels).style.format(formatters(lang, {
            labels["under15_covered"]: 0, labels["population_covered"]: 0,
            labels["douars_covered"]: 0, labels["under15_estimated_share"]: 1},
            {labels["under15_estimated_share"]: "%"})).format(coords)
        st.dataframe(styler, width="stretch", hide_index=True)
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


if tab_site.open:
    with tab_site:
        _guard(_siting_section)
