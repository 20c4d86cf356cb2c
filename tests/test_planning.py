"""Forward planning: projection checks that can fail, needs, scenario effect."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mapping.access import AddedSchool, Scenario
from mapping.access.scenarios import apply
from mapping.datasets import Region
from mapping.ingest.census import AGE_BANDS
from mapping.planning import (
    CENTRAL_VARIANT,
    INDICATORS,
    VARIANTS,
    NeedsOptions,
    PlanningError,
    Projection,
    bands_2014,
    bands_2024,
    commune_indicators,
    default_options,
    lycee_rate,
    needs,
    project,
    project_arrays,
    ratios,
    registry_classrooms,
)
from mapping.planning.projection import step
from mapping.registry import load_default_registry
from mapping.schema import CYCLE_AGE_COLUMN, CYCLES
from mapping.supply import SupplyNorms

ASSAHRIJ = "07.191.09.01"  # renumbered since 2014 (07.191.05.01)


@pytest.fixture(scope="module")
def projection(region: Region) -> Projection:
    return project(region)


@pytest.fixture(scope="module")
def registry() -> pd.DataFrame:
    return load_default_registry()


def _v(p: Projection, vid: str) -> int:
    return [v.id for v in p.variants].index(vid)


def test_2024_base_reproduces_the_census_bands(region: Region, projection: Projection) -> None:
    c24 = region.census_2024.set_index("code").loc[list(projection.codes)]
    expected = c24["population_municipal"].to_numpy()[:, None] * c24[AGE_BANDS].to_numpy() / 100
    for i in range(len(projection.variants)):
        assert np.array_equal(projection.bands[i, 0], expected)
    assert projection.years == (2024, 2029, 2034)


def test_2024_base_equals_the_school_age_estimates(region: Region,
                                                   projection: Projection) -> None:
    kids = projection.cycles()[0, 0]
    c24 = region.census_2024.set_index("code").loc[list(projection.codes)]
    for j, cycle in enumerate(CYCLES):
        est = c24[CYCLE_AGE_COLUMN[cycle]].to_numpy(dtype=float)
        assert np.array_equal(np.round(kids[:, j]), est), cycle


def test_communes_add_up_to_the_region(region: Region, projection: Projection) -> None:
    sums = projection.bands.sum(axis=2)  # (variant, year, band)
    for i in range(len(projection.variants)):
        np.testing.assert_allclose(sums[i], projection.region, rtol=1e-12)
    # the region's projection is the region projected as one unit
    p14, p24 = bands_2014(region).to_numpy(), bands_2024(region).to_numpy()
    reg14, reg24 = p14.sum(axis=0), p24.sum(axis=0)
    np.testing.assert_allclose(projection.region[2], step(reg24, ratios(reg14, reg24)),
                               rtol=1e-12)
    np.testing.assert_allclose(projection.region[1], np.sqrt(reg24 * projection.region[2]),
                               rtol=1e-12)


def test_hand_computed_commune(region: Region, projection: Projection) -> None:
    # read by hand from data/census/communes_2024.csv and communes_2014.csv, Assahrij:
    # 2024: population_municipal 16223, age_0_4 9.4 %, age_10_14 11.1 %
    # 2014: population_municipal_2014 15307, age_0_4_2014 12.0 %
    p24_0_4 = 16223 * 9.4 / 100  # 1524.962
    p24_10_14 = 16223 * 11.1 / 100  # 1800.753
    p14_0_4 = 15307 * 12.0 / 100  # 1836.84
    ccr = p24_10_14 / p14_0_4
    assert ccr == pytest.approx(0.98035, abs=1e-5)
    raw_2034 = ccr * p24_0_4
    assert raw_2034 == pytest.approx(1495.0, abs=0.1)
    # the constant variant before regional control
    p14, p24 = bands_2014(region), bands_2024(region)
    k = list(projection.codes).index(ASSAHRIJ)
    unc = step(p24.to_numpy(), ratios(p14.to_numpy(), p24.to_numpy()))
    assert unc[k, 2] == pytest.approx(raw_2034, rel=1e-12)
    # controlled: scaled so the communes' 10-14 add up to the region's
    reg_10_14 = p24["age_10_14"].sum() / p14["age_0_4"].sum() * p24["age_0_4"].sum()
    raw_all = p24["age_10_14"] / p14["age_0_4"] * p24["age_0_4"]
    controlled = raw_2034 * reg_10_14 / raw_all.sum()
    i = _v(projection, "constant")
    assert projection.bands[i, 2, k, 2] == pytest.approx(controlled, rel=1e-9)
    # collège 12-14 = 3/5 of the 10-14 band
    assert projection.cycles()[i, 2, k, 2] == pytest.approx(0.6 * controlled, rel=1e-9)


def test_no_negative_or_missing_population(projection: Projection) -> None:
    assert np.isfinite(projection.bands).all()
    assert (projection.bands >= 0).all()


def test_a_commune_without_a_2014_cohort_takes_the_regional_ratio() -> None:
    p24 = np.full((2, 16), 100.0)
    p14 = np.full((2, 16), 100.0)
    p14[0, 0] = 0.0  # no 0-4 in 2014: the 10-14 ratio of commune 0 is undefined
    out = project_arrays(p14, p24, ["a", "b"], VARIANTS[:1])
    assert np.isfinite(out.bands).all() and (out.bands >= 0).all()
    np.testing.assert_allclose(out.bands.sum(axis=2)[0], out.region)


def test_renumbered_communes_use_their_crosswalked_2014_figures(region: Region) -> None:
    c14 = region.census_2014.set_index("code")
    renumbered = c14[c14["method_2014"] == "renumbered (crosswalk)"]
    assert len(renumbered) == 52
    assert (renumbered["code_2014"] != renumbered.index).all()
    row = c14.loc[ASSAHRIJ]
    assert row["code_2014"] == "07.191.05.01"
    b14 = bands_2014(region).loc[ASSAHRIJ]
    assert b14["age_0_4"] == pytest.approx(15307 * 0.12)
    assert b14.sum() == pytest.approx(15307 * row[[f"{b}_2014" for b in AGE_BANDS]].sum() / 100)


@pytest.mark.rawdata
def test_renumbered_rows_match_the_raw_2014_file(raw_data: object, region: Region) -> None:
    from pathlib import Path

    root = Path(str(raw_data)) / "census"
    cw = pd.read_csv(root / "crosswalk_2014_2024_07.csv", dtype=str)
    people = pd.read_csv(root / "people_2014_07.csv", dtype=str, encoding="utf-8-sig")
    people = people[(people["area"] == "total") & (people["sex"] == "all")
                    & (people["level"] == "commune")].set_index("code")
    c14 = region.census_2014.set_index("code")
    for r in cw.itertuples(index=False):
        assert c14.loc[r.code_2024, "code_2014"] == r.code_2014
        raw = people.loc[r.code_2024]
        assert int(raw["population_legal"]) == int(r.population_2014)
        for band in AGE_BANDS:
            assert c14.loc[r.code_2024, f"{band}_2014"] == float(raw[band])


def test_damped_ratios_lie_halfway(projection: Projection) -> None:
    c, d, r = (_v(projection, x) for x in ("constant", "damped", "regional"))
    np.testing.assert_allclose(projection.ratios[d],
                               (projection.ratios[c] + projection.ratios[r]) / 2)
    assert not np.allclose(projection.bands[c, 2], projection.bands[r, 2])


def test_lycee_target_from_the_observed_rate(region: Region) -> None:
    total = region.census_2024["school_age_upper_secondary_est"].sum()
    assert total == 251_796
    assert lycee_rate(region) == round(100 * 168_880 / 251_796, 1) == 67.1
    opts = default_options(region)
    assert opts.targets["lower_secondary"] == 100.0
    assert opts.norms == SupplyNorms()


def test_needs_by_hand(region: Region, projection: Projection, registry: pd.DataFrame) -> None:
    opts = default_options(region)
    table = needs(projection, registry, opts)
    assert len(table) == 3 * 3 * 251 * 4
    row = table[(table["variant"] == CENTRAL_VARIANT) & (table["year"] == 2034)
                & (table["code"] == ASSAHRIJ) & (table["cycle"] == "lower_secondary")].iloc[0]
    k = list(projection.codes).index(ASSAHRIJ)
    kids = projection.cycles()[_v(projection, CENTRAL_VARIANT), 2, k, 2]
    needed = math.ceil(kids * 1.0 / 40)
    reg = registry[(registry["commune_code"] == ASSAHRIJ)
                   & (registry["cycle"] == "lower_secondary")]
    have = int(pd.to_numeric(reg["classrooms"]).fillna(0).sum())
    assert (row["classrooms_needed"], row["classrooms"]) == (needed, have)
    assert row["deficit"] == needed - have
    lack = max(needed - have, 0)
    new = math.ceil(lack / 12) if have == 0 else lack // 12
    assert (row["new_schools"], row["extension_classrooms"]) == (new, max(lack - 12 * new, 0))


def test_new_schools_where_none_exists_extensions_elsewhere(
        region: Region, projection: Projection) -> None:
    opts = default_options(region)
    table = needs(projection, None, opts)  # no registry: every commune starts from nothing
    sel = table[(table["deficit"] > 0) & (table["cycle"] != "preschool")]
    assert (sel["new_schools"] == np.ceil(sel["deficit"] / 12 - 1e-9)).all()
    assert (sel["extension_classrooms"] == 0).all()


def test_a_planned_school_reduces_the_deficit(region: Region, projection: Projection,
                                              registry: pd.DataFrame) -> None:
    opts = default_options(region)
    geom = region.communes.set_index("code").loc[ASSAHRIJ, "geometry"]
    pt = geom.representative_point()
    scenario = Scenario().with_school(AddedSchool(pt.x, pt.y, "lower_secondary", seats=400))
    after = apply(registry, scenario, region=region)
    codes = list(projection.codes)
    k = codes.index(ASSAHRIJ)
    before_rooms = registry_classrooms(codes, registry, opts)
    after_rooms = registry_classrooms(codes, after, opts)
    assert after_rooms[k, 2] - before_rooms[k, 2] == 10  # 400 seats / 40 per class
    assert (np.delete(after_rooms, k, axis=0) == np.delete(before_rooms, k, axis=0)).all()
    a, b = needs(projection, registry, opts), needs(projection, after, opts)
    sel = (a["code"] == ASSAHRIJ) & (a["cycle"] == "lower_secondary")
    assert ((a.loc[sel, "deficit"] - b.loc[sel, "deficit"]) == 10).all()
    # no seats given: the configured school size
    bare = apply(registry, Scenario().with_school(AddedSchool(pt.x, pt.y, "primary")),
                 region=region)
    assert registry_classrooms(codes, bare, opts)[k, 1] - before_rooms[k, 1] == 12


def test_bad_options_are_refused(region: Region, projection: Projection) -> None:
    opts = default_options(region)
    with pytest.raises(PlanningError, match=r"outside 0\.\.150"):
        needs(projection, None, opts.with_target("primary", -5))
    with pytest.raises(PlanningError, match="school size"):
        needs(projection, None, NeedsOptions(targets=opts.targets,
                                             school_size=dict.fromkeys(CYCLES, 0)))
    with pytest.raises(PlanningError, match="horizon 2040"):
        project(region, horizons=(2040,))


def test_commune_indicators_cover_the_catalogue(region: Region,
                                                registry: pd.DataFrame) -> None:
    df = commune_indicators(region, registry)
    assert list(df.index) == list(region.communes["code"])
    assert [i.id for i in INDICATORS] == list(df.columns)
    assert len(INDICATORS) == 40 and all(i.estimated for i in INDICATORS)
    assert all(set(i.label) == {"fr", "ar", "en"} for i in INDICATORS)
    assert df.notna().all().all()
    # collège children fall: the 2024 0-4 band is smaller than the 10-14 band
    assert df["plan_children_lower_secondary_2034"].sum() < 301_516


@pytest.mark.rawdata
def test_marrakech_2014_bands_combine_its_arrondissements(raw_data: object,
                                                          region: Region) -> None:
    from pathlib import Path

    people = pd.read_csv(Path(str(raw_data)) / "census" / "people_2014_07.csv", dtype=str,
                         encoding="utf-8-sig")
    arr = people[(people["level"] == "arrondissement") & (people["area"] == "total")
                 & (people["sex"] == "all") & people["code"].str.startswith("07.351.01.")]
    assert len(arr) == 5
    pop = arr["population_municipal"].astype(float)
    c14 = region.census_2014.set_index("code").loc["07.351.01.0"]
    assert c14["population_municipal_2014"] == pop.sum()
    for band in AGE_BANDS:
        weighted = float((arr[band].astype(float) * pop).sum() / pop.sum())
        assert c14[f"{band}_2014"] == round(weighted, 1), band


def test_planning_errors_carry_a_translated_message(region: Region) -> None:
    import dataclasses
    import re

    from mapping.catalogue import LANGS
    from mapping.i18n import messages, t
    from mapping.planning import PlanningError, default_options, variant

    base = default_options(region)
    bad = [
        lambda: variant("nope"),
        lambda: dataclasses.replace(base, targets={**base.targets, "primary": 200.0}).check(),
        lambda: dataclasses.replace(base, school_size={**base.school_size, "primary": 0}).check(),
        lambda: dataclasses.replace(base, targets={}).check(),
    ]
    for fn in bad:
        with pytest.raises(PlanningError) as info:
            fn()
        err = info.value
        assert err.key in messages(), err
        for lang in LANGS:
            text = t(err.key, lang, **err.params)
            assert not re.search(r"\{\w+\}", text), text
    # every key a planning error may name is in the catalogue
    import inspect

    import mapping.planning.needs as needs_mod
    import mapping.planning.projection as projection_mod

    for mod in (needs_mod, projection_mod):
        for key in re.findall(r'"(planning\.err\.\w+)"', inspect.getsource(mod)):
            assert all(messages()[key][lang] for lang in LANGS), key
