"""Official access to school: hand-computed aggregates and real-data invariants."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from mapping import access
from mapping.access import AccessError, AccessOptions, official_access
from mapping.cli import main
from mapping.datasets import Region
from mapping.i18n import LOCALES_DIR, t
from mapping.indicators import catalogue
from mapping.schema import CYCLE_DISTANCE_COLUMN, REGISTRY_COLUMNS
from mapping.settings import REGION_CODE
from mapping.web import douars


def _douar(code: str, commune: str, pop: int, u15: float | None, km: float | None,
           lon: float | None = None, lat: float | None = None) -> dict[str, object]:
    row: dict[str, object] = {
        "code": code, "commune_code": commune, "fraction_code": "f", "fraction_ar": "ف",
        "name_ar": "دوار", "type": "grouped", "households": pop // 5, "population": pop,
        "age_under_15": u15, "lon": lon, "lat": lat,
    }
    for col in CYCLE_DISTANCE_COLUMN.values():
        row[col] = km
    return row


@pytest.fixture()
def mini() -> Region:
    """Three communes: A (3 douars, one withheld), B (all withheld), C (urban, no douar)."""
    communes = gpd.GeoDataFrame(
        {
            "code": ["07.001.01.01", "07.001.01.02", "07.002.01.0"],
            "province_code": ["07.001", "07.001", "07.002"],
            "type": ["rural", "rural", "urban"],
            "name_fr": ["A", "B", "C"],
            "name_ar": ["أ", "ب", "ج"],
        },
        geometry=[box(-8, 31, -7.9, 31.1), box(-7.9, 31, -7.8, 31.1), box(-7.8, 31, -7.7, 31.1)],
        crs="EPSG:4326",
    )
    provinces = gpd.GeoDataFrame({"province_code": ["07.001", "07.002"]},
                                 geometry=[box(-8, 31, -7.8, 31.1), box(-7.8, 31, -7.7, 31.1)],
                                 crs="EPSG:4326")
    douars = pd.DataFrame([
        _douar("1", "07.001.01.01", 100, 30.0, 1.0, -7.95, 31.05),
        _douar("2", "07.001.01.01", 300, 20.0, 6.0, -7.92, 31.05),
        _douar("3", "07.001.01.01", 50, None, None),
        _douar("4", "07.001.01.02", 20, None, None),
    ])
    return Region(communes, provinces, pd.DataFrame(), pd.DataFrame(), douars)


def test_hand_computed_commune(mini: Region) -> None:
    acc = official_access(mini, "lower_secondary")
    a = acc.loc["07.001.01.01"]
    assert a["mean_km"] == pytest.approx((100 * 1 + 300 * 6) / 400)
    assert a["mean_km_under15"] == pytest.approx((30 * 1 + 60 * 6) / 90)
    assert a["population"] == 450
    assert a["population_with_figure"] == 400
    assert a["population_no_figure"] == 50
    assert a["douars_no_figure"] == 1
    assert a["population_beyond"] == 300
    assert a["share_beyond"] == pytest.approx(0.75)
    assert a["under15_beyond"] == pytest.approx(60)
    assert a["share_under15_beyond"] == pytest.approx(60 / 90)
    assert a["reason"] is None
    b = acc.loc["07.001.01.02"]
    assert np.isnan(b["mean_km"]) and np.isnan(b["share_beyond"])
    assert b["population_no_figure"] == 20 and b["douars_no_figure"] == 1
    assert b["reason"] == access.REASON_ALL_WITHHELD
    c = acc.loc["07.002.01.0"]
    assert c["reason"] == access.REASON_NO_DOUARS
    assert acc.loc["07.002.01.0", list(access.ACCESS_COLUMNS[:-1])].isna().all()


def test_threshold_is_strict_and_configurable(mini: Region) -> None:
    # 6 km is not beyond a 6 km threshold; 1 km is beyond 0.5 km
    assert official_access(mini, "primary", 6.0).loc["07.001.01.01", "population_beyond"] == 0
    assert official_access(mini, "primary", 0.5).loc["07.001.01.01", "population_beyond"] == 400
    # default primary threshold is 2 km: only the 6 km douar is beyond
    assert official_access(mini, "primary").loc["07.001.01.01", "population_beyond"] == 300
    opts = AccessOptions(primary_km=10.0)
    assert official_access(mini, "primary", options=opts).loc[
        "07.001.01.01", "population_beyond"] == 0


def test_province_level(mini: Region) -> None:
    acc = official_access(mini, "upper_secondary", level="province")
    assert list(acc.index) == ["07.001", "07.002"]
    p = acc.loc["07.001"]
    assert p["population"] == 470 and p["population_no_figure"] == 70
    assert p["douars_no_figure"] == 2
    assert p["mean_km"] == pytest.approx(4.75)
    assert acc.loc["07.002", "reason"] == access.REASON_NO_DOUARS


@pytest.mark.parametrize(("cycle", "threshold", "level"), [
    ("preschool", None, "commune"), ("college", None, "commune"),
    ("primary", -1.0, "commune"), ("primary", float("nan"), "commune"),
    ("primary", None, "cercle"),
])
def test_bad_requests_raise(mini: Region, cycle: str, threshold: float | None,
                            level: str) -> None:
    with pytest.raises(AccessError):
        official_access(mini, cycle, threshold, level=level)


# -- real data ------------------------------------------------------------------------------


@pytest.mark.parametrize("cycle", access.ACCESS_CYCLES)
def test_real_invariants(region: Region, cycle: str) -> None:
    acc = official_access(region, cycle)
    assert len(acc) == 251
    d = region.douars
    col = CYCLE_DISTANCE_COLUMN[cycle]
    # totals equal the douar table's population, per commune and overall
    pop = d.groupby("commune_code")["population"].sum()
    assert (acc["population"].dropna() == pop.reindex(acc["population"].dropna().index)).all()
    assert acc["population"].sum() == d["population"].sum()
    assert (acc["population_with_figure"] + acc["population_no_figure"]).dropna().equals(
        acc["population"].dropna())
    assert acc["douars_no_figure"].sum() == d[col].isna().sum() == 1566
    # weighted means within the douars' min/max
    g = d.dropna(subset=[col]).groupby("commune_code")[col]
    lo, hi = g.min().reindex(acc.index), g.max().reindex(acc.index)
    has = acc["mean_km"].notna()
    assert (acc.loc[has, "mean_km"] >= lo[has] - 1e-9).all()
    assert (acc.loc[has, "mean_km"] <= hi[has] + 1e-9).all()
    assert (acc.loc[has, "mean_km_under15"] >= lo[has] - 1e-9).all()
    assert (acc.loc[has, "mean_km_under15"] <= hi[has] + 1e-9).all()
    for share in ("share_beyond", "share_under15_beyond"):
        s = acc[share].dropna()
        assert ((s >= 0) & (s <= 1)).all()
    assert (acc["reason"] == access.REASON_NO_DOUARS).sum() == 23
    assert acc["mean_km"].notna().sum() == 228
    # urban communes without douars have no figure
    urban = region.communes.set_index("code")["type"] == "urban"
    assert acc.loc[urban[urban].index, "reason"].notna().any()


def test_region_share_beyond_5km_from_college(region: Region) -> None:
    acc = official_access(region, "lower_secondary", level="region")
    row = acc.loc[REGION_CODE]
    # HCP-based headline: 58% of the rural population with figures lives > 5 km from a collège
    assert row["share_beyond"] == pytest.approx(0.58354, abs=1e-5)
    assert row["population_with_figure"] == 2_515_507
    assert row["population_no_figure"] == 113_978
    prov = official_access(region, "lower_secondary", level="province")
    assert prov["population_beyond"].sum() == row["population_beyond"]
    assert len(prov) == 8


def test_commune_indicators_and_catalogue(region: Region) -> None:
    ids = [i.id for i in access.INDICATORS]
    assert len(set(ids)) == len(ids)
    table = access.commune_indicators(region, None)
    assert list(table.columns) == ids
    assert table.index.name == "code" and len(table) == 251
    share = table["access_share_beyond_lower_secondary"].dropna()
    assert share.between(0, 100).all() and share.max() > 1  # percent, not 0–1
    cat = catalogue()
    for ind in access.INDICATORS:
        assert cat[ind.id].theme == "access"
        assert ind.source == "HCP, RGPH 2024" and ind.year == 2024
        assert all(ind.label[lang] for lang in ("fr", "ar", "en"))


def _registry_at(points: list[tuple[float, float]], cycle: str) -> gpd.GeoDataFrame:
    rows = []
    for i, (lon, lat) in enumerate(points):
        row = dict.fromkeys(REGISTRY_COLUMNS)
        row.update(school_id=f"T{i}", cycle=cycle, lon=lon, lat=lat, status="open")
        rows.append(row)
    reg = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=[Point(p) for p in points],
                           crs="EPSG:4326")
    reg.attrs.update(key="test", name="test")
    return reg


def test_compare_computed_official(region: Region) -> None:
    d = region.douars.dropna(subset=["lon", "distance_km_middle_school"])
    far = d.nlargest(5, "distance_km_middle_school")
    reg = _registry_at(list(zip(far["lon"], far["lat"], strict=True)), "lower_secondary")
    table, summary = access.compare_computed_official(region, reg, "lower_secondary")
    assert summary["schools"] == 5 and summary["douars"] == len(d)
    assert np.isfinite(summary["spearman_rho"]) and -1 <= summary["spearman_rho"] <= 1
    assert summary["median_abs_difference_km"] >= 0
    assert (table.loc[far.index, "computed_km"] < 1e-6).all()
    # an empty registry gives NaN figures, not an error
    _, empty = access.compare_computed_official(region, reg.iloc[0:0], "lower_secondary")
    assert empty["douars"] == 0 and np.isnan(empty["spearman_rho"])


def test_computed_access(region: Region) -> None:
    d = region.douars.dropna(subset=["lon"])
    reg = _registry_at([(float(d["lon"].iloc[0]), float(d["lat"].iloc[0]))], "primary")
    comp = access.computed_access(region, reg, "primary")
    assert len(comp) == 251
    assert comp["computed_douars"].sum() == len(d)
    s = comp["computed_share_beyond"].dropna()
    assert ((s >= 0) & (s <= 1)).all()


def test_under15_estimate(region: Region) -> None:
    est = access.under15_estimate(region)
    assert est["under15_estimated"].sum() == 1566
    assert est["under15"].notna().all()
    known = ~est["under15_estimated"]
    exp = region.douars["population"] * region.douars["age_under_15"] / 100
    assert np.allclose(est.loc[known, "under15"], exp[known])


def test_cli_writes_one_row_per_commune(tmp_path: object, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    from pathlib import Path

    out = Path(str(tmp_path)) / "acc.csv"
    rc = main(["access", "--cycle", "lower_secondary", "--province", "07.351",
               "--threshold-km", "3", "--no-computed", "--out", str(out)])
    assert rc == 0
    df = pd.read_csv(out, dtype={"code": str})
    assert len(df) == 15 and df["code"].str.startswith("07.351").all()
    assert (df["threshold_km"] == 3).all()
    assert {"mean_km", "share_beyond", "population_no_figure"} <= set(df.columns)
    assert main(["access", "--cycle", "primary", "--province", "99", "--out", str(out)]) == 2
    assert "unknown province" in capsys.readouterr().err


def test_locale_file_complete() -> None:
    import string

    data = json.loads((LOCALES_DIR / "access.json").read_text(encoding="utf-8"))
    for key, entry in data.items():
        assert key.startswith("access."), key
        assert set(entry) == {"fr", "ar", "en"}, key
        fields = {tuple(sorted(f[1] for f in string.Formatter().parse(entry[lang]) if f[1]))
                  for lang in ("fr", "ar", "en")}
        assert len(fields) == 1, key


# -- map layers -----------------------------------------------------------------------------


def test_douar_popup_is_escaped_and_complete(mini: Region) -> None:

    row = mini.douars.iloc[0].copy()
    row["name_ar"] = "<script>alert(1)</script>"
    row["location_source"], row["location_match"] = "geonames", "name"
    html = douars.douar_popup(row, "en", "A & B")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "A &amp; B" in html
    assert "1.0 km" in html and "Approximate location" in html
    withheld = douars.douar_popup(mini.douars.iloc[2], "fr")
    assert "pas de chiffre" in withheld


def test_add_douars_layer(region: Region) -> None:
    import folium


    codes = region.communes.loc[region.communes["province_code"] == "07.351", "code"]
    m = folium.Map()
    n = douars.add_douars(m, region, "lower_secondary", "fr", communes=codes)
    expected = region.douars[region.douars["commune_code"].isin(codes)]["lon"].notna().sum()
    assert n == expected > 0
    html = m.get_root().render()
    assert "GeoNames/OSM" in html  # approximate-location warning in the legend
    assert douars.band_of(0.5) == 0 and douars.band_of(25) == 5
    assert douars.band_of(float("nan")) == -1
    assert douars.douar_radius(10_000) == 14.0


@pytest.mark.slow
def test_page_runs_without_error() -> None:
    from streamlit.testing.v1 import AppTest

    from mapping.access.scenarios import AddedSchool, Scenario

    at = AppTest.from_file("../ui/pages/access.py", default_timeout=180)
    at.session_state["access_scenario"] = Scenario(
        added=(AddedSchool(-8.3, 31.2, "lower_secondary", 300, "<b>x</b>"),))
    at.run()
    assert not at.exception and not at.error
    assert "58,4\u202f%" in at.info[0].value  # region-wide headline, collège, 5 km, French
    assert len(at.tabs) == 4
    # tables: names and codes in their own columns, numbers kept for sorting
    official = at.dataframe[0].value
    assert list(official.columns[:2]) == ["Commune", "Code"]
    assert official["Code"].str.match(r"^07\.\d{3}\.").all() and official["Code"].is_unique
    # only the open tab runs: the scenario's tables appear once its tab is opened
    assert len(at.dataframe) == 1
    at.session_state["a_tab"] = "Scénario"
    at.run()
    assert not at.exception and not at.error
    # every result computed from the registry says how many of its schools are inferred
    # (the map's and the scenario's); the embedded demonstration schools are off by
    # default, so none is fictitious
    notes = [w.value for w in at.warning if "déduits du recensement" in w.value]
    assert len(notes) >= 2
    assert all("0,0\u202f% de sites fictifs" in n for n in notes)
    changed = at.dataframe[0].value
    assert {"Douar", "Commune", "Code commune"} <= set(changed.columns)


@pytest.mark.slow
def test_page_counts_demonstration_schools_only_when_turned_on() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../ui/pages/access.py", default_timeout=180)
    at.session_state["show_demo"] = True
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception and not at.error
    notes = [w.value for w in at.warning if "inferred from the census" in w.value]
    assert notes and "0.0% fictitious" not in notes[0]
    assert "58.4%" in at.info[0].value


@pytest.mark.slow
def test_adding_a_school_at_the_clicked_point_shows_its_effect() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../ui/pages/access.py", default_timeout=180)
    at.session_state["f_provinces"] = ["07.161"]
    at.session_state["a_tab"] = "Scénario"
    at.session_state["access_click"] = (-8.75, 31.25)  # a map click in Chichaoua
    at.run()
    assert not at.exception and not at.error
    assert not [m for m in at.metric if "nouvellement" in m.label]
    at.text_input[0].set_value("Collège <b>Imintanoute</b> 2")
    add = next(b for b in at.button if b.label.startswith("Ajouter une école hypothétique"))
    add.click().run()
    assert not at.exception and not at.error
    scenario = at.session_state["access_scenario"]
    assert [(s.lon, s.lat, s.cycle, s.name) for s in scenario.added] == [
        (-8.75, 31.25, "lower_secondary", "Collège <b>Imintanoute</b> 2")]
    # the same run shows the result: children newly within 5 km of a collège
    newly = [m for m in at.metric if "nouvellement" in m.label]
    assert len(newly) == 1 and int(newly[0].value.replace("\u202f", "")) > 0


@pytest.mark.slow
def test_the_open_tab_stays_open_when_the_language_changes() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../ui/pages/access.py", default_timeout=180)
    at.session_state["f_provinces"] = ["07.161"]
    at.run()
    assert [list(d.value.columns[:2]) for d in at.dataframe] == [["Commune", "Code"]]
    at.session_state["a_tab"] = "Scénario"
    at.run()
    assert at.dataframe.len == 0  # the table tab is closed: its table is not built
    at.session_state["lang"] = "ar"
    at.run()
    assert not at.exception and not at.error
    # still the scenario tab, now in Arabic: its buttons, and no commune table
    assert at.session_state["a_tab"] == t("access.tab.scenario", "ar")
    labels = [b.label for b in at.button]
    add = t("access.scenario.add", "ar", cycle="")
    assert any(label.startswith(add) for label in labels), labels
    assert at.dataframe.len == 0


@pytest.mark.slow
def test_a_school_placed_outside_every_commune_is_refused_under_the_form() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../ui/pages/access.py", default_timeout=180)
    at.session_state["a_tab"] = "Scénario"
    at.session_state["access_click"] = (-9.95, 32.6)  # the Atlantic, off Safi, inside the bbox
    at.run()
    assert not at.exception and not at.error
    add = next(b for b in at.button if b.label.startswith("Ajouter une école hypothétique"))
    add.click().run()
    assert not at.exception
    # the callback's error is shown under the form, and nothing was added
    # in the interface language, with the point and what to do
    assert [e.value for e in at.error
            if "le point (-9.95000 ; 32.60000) n'est dans aucune commune de la région" in e.value
            and "cliquez sur la carte" in e.value]
    scenario = at.session_state.get("access_scenario")
    assert scenario is None or not scenario.added
    # the next run (any widget) no longer shows it
    at.run()
    assert not at.error


@pytest.mark.slow
def test_a_siting_problem_too_large_is_refused_in_the_interface_language(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    from mapping.access import siting

    # the real problem of the first province, with the size limit lowered below it
    monkeypatch.setattr(siting, "MAX_PAIRS", 10)
    at = AppTest.from_file("../ui/pages/access.py", default_timeout=180)
    at.session_state["a_tab"] = t("access.tab.siting", "fr")
    at.run()
    assert not at.exception and not at.error
    run = next(b for b in at.button if b.label == t("access.siting.run", "fr"))
    run.click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1, errors
    assert "c'est trop pour le calcul : choisissez une province ou une grille plus lâche" \
        in errors[0]
    assert "too large" not in errors[0]  # not the English message
    assert "access_sites" not in at.session_state  # no result kept
