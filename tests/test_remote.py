"""Distance-learning readiness: weights, bounds, monotonicity, sensitivity, catalogue."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mapping import distance_learning as remote
from mapping.catalogue import LANGS
from mapping.datasets import Region
from mapping.distance_learning import (
    COMPONENT_IDS,
    COMPONENTS,
    ReadinessError,
    ReadinessOptions,
    component_scores,
    readiness_index,
    sensitivity_ranks,
    sensitivity_summary,
)
from mapping.indicators import catalogue

N_COMPONENTS = len(COMPONENTS)


@pytest.fixture(scope="module")
def table(region: Region) -> pd.DataFrame:
    return pd.DataFrame(region.commune_table().drop(columns="geometry"))


def _table(values: np.ndarray) -> pd.DataFrame:
    """A commune table with one row per line of *values* (one column per component)."""
    data = {"code": [f"c{i}" for i in range(len(values))]}
    for j, comp in enumerate(COMPONENTS):
        data[comp.column] = values[:, j]
    return pd.DataFrame(data)


# --- options ------------------------------------------------------------------------------


def test_default_weights_are_normalised_and_documented() -> None:
    w = ReadinessOptions().normalised_weights()
    assert list(w) == list(COMPONENT_IDS)
    assert sum(w.values()) == pytest.approx(1.0)
    assert w["internet"] == pytest.approx(0.15)
    assert w["mobile_phone"] == pytest.approx(0.20)
    assert w["adult_literacy"] == pytest.approx(0.20)


@given(st.lists(st.floats(0, 1000, allow_nan=False), min_size=N_COMPONENTS,
                max_size=N_COMPONENTS).filter(lambda ws: sum(ws) > 1e-6))
def test_any_weights_normalise_to_one(weights: list[float]) -> None:
    opts = ReadinessOptions(COMPONENT_IDS, tuple(weights))
    w = opts.normalised_weights()
    assert sum(w.values()) == pytest.approx(1.0)
    assert all(v >= 0 for v in w.values())


@pytest.mark.parametrize(
    ("components", "weights", "message"),
    [
        (("internet",), (-1.0,), "0 or more"),
        (("internet", "computer"), (0.0, 0.0), "every readiness weight is 0"),
        (("wifi",), (1.0,), "unknown readiness component 'wifi'"),
        (("internet",), (1.0, 2.0), "1 components but 2 weights"),
        (("internet", "internet"), (1.0, 1.0), "listed twice"),
        (("internet",), (float("nan"),), "finite"),
    ],
)
def test_bad_options_raise_specific_errors(
    components: tuple[str, ...], weights: tuple[float, ...], message: str
) -> None:
    with pytest.raises(ReadinessError, match=message):
        ReadinessOptions(components, weights)


def test_unknown_normalisation() -> None:
    with pytest.raises(ReadinessError, match="normalisation"):
        ReadinessOptions(normalisation="zscore")  # type: ignore[arg-type]


def test_from_weights_and_with_weight() -> None:
    opts = ReadinessOptions.from_weights({"internet": 1, "television": 3})
    assert opts.normalised_weights() == {"internet": 0.25, "television": 0.75}
    assert opts.with_weight("internet", 3).normalised_weights()["internet"] == 0.5
    assert "computer" in opts.with_weight("computer", 1).components


# --- the index ----------------------------------------------------------------------------


def test_hand_computed_index() -> None:
    t = pd.DataFrame({
        "code": ["a", "b", "c"],
        "equipment_internet_2014": [0.0, 5.0, 10.0],
        "illiteracy_rate_15_plus": [60.0, 20.0, 40.0],
    })
    opts = ReadinessOptions(("internet", "adult_literacy"), (3.0, 1.0))
    # literacy 40, 80, 60 -> min-max 0, 100, 50; internet 0, 50, 100
    idx = readiness_index(t, opts)
    assert idx.index.tolist() == ["a", "b", "c"]
    assert idx.tolist() == pytest.approx([0.0, 0.75 * 50 + 0.25 * 100, 0.75 * 100 + 0.25 * 50])
    fixed = readiness_index(t, ReadinessOptions(("internet", "adult_literacy"), (3.0, 1.0),
                                                "fixed"))
    assert fixed.tolist() == pytest.approx([0.25 * 40, 0.75 * 5 + 0.25 * 80,
                                            0.75 * 10 + 0.25 * 60])


def test_constant_component_scores_fifty_and_missing_gives_nan() -> None:
    t = pd.DataFrame({"code": ["a", "b"], "equipment_internet_2014": [4.0, 4.0],
                      "equipment_computer_2014": [1.0, np.nan]})
    scores = component_scores(t, ReadinessOptions(("internet", "computer"), (1.0, 1.0)))
    assert scores["internet"].tolist() == [50.0, 50.0]
    idx = readiness_index(t, ReadinessOptions(("internet", "computer"), (1.0, 1.0)))
    assert idx.iloc[0] == pytest.approx(50.0)  # both components constant over the table
    assert np.isnan(idx.iloc[1])


def test_missing_column_is_reported(table: pd.DataFrame) -> None:
    with pytest.raises(ReadinessError, match="equipment_internet_2014"):
        readiness_index(table.drop(columns="equipment_internet_2014"))


@pytest.mark.parametrize("normalisation", ["minmax", "fixed"])
def test_real_index_bounded(table: pd.DataFrame, normalisation: str) -> None:
    idx = readiness_index(table, ReadinessOptions(normalisation=normalisation))  # type: ignore[arg-type]
    assert len(idx) == 251 and idx.notna().all()
    assert idx.between(0, 100).all()
    if normalisation == "minmax":
        # urban Marrakech is among the most ready communes, far above the median
        assert idx["07.351.01.0"] > idx.quantile(0.9)


_rows = st.integers(2, 12)


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    n=_rows,
    normalisation=st.sampled_from(["minmax", "fixed"]),
)
def test_index_bounded_and_monotonic(data: st.DataObject, n: int, normalisation: str) -> None:
    values = np.array(data.draw(st.lists(
        st.lists(st.floats(0, 100, allow_nan=False), min_size=N_COMPONENTS,
                 max_size=N_COMPONENTS), min_size=n, max_size=n)))
    weights = tuple(data.draw(st.lists(st.floats(0, 10, allow_nan=False),
                                       min_size=N_COMPONENTS, max_size=N_COMPONENTS)
                              .filter(lambda w: sum(w) > 1e-3)))
    opts = ReadinessOptions(COMPONENT_IDS, weights, normalisation)  # type: ignore[arg-type]
    base = readiness_index(_table(values), opts)
    assert base.between(0, 100).all()
    row = data.draw(st.integers(0, n - 1))
    col = data.draw(st.integers(0, N_COMPONENTS - 1))
    step = data.draw(st.floats(0.01, 100))
    better = values.copy()
    # "better" means more equipment, or less illiteracy for adult literacy
    if COMPONENTS[col].invert:
        better[row, col] = max(0.0, better[row, col] - step)
    else:
        better[row, col] = min(100.0, better[row, col] + step)
    after = readiness_index(_table(better), opts)
    assert after.iloc[row] >= base.iloc[row] - 1e-9
    assert after.between(0, 100).all()


@pytest.mark.parametrize("comp", COMPONENT_IDS)
def test_strictly_increasing_with_positive_weight(comp: str) -> None:
    c = remote.component(comp)
    lo, hi = (60.0, 20.0) if c.invert else (20.0, 60.0)
    t = pd.DataFrame({"code": ["a", "b", "c"], c.column: [lo, 40.0, hi]})
    idx = readiness_index(t, ReadinessOptions((comp,), (1.0,)))
    assert idx.is_monotonic_increasing and idx.iloc[0] < idx.iloc[2]


# --- sensitivity --------------------------------------------------------------------------


def test_scenarios_cover_each_positive_weight() -> None:
    opts = ReadinessOptions(("internet", "television", "computer"), (2.0, 2.0, 0.0))
    sc = remote.scenarios(opts, factor=0.5)
    assert sorted(sc) == sorted(["internet:+50%", "internet:-50%", "internet:0",
                                 "television:+50%", "television:-50%", "television:0"])
    assert sc["internet:+50%"][2].normalised_weights()["internet"] == pytest.approx(3 / 5)
    single = remote.scenarios(ReadinessOptions(("internet",), (1.0,)))
    assert "internet:0" not in single
    with pytest.raises(ReadinessError, match="between 0 and 1"):
        remote.scenarios(opts, factor=1.5)


def test_sensitivity_on_real_data(table: pd.DataFrame) -> None:
    ranks = sensitivity_ranks(table)
    assert len(ranks) == 251
    assert ranks.columns[0] == "base" and ranks.shape[1] == 1 + 3 * N_COMPONENTS
    assert ranks["base"].min() == 1 and ranks["base"].max() <= 251
    summary = sensitivity_summary(ranks)
    assert len(summary) == 3 * N_COMPONENTS
    assert (summary["max_shift"] >= summary["median_shift"]).all()
    assert summary["quartile_changes"].between(0, 251).all()
    # removing a component moves ranks more than halving its weight
    by = summary.set_index("scenario")
    for comp in COMPONENT_IDS:
        assert by.loc[f"{comp}:0", "mean_shift"] >= by.loc[f"{comp}:-50%", "mean_shift"]
    shifts = remote.commune_rank_shifts(ranks)
    assert shifts["max_shift"].is_monotonic_decreasing
    assert (shifts["best_rank"] <= shifts["base_rank"]).all()
    assert (shifts["worst_rank"] >= shifts["base_rank"]).all()
    assert int(shifts["max_shift"].max()) == int(summary["max_shift"].max())


def test_sensitivity_within_a_subset(table: pd.DataFrame) -> None:
    codes = table.loc[table["province_code"] == "07.041", "code"].tolist()
    ranks = sensitivity_ranks(table, subset=codes)
    assert sorted(ranks.index) == sorted(codes)
    assert sorted(ranks["base"]) == list(range(1, len(codes) + 1))


def test_identical_weights_mean_no_shift() -> None:
    t = _table(np.array([[float(i)] * N_COMPONENTS for i in range(8)]))
    summary = sensitivity_summary(sensitivity_ranks(t))
    assert (summary["max_shift"] == 0).all() and (summary["quartile_changes"] == 0).all()


# --- catalogue and commune indicators -----------------------------------------------------


def test_indicators_in_catalogue() -> None:
    cat = catalogue()
    for ind in remote.INDICATORS:
        assert cat[ind.id] is ind
        assert ind.theme == "remote"
        assert set(ind.label) == set(LANGS) and all(ind.label.values())
        assert ind.year == 2024
    assert cat["readiness_index"].unit == "index"
    assert "2014" in cat["readiness_index"].source
    for comp in COMPONENTS:
        if not comp.invert:
            assert cat[comp.column].year == comp.year


def test_commune_indicators(region: Region, table: pd.DataFrame) -> None:
    out = remote.commune_indicators(region, None)
    assert list(out.columns) == [ind.id for ind in remote.INDICATORS]
    assert out.index.tolist() == region.communes["code"].tolist()
    assert out["readiness_index"].between(0, 100).all()
    lit = 100 - table.set_index("code")["illiteracy_rate_15_plus"]
    assert np.allclose(out["literacy_rate_15_plus"], lit.reindex(out.index))
    assert out["double_deprivation_children_est"].notna().all()
    assert (out["double_deprivation_children_est"] > 0).sum() > 20


# --- the page -----------------------------------------------------------------------------


@pytest.mark.slow
def test_page_runs_and_reacts_to_options() -> None:
    from streamlit.testing.v1 import AppTest

    from mapping.settings import PROJECT_ROOT

    at = AppTest.from_file(str(PROJECT_ROOT / "ui" / "pages" / "remote.py"), default_timeout=180)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("2014" in w.value for w in at.warning)  # equipment figures flagged as 2014
    # formula table: 7 components; sensitivity summary: 3 scenarios per component
    assert [d.value.shape[0] for d in at.dataframe][:2] == [7, 21]
    at.slider(key="rw_internet").set_value(40)
    at.run()
    # the weights carry over to the typology section, whose sliders are not drawn
    at.session_state["remote_section"] = "typology"
    at.session_state["rt_rule"] = "no_figure"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    classes = at.dataframe[0].value
    assert len(classes) == 5  # the urban communes now form a "no figure" class
    cutoffs = [m.value for m in at.markdown if "43,8" in m.value]
    assert cutoffs, "the readiness median should reflect the internet weight of 40"
    at.session_state["remote_section"] = "change"
    at.session_state["rc_pick"] = "change_schooling_rate_pts"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("7-12" in w.value for w in at.warning)  # schooling: not strictly comparable
    assert len(at.dataframe[0].value) == 251


def test_every_component_is_translated_with_its_year() -> None:
    from mapping.i18n import messages

    for comp in COMPONENTS:
        entry = messages()[f"remote.component.{comp.id}"]
        assert set(entry) == set(LANGS)
        assert all(str(comp.year) in text for text in entry.values())
    for norm in remote.NORMALISATIONS:
        assert set(messages()[f"remote.norm.{norm}"]) == set(LANGS)
