"""In-person access × readiness typology: thresholds, no-figure rule, children, priorities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mapping.datasets import Region
from mapping.distance_learning import typology as ty
from mapping.distance_learning.typology import (
    CHILD_COLUMNS,
    CHILDREN_TOTAL,
    CLASSES,
    DOUBLE_DEPRIVATION,
    GOOD_ACCESS_POOR_READINESS,
    GOOD_GOOD,
    NO_FIGURE,
    POOR_ACCESS_GOOD_READINESS,
    TypologyError,
    TypologyOptions,
    classify_communes,
)
from mapping.filters import Selection

CODES = ["a", "b", "c", "d", "e", "f"]
ACCESS = pd.Series([2.0, 4.0, 6.0, 8.0, 5.0, np.nan], index=CODES)
READY = pd.Series([90.0, 30.0, 70.0, 10.0, 50.0, 20.0], index=CODES)


@pytest.fixture(scope="module")
def typo(region: Region) -> pd.DataFrame:
    return ty.typology(region)


def test_explicit_thresholds_on_a_hand_made_table() -> None:
    out = classify_communes(ACCESS, READY, TypologyOptions(access_cutoff=5.0,
                                                           readiness_cutoff=50.0))
    assert out["typology"].tolist() == [
        GOOD_GOOD,                   # 2 km, 90
        GOOD_ACCESS_POOR_READINESS,  # 4 km, 30
        POOR_ACCESS_GOOD_READINESS,  # 6 km, 70
        DOUBLE_DEPRIVATION,          # 8 km, 10
        GOOD_GOOD,                   # exactly on both cutoffs: not poor
        GOOD_ACCESS_POOR_READINESS,  # no access figure -> assumed good, flagged
    ]
    assert out["access_assumed"].tolist() == [False] * 5 + [True]
    assert out["typology_code"].tolist() == [1, 2, 3, 4, 1, 2]
    assert out.attrs == {"access_cutoff": 5.0, "readiness_cutoff": 50.0}


def test_median_cutoffs() -> None:
    out = classify_communes(ACCESS, READY)
    # median of the 5 access figures = 5.0; median of the 6 readiness values = 40.0
    assert out.attrs["access_cutoff"] == 5.0
    assert out.attrs["readiness_cutoff"] == 40.0
    assert out["typology"].tolist() == [
        GOOD_GOOD, GOOD_ACCESS_POOR_READINESS, POOR_ACCESS_GOOD_READINESS,
        DOUBLE_DEPRIVATION, GOOD_GOOD, GOOD_ACCESS_POOR_READINESS,
    ]


def test_no_figure_rule_and_missing_readiness() -> None:
    opts = TypologyOptions(access_cutoff=5.0, readiness_cutoff=50.0,
                           no_figure_access="no_figure")
    out = classify_communes(ACCESS, READY, opts)
    assert out.loc["f", "typology"] == NO_FIGURE and out.loc["f", "typology_code"] == 0
    assert not out["access_assumed"].any()
    ready = READY.copy()
    ready["a"] = np.nan
    assert classify_communes(ACCESS, ready, opts).loc["a", "typology"] == NO_FIGURE


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"access_measure": "max_km"}, "access measure"),
     ({"no_figure_access": "drop"}, "without a distance"),
     ({"readiness_cutoff": float("inf")}, "readiness_cutoff")],
)
def test_bad_options(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(TypologyError, match=message):
        TypologyOptions(**kwargs)  # type: ignore[arg-type]


def test_real_typology(region: Region, typo: pd.DataFrame) -> None:
    assert typo.index.tolist() == region.communes["code"].tolist()
    assert set(typo["typology"]) <= set(CLASSES)
    urban = typo["type"] == "urban"
    # urban communes have no douar rows except Tassoultante (rural part counted by HCP)
    assert (typo.loc[typo["access_assumed"], "access_reason"] == "no_douars").all()
    assert typo["access_assumed"].sum() == urban.sum() - 1
    assert not typo.loc["07.351.01.13", "access_assumed"]
    assert (typo.loc[typo["access_assumed"], "typology"]
            .isin([GOOD_GOOD, GOOD_ACCESS_POOR_READINESS]).all())
    # the median cutoff splits the communes with a figure in half
    with_fig = typo[~typo["access_assumed"]]
    assert abs(int(with_fig["access_poor"].sum()) - len(with_fig) / 2) <= 1
    assert typo.attrs["access_cutoff"] == pytest.approx(with_fig["mean_km"].median())
    assert (typo[CHILDREN_TOTAL] == typo[list(CHILD_COLUMNS)].sum(axis=1)).all()


@pytest.mark.parametrize("selection", [Selection(), Selection(provinces=("07.041",)),
                                       Selection(area="rural"),
                                       Selection(provinces=("07.211",), area="urban")])
def test_children_per_class_add_up(region: Region, typo: pd.DataFrame,
                                   selection: Selection) -> None:
    mask = selection.commune_mask(region.communes).to_numpy()
    sel = typo[mask]
    counts = ty.children_by_class(sel)
    assert counts.index.tolist() == list(CLASSES)
    assert int(counts["communes"].sum()) == int(mask.sum())
    for col in (*CHILD_COLUMNS, CHILDREN_TOTAL):
        assert counts[col].sum() == pytest.approx(float(sel[col].sum()))
    assert counts["share_children"].sum() == pytest.approx(100.0)


def test_priority_list(typo: pd.DataFrame) -> None:
    prio = ty.priority_communes(typo)
    assert (prio["typology"] == DOUBLE_DEPRIVATION).all()
    assert len(prio) == int((typo["typology"] == DOUBLE_DEPRIVATION).sum()) > 0
    assert prio["priority_rank"].tolist() == list(range(1, len(prio) + 1))
    assert prio[CHILDREN_TOTAL].is_monotonic_decreasing
    assert (prio["type"] == "rural").all() or "07.351.01.13" in prio.index
    children = ty.priority_children(typo)
    assert children.sum() == pytest.approx(prio[CHILDREN_TOTAL].sum())
    assert (children[typo["typology"] != DOUBLE_DEPRIVATION] == 0).all()
    by_cycle = ty.priority_communes(typo, by="school_age_lower_secondary_est")
    assert by_cycle["school_age_lower_secondary_est"].is_monotonic_decreasing
    with pytest.raises(TypologyError, match="cannot rank by"):
        ty.priority_communes(typo, by="population_2024")


def test_share_beyond_measure(region: Region) -> None:
    opts = TypologyOptions(access_measure="share_beyond", threshold_km=3.0, access_cutoff=0.5)
    out = ty.typology(region, opts)
    has = out["access_value"].notna()
    assert out.loc[has, "access_value"].between(0, 1).all()
    assert (out.loc[has, "access_poor"] == (out.loc[has, "share_beyond"] > 0.5)).all()
    # a lower threshold puts more people beyond it than the 5 km default
    default = ty.typology(region, TypologyOptions(access_measure="share_beyond"))
    assert (out["share_beyond"].fillna(0) >= default["share_beyond"].fillna(0) - 1e-12).all()


def test_primary_cycle_uses_primary_distances(region: Region, typo: pd.DataFrame) -> None:
    prim = ty.typology(region, TypologyOptions(cycle="primary"))
    # primary schools are nearer than collèges nearly everywhere
    both = prim["mean_km"].notna() & typo["mean_km"].notna()
    assert (prim.loc[both, "mean_km"] < typo.loc[both, "mean_km"]).mean() > 0.9


def test_every_class_and_option_is_translated() -> None:
    from mapping.catalogue import LANGS
    from mapping.i18n import messages

    keys = [f"remote.class.{c}" for c in CLASSES]
    keys += [f"remote.typo.measure.{m}" for m in ty.ACCESS_MEASURES]
    keys += [f"remote.typo.rule.{r}" for r in ty.NO_FIGURE_RULES]
    for key in keys:
        assert set(messages()[key]) == set(LANGS), key
    assert set(ty.CLASS_COLORS) == set(CLASSES)
