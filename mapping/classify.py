"""Classification schemes and colour-blind-safe palettes for choropleths.

Class breaks are those of :mod:`mapclassify`; the palette is chosen from the
indicator's direction so that the darkest class is always the "most" of
something, red-toned when more is worse and blue-green when more is better.

Quantiles, equal intervals and manual breaks are computed here with numpy, by
mapclassify's own formulas (``tests/test_classify.py`` checks that breaks and classes
are identical on every indicator of every selection): importing mapclassify costs
about 1.4 s (it imports scipy.stats, scikit-learn and pyplot), a third of a new app
process's first map, for three lines of arithmetic. Natural breaks (Fisher-Jenks)
stay mapclassify's, imported the first time they are asked for.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import to_hex

Scheme = Literal["quantiles", "fisher_jenks", "equal_interval", "manual"]
SCHEMES: tuple[Scheme, ...] = ("quantiles", "fisher_jenks", "equal_interval", "manual")
MIN_CLASSES = 3
MAX_CLASSES = 9
NO_DATA_COLOR = "#d9d9d9"

#: ColorBrewer sequential schemes flagged colour-blind safe.
PALETTES = {True: "YlGnBu", False: "YlOrRd", None: "PuBu"}


@dataclass(frozen=True)
class Classification:
    """Result of classifying one indicator.

    Attributes
    ----------
    scheme, k
        The scheme used and the number of classes actually produced.
    breaks
        Upper bound of each class (the last equals the maximum).
    lower
        Minimum of the data (lower bound of the first class).
    classes
        Class index per input value; ``-1`` for missing values.
    colors
        One hex colour per class, light to dark.
    counts
        Number of values in each class.
    """

    scheme: Scheme
    k: int
    breaks: tuple[float, ...]
    lower: float
    classes: np.ndarray
    colors: tuple[str, ...]
    counts: tuple[int, ...]

    def color_of(self, i: int) -> str:
        """Colour of the *i*-th value (the no-data grey for missing values)."""
        c = int(self.classes[i])
        return NO_DATA_COLOR if c < 0 else self.colors[c]

    def labels(self, fmt: str = "{:,.1f}") -> list[str]:
        """Legend labels ``"a – b"`` for each class."""
        bounds = [self.lower, *self.breaks]
        return [f"{fmt.format(bounds[i])} – {fmt.format(bounds[i + 1])}" for i in range(self.k)]


@functools.lru_cache(maxsize=64)
def palette(k: int, higher_is_better: bool | None) -> tuple[str, ...]:
    """Return *k* colours, light to dark, for an indicator's direction."""
    cmap = colormaps[PALETTES[higher_is_better]]
    # skip the palest tint so class 1 stays distinct from the no-data grey
    return tuple(to_hex(cmap(x)) for x in np.linspace(0.15, 0.95, k))


def classify(
    values: Sequence[float] | np.ndarray,
    scheme: Scheme = "quantiles",
    k: int = 5,
    *,
    higher_is_better: bool | None = None,
    manual_breaks: Sequence[float] | None = None,
) -> Classification:
    """Classify *values* for a choropleth.

    Parameters
    ----------
    values
        One value per feature; NaN marks no data.
    scheme
        ``quantiles``, ``fisher_jenks`` (natural breaks), ``equal_interval``
        or ``manual`` (needs *manual_breaks*).
    k
        Number of classes, from 3 to 9 (fewer if the data has fewer distinct values).
    higher_is_better
        Orients the palette (see :data:`PALETTES`).
    manual_breaks
        Upper bounds of the classes for the manual scheme; a final break at the
        maximum is added if needed.

    Returns
    -------
    Classification

    Raises
    ------
    ValueError
        On an unknown scheme, *k* outside 3..9, or missing manual breaks.

    Examples
    --------
    >>> c = classify([1, 2, 3, 4, 5, 6], "equal_interval", 3)
    >>> c.classes.tolist()
    [0, 0, 1, 1, 2, 2]
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; choose one of {', '.join(SCHEMES)}")
    if not MIN_CLASSES <= k <= MAX_CLASSES:
        raise ValueError(
            f"number of classes must be between {MIN_CLASSES} and {MAX_CLASSES}, got {k}"
        )
    arr = np.asarray(values, dtype=float)
    ok = ~np.isnan(arr)
    classes = np.full(arr.shape, -1, dtype=int)
    data = arr[ok]
    if data.size == 0:
        return Classification(scheme, 0, (), float("nan"), classes, (), ())
    distinct = np.unique(data).size
    k_eff = max(1, min(k, distinct))
    if scheme == "manual":
        if not manual_breaks:
            raise ValueError("the manual scheme needs at least one break")
        bins = np.array(sorted(float(b) for b in manual_breaks))
        if bins[-1] < data.max():
            bins = np.append(bins, data.max())
    elif k_eff < 2:
        bins = np.array([data.max()])
    elif scheme == "quantiles":
        bins = quantile_breaks(data, k_eff)
    elif scheme == "fisher_jenks":
        bins = _fisher_jenks_breaks(data, k_eff)
    else:
        bins = equal_interval_breaks(data, k_eff)
    breaks = tuple(float(b) for b in bins)
    n = len(breaks)
    classes[ok] = bin_ids(data, bins)
    counts = tuple(int((classes == i).sum()) for i in range(n))
    return Classification(
        scheme=scheme,
        k=n,
        breaks=breaks,
        lower=float(data.min()),
        classes=classes,
        colors=palette(n, higher_is_better),
        counts=counts,
    )


def quantile_breaks(data: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of *k* quantile classes of *data* (fewer where quantiles coincide).

    ``mapclassify.classifiers.quantile``: the percentiles ``100/k, 200/k, ... 100`` by
    ``scipy.stats.scoreatpercentile`` (linear interpolation between the two nearest
    ranks, as a weighted mean), then the distinct values.

    Examples
    --------
    >>> quantile_breaks(np.arange(1000.0), 4).tolist()
    [249.75, 499.5, 749.25, 999.0]
    """
    w = 100.0 / k
    percents = np.arange(w, 100 + w, w)
    if percents[-1] > 100.0:
        percents[-1] = 100.0
    ranked = np.sort(data)
    last = ranked.size - 1
    scores = []
    for per in percents:
        idx = per / 100.0 * last
        i = int(idx)
        if i == idx:
            scores.append(ranked[i])
        else:
            lo, hi = (i + 1) - idx, idx - i
            scores.append((ranked[i] * lo + ranked[i + 1] * hi) / (lo + hi))
    return np.unique(np.array(scores))


def equal_interval_breaks(data: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of *k* classes of equal width between the minimum and the maximum.

    ``mapclassify.EqualInterval``; the last bound is the maximum itself.

    Examples
    --------
    >>> equal_interval_breaks(np.array([1.0, 2, 3, 4, 5, 6]), 3).tolist()
    [2.666666666666667, 4.333333333333334, 6.0]
    """
    low, high = data.min(), data.max()
    width = (high - low) * 1.0 / k
    cuts = np.arange(low + width, high + width, width)
    if len(cuts) > k:  # arange overshoots by one on some widths
        cuts = cuts[:k]
    cuts[-1] = high
    return cuts


def _fisher_jenks_breaks(data: np.ndarray, k: int) -> np.ndarray:
    import mapclassify  # 1.4 s on first use: see the module's docstring

    with warnings.catch_warnings():  # "Numba not installed": fine for a few hundred values
        warnings.simplefilter("ignore", UserWarning)
        return np.asarray(mapclassify.FisherJenks(data, k=k).bins, dtype=float)


def bin_ids(data: np.ndarray, bins: np.ndarray) -> np.ndarray:
    """Class of each value: the first class whose upper bound it does not exceed.

    Classes are closed on the right, ``(bins[i-1], bins[i]]``, as in
    ``mapclassify.classifiers.bin1d``; *bins* is sorted and its last bound is at least
    the maximum of *data*.
    """
    return np.searchsorted(bins, data, side="left")
