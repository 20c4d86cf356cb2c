"""Distance-learning readiness: components, composite index and its sensitivity.

Readiness to learn at home is read from seven census figures per commune:
the 2014 shares of households with internet, a computer, a television, a
satellite dish and a mobile phone (the 2024 census did not ask about
equipment), the 2024 share of households with electricity, and the 2024
adult literacy rate (100 − illiteracy rate of people aged 15+), a proxy for
help with school work at home.

The composite index is a weighted mean of the components after each has been
put on a 0–100 scale::

    score_c(commune) = 100 × (x_c − min_c) / (max_c − min_c)     (min–max, default)
    score_c(commune) = x_c                                       (fixed 0–100 scale)
    index(commune)   = Σ_c w_c × score_c(commune) / Σ_c w_c

where min_c and max_c are taken over the communes of the table passed in
(the whole region in the app, so that filters never change a commune's value).
See ``docs/methods-distance-learning.md`` for the default weights and why.

The in-person × readiness typology lives in :mod:`mapping.distance_learning.typology`;
the 2014 → 2024 change in :mod:`mapping.distance_learning.change`; the theme's catalogue
indicators in :mod:`mapping.distance_learning.indicators`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from mapping.errors import MappingError

Normalisation = Literal["minmax", "fixed"]
NORMALISATIONS: tuple[Normalisation, ...] = ("minmax", "fixed")

SOURCE = "HCP, RGPH 2014 et 2024"


class ReadinessError(MappingError):
    """Readiness options a user set that cannot be used (unknown component, bad weight)."""


@dataclass(frozen=True)
class ReadinessComponent:
    """One component of the readiness index.

    Attributes
    ----------
    id
        Short identifier used in options and the UI.
    column
        Column of the commune table the figure comes from.
    year
        Census year of the figure (2014 or 2024).
    invert
        ``True`` when the score is ``100 − column`` (literacy from illiteracy).
    """

    id: str
    column: str
    year: int
    invert: bool = False

    def values(self, table: pd.DataFrame) -> pd.Series:
        """The component's raw share (0–100) for each row of *table*."""
        if self.column not in table:
            raise ReadinessError(
                f"readiness component {self.id!r} needs column {self.column!r}, "
                "which the commune table does not have"
            )
        raw = pd.to_numeric(table[self.column], errors="coerce").astype(float)
        return (100.0 - raw if self.invert else raw).clip(0.0, 100.0)


#: The components, in display order.
COMPONENTS: tuple[ReadinessComponent, ...] = (
    ReadinessComponent("internet", "equipment_internet_2014", 2014),
    ReadinessComponent("computer", "equipment_computer_2014", 2014),
    ReadinessComponent("television", "equipment_television_2014", 2014),
    ReadinessComponent("satellite_dish", "equipment_satellite_dish_2014", 2014),
    ReadinessComponent("mobile_phone", "equipment_mobile_phone_2014", 2014),
    ReadinessComponent("electricity", "amenities_electricity", 2024),
    ReadinessComponent("adult_literacy", "illiteracy_rate_15_plus", 2024, invert=True),
)
COMPONENT_IDS: tuple[str, ...] = tuple(c.id for c in COMPONENTS)
_BY_ID: dict[str, ReadinessComponent] = {c.id: c for c in COMPONENTS}

#: Default weights (points out of 100), justified in docs/methods-distance-learning.md:
#: online 25 (internet 15, computer 10), broadcast 25 (television 15, dish 10),
#: mobile phone 20, electricity 10, adult literacy 20.
DEFAULT_WEIGHTS: tuple[float, ...] = (15.0, 10.0, 15.0, 10.0, 20.0, 10.0, 20.0)


def component(component_id: str) -> ReadinessComponent:
    """Return the component *component_id*.

    Raises
    ------
    ReadinessError
        If the id is unknown.
    """
    try:
        return _BY_ID[component_id]
    except KeyError:
        raise ReadinessError(
            f"unknown readiness component {component_id!r}; "
            f"known: {', '.join(COMPONENT_IDS)}"
        ) from None


@dataclass(frozen=True)
class ReadinessOptions:
    """How the composite readiness index is computed.

    Attributes
    ----------
    components
        Component ids (see :data:`COMPONENT_IDS`).
    weights
        One non-negative weight per component, in any scale; they are
        normalised to sum to 1. At least one must be positive.
    normalisation
        ``"minmax"`` (each component rescaled to 0–100 over the communes of
        the table) or ``"fixed"`` (the shares used as they are, already 0–100).

    Examples
    --------
    >>> ReadinessOptions().normalised_weights()["internet"]
    0.15
    """

    components: tuple[str, ...] = COMPONENT_IDS
    weights: tuple[float, ...] = DEFAULT_WEIGHTS
    normalisation: Normalisation = "minmax"

    def __post_init__(self) -> None:
        if len(self.components) != len(self.weights):
            raise ReadinessError(
                f"{len(self.components)} components but {len(self.weights)} weights; "
                "give one weight per component"
            )
        if len(set(self.components)) != len(self.components):
            raise ReadinessError("a readiness component is listed twice")
        for cid, w in zip(self.components, self.weights, strict=True):
            component(cid)
            if not math.isfinite(w) or w < 0:
                raise ReadinessError(
                    f"weight of {cid!r} is {w!r}; weights must be finite and 0 or more"
                )
        if sum(self.weights) <= 0:
            raise ReadinessError("every readiness weight is 0; give at least one a weight")
        if self.normalisation not in NORMALISATIONS:
            raise ReadinessError(
                f"unknown normalisation {self.normalisation!r}; "
                f"choose one of {', '.join(NORMALISATIONS)}"
            )

    @classmethod
    def from_weights(
        cls, weights: Mapping[str, float], normalisation: Normalisation = "minmax"
    ) -> ReadinessOptions:
        """Options from a ``{component id: weight}`` mapping."""
        return cls(tuple(weights), tuple(float(w) for w in weights.values()), normalisation)

    def normalised_weights(self) -> dict[str, float]:
        """Weights scaled to sum to 1, keyed by component id."""
        total = float(sum(self.weights))
        return {c: w / total for c, w in zip(self.components, self.weights, strict=True)}

    def with_weight(self, component_id: str, weight: float) -> ReadinessOptions:
        """A copy with the weight of *component_id* set to *weight*."""
        component(component_id)
        if component_id not in self.components:
            return replace(self, components=(*self.components, component_id),
                           weights=(*self.weights, weight))
        weights = tuple(weight if c == component_id else w
                        for c, w in zip(self.components, self.weights, strict=True))
        return replace(self, weights=weights)


def component_scores(table: pd.DataFrame, options: ReadinessOptions | None = None) -> pd.DataFrame:
    """Each component's 0–100 score per commune, before weighting.

    Parameters
    ----------
    table
        Commune table (one row per commune) with the components' columns and,
        if present, a ``code`` column used as the index of the result.
    options
        Components and normalisation; defaults to :class:`ReadinessOptions`.

    Returns
    -------
    pandas.DataFrame
        One column per component id; NaN where the census gives no figure.
        Under min–max, a component equal in every commune scores 50.
    """
    options = options or ReadinessOptions()
    index = pd.Index(table["code"], name="code") if "code" in table else table.index
    out = {}
    for cid in options.components:
        raw = component(cid).values(table)
        values = raw.to_numpy(dtype=float)
        if options.normalisation == "minmax":
            lo, hi = np.nanmin(values), np.nanmax(values)
            scores = (
                np.where(np.isnan(values), np.nan, 50.0)
                if not hi > lo
                else (values - lo) / (hi - lo) * 100.0
            )
        else:
            scores = values
        out[cid] = scores
    return pd.DataFrame(out, index=index)


def readiness_index(table: pd.DataFrame, options: ReadinessOptions | None = None) -> pd.Series:
    """The composite distance-learning readiness index (0–100) per commune.

    Parameters
    ----------
    table
        Commune table (e.g. :meth:`mapping.datasets.Region.commune_table`).
        Min–max bounds are taken over its rows: pass the whole region and
        filter afterwards so that a commune's value does not depend on the
        selection.
    options
        Components, weights and normalisation.

    Returns
    -------
    pandas.Series
        Named ``readiness_index``, indexed by commune code (or the table's
        index when it has no ``code`` column); NaN when a component with a
        positive weight has no figure.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"code": ["a", "b"], "equipment_internet_2014": [1.0, 3.0]})
    >>> readiness_index(t, ReadinessOptions(("internet",), (1.0,))).tolist()
    [0.0, 100.0]
    """
    options = options or ReadinessOptions()
    return _weighted(component_scores(table, options), options)


def _weighted(scores: pd.DataFrame, options: ReadinessOptions) -> pd.Series:
    """Weighted mean of component *scores* under *options*' weights."""
    total = pd.Series(0.0, index=scores.index)
    for cid, w in options.normalised_weights().items():
        if w > 0:
            total = total + w * scores[cid]
    return total.clip(0.0, 100.0).rename("readiness_index")


# --- sensitivity --------------------------------------------------------------------------


def _ranks(index: pd.Series) -> pd.Series:
    # 1 = most ready; ties share the best rank
    return index.rank(ascending=False, method="min")


def scenarios(options: ReadinessOptions, factor: float = 0.5,
              leave_one_out: bool = True) -> dict[str, tuple[str, str, ReadinessOptions]]:
    """The weight changes tried by the sensitivity view.

    Each component with a positive weight is tried with its weight times
    ``1 + factor`` and ``1 − factor`` (others unchanged, all renormalised) and,
    if *leave_one_out*, with weight 0 (unless it is the only positive weight).

    Returns
    -------
    dict
        Scenario name → (component id, change label ``"+50%"``, ``"-50%"`` or
        ``"0"``, options).
    """
    if not 0 < factor < 1:
        raise ReadinessError(f"the sensitivity factor must be between 0 and 1, got {factor}")
    out: dict[str, tuple[str, str, ReadinessOptions]] = {}
    positive = [c for c, w in zip(options.components, options.weights, strict=True) if w > 0]
    pct = round(factor * 100)
    for cid, w in zip(options.components, options.weights, strict=True):
        if w <= 0:
            continue
        out[f"{cid}:+{pct}%"] = (cid, f"+{pct}%", options.with_weight(cid, w * (1 + factor)))
        out[f"{cid}:-{pct}%"] = (cid, f"-{pct}%", options.with_weight(cid, w * (1 - factor)))
        if leave_one_out and len(positive) > 1:
            out[f"{cid}:0"] = (cid, "0", options.with_weight(cid, 0.0))
    return out


def sensitivity_ranks(
    table: pd.DataFrame,
    options: ReadinessOptions | None = None,
    *,
    factor: float = 0.5,
    leave_one_out: bool = True,
    subset: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Rank of each commune (1 = most ready) under the base weights and each scenario.

    Parameters
    ----------
    table
        The whole region's commune table (min–max bounds come from it).
    options
        Base options.
    factor, leave_one_out
        See :func:`scenarios`.
    subset
        Commune codes to rank among (e.g. the selection); all rows if ``None``.

    Returns
    -------
    pandas.DataFrame
        Indexed by commune code; column ``base`` then one column per scenario.
    """
    options = options or ReadinessOptions()
    every = scenarios(options, factor, leave_one_out)
    scores = component_scores(table, options)  # weights do not change the scores
    cols = {"base": _weighted(scores, options)}
    for name, (_, _, opts) in every.items():
        cols[name] = _weighted(scores, opts)
    frame = pd.DataFrame(cols)
    if subset is not None:
        frame = frame.loc[frame.index.isin(list(subset))]
    frame = frame.dropna(subset=["base"])
    return frame.apply(_ranks).astype(int)


def _quartile(ranks: pd.Series, n: int) -> pd.Series:
    return ((ranks - 1) * 4 // max(n, 1) + 1).astype(int)


def sensitivity_summary(ranks: pd.DataFrame) -> pd.DataFrame:
    """Summarise rank shifts per scenario.

    Parameters
    ----------
    ranks
        Output of :func:`sensitivity_ranks`.

    Returns
    -------
    pandas.DataFrame
        One row per scenario: ``scenario``, ``component``, ``change``,
        ``max_shift``, ``median_shift``, ``mean_shift`` (absolute rank shifts)
        and ``quartile_changes`` (communes whose readiness quartile changes).
    """
    n = len(ranks)
    base_q = _quartile(ranks["base"], n)
    rows = []
    for name in ranks.columns.drop("base"):
        shift = (ranks[name] - ranks["base"]).abs()
        cid, _, change_label = name.partition(":")
        rows.append({
            "scenario": name,
            "component": cid,
            "change": change_label,
            "max_shift": int(shift.max()) if n else 0,
            "median_shift": float(shift.median()) if n else 0.0,
            "mean_shift": float(shift.mean()) if n else 0.0,
            "quartile_changes": int((_quartile(ranks[name], n) != base_q).sum()),
        })
    return pd.DataFrame(rows, columns=["scenario", "component", "change", "max_shift",
                                       "median_shift", "mean_shift", "quartile_changes"])


def commune_rank_shifts(ranks: pd.DataFrame) -> pd.DataFrame:
    """Per commune: base rank, best and worst rank over the scenarios, largest shift.

    Returns
    -------
    pandas.DataFrame
        Indexed by commune code: ``base_rank``, ``best_rank``, ``worst_rank``,
        ``max_shift``, ``base_quartile`` and ``quartile_stable`` (``True``
        when no scenario moves the commune to another quartile); sorted by
        ``max_shift`` descending.
    """
    n = len(ranks)
    base_q = _quartile(ranks["base"], n)
    quartiles = ranks.apply(lambda col: _quartile(col, n))
    out = pd.DataFrame({
        "base_rank": ranks["base"],
        "best_rank": ranks.min(axis=1),
        "worst_rank": ranks.max(axis=1),
        "max_shift": ranks.sub(ranks["base"], axis=0).abs().max(axis=1),
        "base_quartile": base_q,
        "quartile_stable": quartiles.eq(base_q, axis=0).all(axis=1),
    })
    return out.sort_values(["max_shift", "base_rank"], ascending=[False, True])


__all__ = [
    "COMPONENTS",
    "COMPONENT_IDS",
    "DEFAULT_WEIGHTS",
    "ReadinessComponent",
    "ReadinessError",
    "ReadinessOptions",
    "commune_rank_shifts",
    "component",
    "component_scores",
    "readiness_index",
    "scenarios",
    "sensitivity_ranks",
    "sensitivity_summary",
]
