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

The in-person × readiness typology lives in :mod:`mapping.typology`; the
2014 → 2024 change in :mod:`mapping.change`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from mapping import change
from mapping.catalogue import Indicator
from mapping.datasets import Region
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


# --- catalogue ----------------------------------------------------------------------------

_INDEX_NOTE = {
    "fr": "Indice composite, pas une mesure : moyenne pondérée de 7 composantes ramenées sur "
    "0–100 (min–max sur les 251 communes). 2014 : Internet 15, ordinateur 10, télévision 15, "
    "parabole 10, téléphone portable 20 ; 2024 : électricité 10, alphabétisation des 15 ans "
    "et plus 20. Voir la note de méthode.",
    "ar": "مؤشر مركب وليس قياسا: متوسط مرجح لسبعة مكونات مردودة إلى 0–100 (أدنى–أقصى على "
    "الجماعات 251). 2014: الإنترنت 15، الحاسوب 10، التلفاز 15، الصحن المقعر 10، الهاتف المحمول "
    "20؛ 2024: الكهرباء 10، معرفة القراءة والكتابة لدى 15 سنة فأكثر 20. انظر المذكرة المنهجية.",
    "en": "Composite index, not a measurement: weighted mean of 7 components rescaled to "
    "0–100 (min–max over the 251 communes). 2014: internet 15, computer 10, television 15, "
    "satellite dish 10, mobile phone 20; 2024: electricity 10, literacy of people aged 15+ 20. "
    "See the methods note.",
}
_LITERACY_NOTE = {
    "fr": "100 − taux d'analphabétisme des 15 ans et plus (RGPH 2024) ; indicateur indirect de "
    "l'aide possible à la maison.",
    "ar": "100 − نسبة الأمية لدى 15 سنة فأكثر (إحصاء 2024)؛ مؤشر غير مباشر على المساعدة "
    "الممكنة في البيت.",
    "en": "100 − illiteracy rate of people aged 15+ (RGPH 2024); an indirect sign of the help "
    "children can get at home.",
}
_PRIORITY_NOTE = {
    "fr": "Enfants de 4 à 17 ans (estimés) des communes en double privation : accès présentiel "
    "au collège moins bon que la médiane régionale (distance moyenne officielle HCP 2024) et "
    "indice de préparation sous la médiane. 0 pour les autres communes.",
    "ar": "الأطفال من 4 إلى 17 سنة (تقدير) في الجماعات ذات الحرمان المزدوج: ولوج حضوري إلى "
    "الإعدادي أسوأ من الوسيط الجهوي (متوسط المسافة الرسمي 2024) ومؤشر جاهزية دون الوسيط. "
    "0 في باقي الجماعات.",
    "en": "Children aged 4-17 (estimated) in double-deprivation communes: in-person access to "
    "collège worse than the regional median (HCP 2024 official mean distance) and readiness "
    "index below the median. 0 in other communes.",
}

READINESS_INDICATORS: list[Indicator] = [
    Indicator(
        id="readiness_index",
        label={"fr": "Indice de préparation à l'enseignement à distance (composite 2014/2024)",
               "ar": "مؤشر الجاهزية للتعليم عن بعد (مركب 2014/2024)",
               "en": "Distance-learning readiness index (composite 2014/2024)"},
        unit="index", source=SOURCE, year=2024, higher_is_better=True, theme="remote",
        estimated=False, decimals=1, note=_INDEX_NOTE,
    ),
    Indicator(
        id="literacy_rate_15_plus",
        label={"fr": "Taux d'alphabétisation des 15 ans et plus (2024)",
               "ar": "نسبة معرفة القراءة والكتابة لدى 15 سنة فأكثر (2024)",
               "en": "Literacy rate, aged 15+ (2024)"},
        unit="percent", source="HCP, RGPH 2024", year=2024, higher_is_better=True,
        theme="remote", decimals=1, note=_LITERACY_NOTE,
    ),
    Indicator(
        id="double_deprivation_children_est",
        label={"fr": "Enfants de 4-17 ans en double privation (estimé)",
               "ar": "الأطفال 4-17 سنة في وضعية حرمان مزدوج (تقدير)",
               "en": "Children aged 4-17 in double deprivation (estimated)"},
        unit="children", source=SOURCE, year=2024, higher_is_better=False, theme="remote",
        estimated=True, decimals=0, note=_PRIORITY_NOTE,
    ),
]

#: Every distance-learning indicator: readiness, typology count, 2014 → 2024 change.
INDICATORS: list[Indicator] = [*READINESS_INDICATORS, *change.INDICATORS]


def commune_indicators(region: Region, registry: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Per-commune values of :data:`INDICATORS`, indexed by commune code.

    Uses the default readiness and typology options. The school registry is
    not used: every figure here comes from the censuses.
    """
    from mapping import typology

    table = region.commune_table()
    codes = pd.Index(table["code"], name="code")
    out = pd.DataFrame(index=codes)
    out["readiness_index"] = readiness_index(table).reindex(codes)
    literacy = 100.0 - pd.to_numeric(table["illiteracy_rate_15_plus"], errors="coerce")
    out["literacy_rate_15_plus"] = literacy.to_numpy()
    typo = typology.typology(region, table=table)
    out["double_deprivation_children_est"] = typology.priority_children(typo).reindex(codes)
    changes = change.change_indicators(region).reindex(codes)
    for ind in change.INDICATORS:
        out[ind.id] = changes[ind.id]
    return out[[ind.id for ind in INDICATORS]]


__all__ = [
    "COMPONENTS",
    "COMPONENT_IDS",
    "DEFAULT_WEIGHTS",
    "INDICATORS",
    "ReadinessComponent",
    "ReadinessError",
    "ReadinessOptions",
    "commune_indicators",
    "commune_rank_shifts",
    "component",
    "component_scores",
    "readiness_index",
    "scenarios",
    "sensitivity_ranks",
    "sensitivity_summary",
]
