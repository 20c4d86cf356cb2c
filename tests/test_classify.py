"""Classification schemes and palettes."""

from __future__ import annotations

import subprocess
import sys
import warnings

import mapclassify
import numpy as np
import pandas as pd
import pytest

from mapping.classify import (
    MAX_CLASSES,
    MIN_CLASSES,
    NO_DATA_COLOR,
    Scheme,
    classify,
    palette,
)
from mapping.datasets import Region
from mapping.indicators import catalogue
from mapping.registry import load_default_registry
from mapping.settings import PROJECT_ROOT
from mapping.table import indicator_table


def test_equal_interval_known_breaks() -> None:
    c = classify([0, 10, 20, 30, 40, 50], "equal_interval", 5)
    assert c.breaks == pytest.approx((10, 20, 30, 40, 50))
    assert c.classes.tolist() == [0, 0, 1, 2, 3, 4]


def test_quantiles_balance_counts() -> None:
    c = classify(np.arange(100.0), "quantiles", 4)
    assert c.counts == (25, 25, 25, 25)


def test_fisher_jenks_finds_natural_groups() -> None:
    values = [1, 2, 3, 50, 51, 52, 100, 101, 102]
    c = classify(values, "fisher_jenks", 3)
    assert c.classes.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]


def test_manual_breaks_and_no_data() -> None:
    c = classify([1.0, 5.0, np.nan, 9.0], "manual", 3, manual_breaks=[2, 6])
    assert c.breaks == (2.0, 6.0, 9.0)
    assert c.classes.tolist() == [0, 1, -1, 2]
    assert c.color_of(2) == NO_DATA_COLOR


def test_palette_direction_and_length() -> None:
    good, bad = palette(5, True), palette(5, False)
    assert len(good) == 5 and good != bad
    assert len(set(palette(9, None))) == 9


@pytest.mark.parametrize("k", [2, 10])
def test_rejects_out_of_range_k(k: int) -> None:
    with pytest.raises(ValueError, match="between 3 and 9"):
        classify([1, 2, 3], "quantiles", k)


def test_constant_values_make_one_class() -> None:
    c = classify([5.0, 5.0, 5.0], "quantiles", 5)
    assert c.k == 1 and c.classes.tolist() == [0, 0, 0]


# -- the numpy schemes give mapclassify's classes, on the real indicators ---------------

@pytest.fixture(scope="module")
def real_columns(region: Region) -> list[tuple[str, np.ndarray]]:
    """Every numeric indicator of the default registry's table, for the region and for
    each province: the data the maps classify."""
    table = indicator_table(region, load_default_registry())
    numeric = [ind.id for ind in catalogue().values()
               if ind.id in table and pd.api.types.is_numeric_dtype(table[ind.id])]
    assert len(numeric) > 20
    out = []
    for name, rows in [("region", table), *table.groupby("province_code")]:
        for col in numeric:
            values = rows[col].to_numpy(dtype=float)
            if np.isfinite(values).sum() >= 2:
                out.append((f"{name}/{col}", values))
    return out


def _mapclassify(values: np.ndarray, scheme: str, k: int,
                 manual: list[float] | None = None) -> tuple[list[float], list[int]]:
    data = values[~np.isnan(values)]
    k = min(k, np.unique(data).size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "not enough unique values"
        if manual is not None:
            mc = mapclassify.UserDefined(data, bins=sorted(manual))
        elif k < 2:
            mc = mapclassify.UserDefined(data, bins=[data.max()])
        elif scheme == "quantiles":
            mc = mapclassify.Quantiles(data, k=k)
        else:
            mc = mapclassify.EqualInterval(data, k=k)
    return [float(b) for b in mc.bins], [int(c) for c in mc.yb]


@pytest.mark.parametrize("scheme", ["quantiles", "equal_interval"])
def test_breaks_and_classes_are_mapclassifys(
        real_columns: list[tuple[str, np.ndarray]], scheme: Scheme) -> None:
    checked = 0
    for name, values in real_columns:
        for k in range(MIN_CLASSES, MAX_CLASSES + 1):
            c = classify(values, scheme, k)
            breaks, classes = _mapclassify(values, scheme, k)
            assert list(c.breaks) == breaks, (name, k)  # exact, not approximate
            assert c.classes[~np.isnan(values)].tolist() == classes, (name, k)
            checked += 1
    assert checked > 1000


def test_manual_breaks_classes_are_mapclassifys(
        real_columns: list[tuple[str, np.ndarray]]) -> None:
    for name, values in real_columns:
        data = values[~np.isnan(values)]
        # breaks on data values (ties at a bound) and between them
        manual = sorted({float(np.quantile(data, 0.3)), float(data[0]),
                         float(np.mean(data))})
        c = classify(values, "manual", 5, manual_breaks=manual)
        breaks, classes = _mapclassify(values, "manual", 5, manual)
        assert list(c.breaks) == breaks, name
        assert c.classes[~np.isnan(values)].tolist() == classes, name


def test_the_app_does_not_import_mapclassify_until_natural_breaks() -> None:
    code = ("import sys; from mapping.classify import classify; "
            "classify([1.0, 2, 3, 4, 5], 'quantiles', 3); "
            "classify([1.0, 2, 3, 4, 5], 'equal_interval', 3); "
            "print('mapclassify' in sys.modules); "
            "classify([1.0, 2, 3, 4, 5], 'fisher_jenks', 3); "
            "print('mapclassify' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, check=True,
                         capture_output=True, text=True).stdout.split()
    assert out == ["False", "True"]
