"""Classification schemes and palettes."""

from __future__ import annotations

import numpy as np
import pytest

from mapping.classify import NO_DATA_COLOR, classify, palette


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
