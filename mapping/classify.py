"""Classification schemes and colour-blind-safe palettes for choropleths.

Class breaks come from :mod:`mapclassify`; the palette is chosen from the
indicator's direction so that the darkest class is always the "most" of
something, red-toned when more is worse and blue-green when more is better.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import mapclassify
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
        bins = sorted(float(b) for b in manual_breaks)
        if bins[-1] < data.max():
            bins.append(float(data.max()))
        mc = mapclassify.UserDefined(data, bins=bins)
    elif k_eff < 2:
        mc = mapclassify.UserDefined(data, bins=[float(data.max())])
    elif scheme == "quantiles":
        mc = mapclassify.Quantiles(data, k=k_eff)
    elif scheme == "fisher_jenks":
        with warnings.catch_warnings():  # "Numba not installed": fine for a few hundred values
            warnings.simplefilter("ignore", UserWarning)
            mc = mapclassify.FisherJenks(data, k=k_eff)
    else:
        mc = mapclassify.EqualInterval(data, k=k_eff)
    breaks = tuple(float(b) for b in mc.bins)
    n = len(breaks)
    classes[ok] = np.asarray(mc.yb, dtype=int)
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
