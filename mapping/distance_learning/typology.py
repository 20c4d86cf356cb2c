"""In-person access × distance-learning readiness: four classes of communes.

Each commune is poor or good on two axes:

* **in-person access**: HCP's official population-weighted mean distance from
  the douars' dwellings to a collège (or the share of people beyond a
  threshold), from :func:`mapping.access.official_access`; *poor* when above
  the cutoff (default: the median over the communes with a figure);
* **readiness**: the composite index of :mod:`mapping.distance_learning`; *poor* when
  below the cutoff (default: the median over the region's communes).

Crossing them gives four classes; poor/poor is "double deprivation". Communes
with no official distance (urban communes, which have no douar rows) are
either assumed to have good access, and flagged so, or put in a fifth
"no figure" class (:attr:`TypologyOptions.no_figure_access`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
import pandas as pd

from mapping.access.official import official_access
from mapping.datasets import Region
from mapping.distance_learning.readiness import ReadinessOptions, readiness_index
from mapping.errors import MappingError
from mapping.schema import CYCLE_AGE_COLUMN

AccessMeasure = Literal["mean_km", "share_beyond"]
NoFigureRule = Literal["assumed_good", "no_figure"]
ACCESS_MEASURES: Final[tuple[AccessMeasure, ...]] = ("mean_km", "share_beyond")
NO_FIGURE_RULES: Final[tuple[NoFigureRule, ...]] = ("assumed_good", "no_figure")

GOOD_GOOD: Final = "good_good"
GOOD_ACCESS_POOR_READINESS: Final = "good_access_poor_readiness"
POOR_ACCESS_GOOD_READINESS: Final = "poor_access_good_readiness"
DOUBLE_DEPRIVATION: Final = "double_deprivation"
NO_FIGURE: Final = "no_figure"
#: Classes in legend order; the numeric code is the position (0 = no figure).
CLASSES: Final = (NO_FIGURE, GOOD_GOOD, GOOD_ACCESS_POOR_READINESS,
                  POOR_ACCESS_GOOD_READINESS, DOUBLE_DEPRIVATION)
#: Colour per class (colour-blind-safe, double deprivation darkest red).
CLASS_COLORS: Final = {
    NO_FIGURE: "#d9d9d9",
    GOOD_GOOD: "#1a9850",
    GOOD_ACCESS_POOR_READINESS: "#fdae61",
    POOR_ACCESS_GOOD_READINESS: "#abd9e9",
    DOUBLE_DEPRIVATION: "#b2182b",
}

#: School-age columns (estimated) counted per class, in cycle order.
CHILD_COLUMNS: Final = tuple(CYCLE_AGE_COLUMN.values())
CHILDREN_TOTAL: Final = "school_age_total_est"


class TypologyError(MappingError):
    """Typology options that cannot be used."""


@dataclass(frozen=True)
class TypologyOptions:
    """How communes are classed.

    Attributes
    ----------
    cycle
        Cycle whose official distance measures in-person access:
        ``lower_secondary`` (collège, default), ``primary`` or ``upper_secondary``.
    access_measure
        ``mean_km`` (population-weighted mean official distance) or
        ``share_beyond`` (share of people beyond *threshold_km*, 0–1).
    access_cutoff
        Access is poor above this value (km, or a 0–1 share); ``None`` = the
        median over the communes with a figure.
    threshold_km
        Distance beyond which people count as far (``share_beyond`` only);
        ``None`` = the access module's default for the cycle (5 km for collège).
    readiness_cutoff
        Readiness is poor below this index value; ``None`` = the median over
        the region's communes.
    readiness
        Options of the readiness index.
    no_figure_access
        Communes without an official distance (urban): ``assumed_good``
        (flagged in ``access_assumed``) or ``no_figure`` (a class of their own).
    """

    cycle: str = "lower_secondary"
    access_measure: AccessMeasure = "mean_km"
    access_cutoff: float | None = None
    threshold_km: float | None = None
    readiness_cutoff: float | None = None
    readiness: ReadinessOptions = field(default_factory=ReadinessOptions)
    no_figure_access: NoFigureRule = "assumed_good"

    def __post_init__(self) -> None:
        if self.access_measure not in ACCESS_MEASURES:
            raise TypologyError(f"unknown access measure {self.access_measure!r}; "
                                f"choose one of {', '.join(ACCESS_MEASURES)}")
        if self.no_figure_access not in NO_FIGURE_RULES:
            raise TypologyError(f"unknown rule {self.no_figure_access!r} for communes without "
                                f"a distance; choose one of {', '.join(NO_FIGURE_RULES)}")
        for name in ("access_cutoff", "readiness_cutoff"):
            value = getattr(self, name)
            if value is not None and not np.isfinite(value):
                raise TypologyError(f"{name} must be a finite number or None, got {value!r}")


def classify_communes(
    access: pd.Series,
    readiness: pd.Series,
    options: TypologyOptions | None = None,
) -> pd.DataFrame:
    """Class each commune from its access value and readiness index.

    Parameters
    ----------
    access
        Access value per commune code (km or 0–1 share; higher = worse);
        NaN where there is no official figure.
    readiness
        Readiness index per commune code (higher = better).
    options
        Cutoffs and the rule for communes without an access figure.

    Returns
    -------
    pandas.DataFrame
        Indexed like *readiness*: ``access_value``, ``access_poor`` (bool),
        ``access_assumed`` (``True`` where no figure and assumed good),
        ``readiness_index``, ``readiness_poor`` (bool), ``typology`` (a
        :data:`CLASSES` value) and ``typology_code`` (its position). The
        cutoffs actually used are in ``attrs["access_cutoff"]`` and
        ``attrs["readiness_cutoff"]``.

    Examples
    --------
    >>> acc = pd.Series([2.0, 9.0, np.nan], index=["a", "b", "c"])
    >>> rdy = pd.Series([80.0, 20.0, 50.0], index=["a", "b", "c"])
    >>> classify_communes(acc, rdy)["typology"].tolist()
    ['good_good', 'double_deprivation', 'good_access_poor_readiness']
    """
    options = options or TypologyOptions()
    readiness = readiness.astype(float)
    access = access.astype(float).reindex(readiness.index)
    has_access = access.notna()
    a_cut = (float(access[has_access].median()) if options.access_cutoff is None
             else float(options.access_cutoff))
    r_cut = (float(readiness.median()) if options.readiness_cutoff is None
             else float(options.readiness_cutoff))
    access_poor = has_access & (access > a_cut)
    readiness_poor = readiness < r_cut
    classes = np.select(
        [access_poor & readiness_poor, access_poor, readiness_poor],
        [DOUBLE_DEPRIVATION, POOR_ACCESS_GOOD_READINESS, GOOD_ACCESS_POOR_READINESS],
        default=GOOD_GOOD,
    ).astype(object)
    no_fig = ~has_access
    if options.no_figure_access == "no_figure":
        classes[no_fig.to_numpy()] = NO_FIGURE
    classes[readiness.isna().to_numpy()] = NO_FIGURE
    out = pd.DataFrame({
        "access_value": access,
        "access_poor": access_poor,
        "access_assumed": no_fig & (options.no_figure_access == "assumed_good"),
        "readiness_index": readiness,
        "readiness_poor": readiness_poor,
        "typology": classes,
    }, index=readiness.index)
    out["typology_code"] = out["typology"].map(CLASSES.index).astype(int)
    out.attrs["access_cutoff"] = a_cut
    out.attrs["readiness_cutoff"] = r_cut
    return out


def access_values(region: Region, options: TypologyOptions | None = None) -> pd.DataFrame:
    """Official access per commune (see :func:`mapping.access.official_access`)."""
    options = options or TypologyOptions()
    return official_access(region, options.cycle, options.threshold_km)


def typology(
    region: Region,
    options: TypologyOptions | None = None,
    *,
    table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The typology of every commune of the region, with its school-age children.

    Parameters
    ----------
    region
        The loaded region.
    options
        Typology options (defaults: collège, mean distance, median cutoffs).
    table
        The commune table, if already built (``region.commune_table()`` otherwise).

    Returns
    -------
    pandas.DataFrame
        Indexed by commune code (all 251, code order): ``name_fr``, ``name_ar``,
        ``province_code``, ``type``, the :func:`classify_communes` columns,
        ``access_reason`` (why no figure), ``mean_km``, ``share_beyond``, the
        estimated children per cycle (:data:`CHILD_COLUMNS`) and
        ``school_age_total_est`` (ages 4-17). ``attrs`` holds the cutoffs.
    """
    options = options or TypologyOptions()
    table = region.commune_table() if table is None else table
    t = pd.DataFrame(table.drop(columns="geometry", errors="ignore")).set_index("code")
    acc = access_values(region, options).reindex(t.index)
    readiness = readiness_index(table, options.readiness).reindex(t.index)
    classes = classify_communes(acc[options.access_measure], readiness, options)
    out = t[["name_fr", "name_ar", "province_code", "type"]].join(classes)
    out["access_reason"] = acc["reason"]
    out["mean_km"] = acc["mean_km"]
    out["share_beyond"] = acc["share_beyond"]
    children = t[list(CHILD_COLUMNS)].apply(pd.to_numeric, errors="coerce")
    out = out.join(children)
    out[CHILDREN_TOTAL] = children.sum(axis=1, min_count=1)
    out.attrs.update(classes.attrs)
    out.attrs["cycle"] = options.cycle
    out.attrs["access_measure"] = options.access_measure
    return out


def children_by_class(typo: pd.DataFrame) -> pd.DataFrame:
    """Communes and estimated school-age children in each class.

    Parameters
    ----------
    typo
        Output of :func:`typology`, possibly filtered to a selection.

    Returns
    -------
    pandas.DataFrame
        One row per class of :data:`CLASSES` (all of them, zeros included),
        indexed by class: ``communes``, the children per cycle and in total,
        and ``share_children`` (% of the selection's total).
    """
    cols = [*CHILD_COLUMNS, CHILDREN_TOTAL]
    grouped = typo.groupby("typology")[cols].sum()
    counts = typo.groupby("typology").size().rename("communes")
    out = pd.concat([counts, grouped], axis=1).reindex(list(CLASSES)).fillna(0)
    out["communes"] = out["communes"].astype(int)
    total = float(out[CHILDREN_TOTAL].sum())
    out["share_children"] = out[CHILDREN_TOTAL] / total * 100.0 if total else 0.0
    out.index.name = "typology"
    return out


def priority_communes(typo: pd.DataFrame, by: str = CHILDREN_TOTAL) -> pd.DataFrame:
    """Double-deprivation communes ranked by their number of school-age children.

    Parameters
    ----------
    typo
        Output of :func:`typology`, possibly filtered to a selection.
    by
        Column to rank by: ``school_age_total_est`` (default) or one cycle's
        column of :data:`CHILD_COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        Indexed by commune code, with ``priority_rank`` (1 = most children)
        first, then the typology columns.
    """
    if by not in (*CHILD_COLUMNS, CHILDREN_TOTAL):
        raise TypologyError(f"cannot rank by {by!r}; use one of "
                            f"{', '.join((*CHILD_COLUMNS, CHILDREN_TOTAL))}")
    sel = typo[typo["typology"] == DOUBLE_DEPRIVATION]
    sel = sel.sort_values([by, "readiness_index"], ascending=[False, True], kind="stable")
    sel = sel.copy()
    sel.insert(0, "priority_rank", np.arange(1, len(sel) + 1))
    return sel


def priority_children(typo: pd.DataFrame) -> pd.Series:
    """School-age children (4-17, estimated) of each commune in double deprivation, else 0.

    NaN for communes in the "no figure" class.
    """
    total = typo[CHILDREN_TOTAL].astype(float)
    out = total.where(typo["typology"] == DOUBLE_DEPRIVATION, 0.0)
    return out.where(typo["typology"] != NO_FIGURE).rename("double_deprivation_children_est")
