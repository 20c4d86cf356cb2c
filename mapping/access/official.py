"""In-person access: HCP's official douar distances to school, per commune and province.

The RGPH 2024 douar table gives, for every douar of the region's rural parts,
HCP's mean distance (km) from its dwellings to the nearest primary school,
collège and lycée. HCP withholds these figures (and the age shares) for douars
under 30 households: such douars are counted apart as having "no figure", with
their population, and never silently dropped.

:func:`official_access` aggregates the official figures per commune, province
or region; :data:`INDICATORS` and :func:`commune_indicators` put them in the
catalogue. Distances computed from a registry are in :mod:`mapping.access.computed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from mapping.catalogue import Indicator
from mapping.datasets import Region
from mapping.errors import MappingError, UnknownCodeError
from mapping.schema import CYCLE_DISTANCE_COLUMN
from mapping.settings import REGION_CODE

SOURCE: Final = "HCP, RGPH 2024"
#: Cycles for which HCP measured douar distances, in order.
ACCESS_CYCLES: Final = ("primary", "lower_secondary", "upper_secondary")
#: Distance bands (km) of douar maps and scenario tables: 0–1, 1–2, 2–5, 5–10, 10–20, > 20.
DISTANCE_BANDS_KM: Final = (1.0, 2.0, 5.0, 10.0, 20.0)
#: Aggregation levels accepted by :func:`official_access`.
LEVELS: Final = ("commune", "province", "region")
#: Code of the region (index of the single row at ``level="region"``).

#: Reasons a commune has no official access figure.
REASON_NO_DOUARS: Final = "no_douars"
REASON_ALL_WITHHELD: Final = "all_withheld"

#: Columns of :func:`official_access`, in order.
ACCESS_COLUMNS: Final = (
    "mean_km",
    "mean_km_under15",
    "population",
    "population_with_figure",
    "population_no_figure",
    "douars",
    "douars_no_figure",
    "population_beyond",
    "share_beyond",
    "under15_with_figure",
    "under15_beyond",
    "share_under15_beyond",
    "reason",
)


class AccessError(MappingError):
    """An access analysis was asked for something it cannot do (cycle, threshold, level)."""


@dataclass(frozen=True)
class AccessOptions:
    """Distance thresholds (km) beyond which a douar counts as far from school.

    Attributes
    ----------
    primary_km, lower_secondary_km, upper_secondary_km
        Threshold per cycle; defaults 2 km (primary), 5 km (collège), 10 km (lycée).
    """

    primary_km: float = 2.0
    lower_secondary_km: float = 5.0
    upper_secondary_km: float = 10.0

    def threshold(self, cycle: str) -> float:
        """Threshold (km) for *cycle*.

        Raises
        ------
        AccessError
            If *cycle* is not one of :data:`ACCESS_CYCLES`.
        """
        check_cycle(cycle)
        return float(getattr(self, f"{cycle}_km"))


DEFAULT_OPTIONS: Final = AccessOptions()


def check_cycle(cycle: str) -> str:
    """Return *cycle* if HCP measured distances for it, else raise :class:`AccessError`."""
    if cycle not in ACCESS_CYCLES:
        raise AccessError(
            f"no official distance for cycle {cycle!r}: choose one of {', '.join(ACCESS_CYCLES)}"
        )
    return cycle


def check_threshold(threshold_km: float) -> float:
    """Return *threshold_km* as a float if it is a finite positive number."""
    try:
        value = float(threshold_km)
    except (TypeError, ValueError) as exc:
        raise AccessError(f"distance threshold {threshold_km!r} is not a number") from exc
    if not np.isfinite(value) or value <= 0:
        raise AccessError(
            f"distance threshold must be a positive number of km, got {threshold_km!r}"
        )
    return value


def douar_frame(region: Region, cycle: str) -> pd.DataFrame:
    """Douars with population, under-15 population and the official distance for *cycle*.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``region.douars``; columns ``code``, ``commune_code``,
        ``province_code``, ``population``, ``under15`` (population × under-15
        share / 100, NaN where withheld), ``distance_km`` (NaN where withheld),
        ``has_figure``.
    """
    col = CYCLE_DISTANCE_COLUMN[check_cycle(cycle)]
    d = region.douars
    province = region.communes.set_index("code")["province_code"]
    pop = pd.to_numeric(d["population"], errors="coerce").fillna(0.0).astype(float)
    dist = pd.to_numeric(d[col], errors="coerce").astype(float)
    under15 = pop * pd.to_numeric(d["age_under_15"], errors="coerce") / 100.0
    return pd.DataFrame(
        {
            "code": d["code"],
            "commune_code": d["commune_code"],
            "province_code": d["commune_code"].map(province),
            "population": pop,
            "under15": under15,
            "distance_km": dist,
            "has_figure": dist.notna(),
        },
        index=d.index,
    )


def aggregate_access(frame: pd.DataFrame, key: str, threshold_km: float) -> pd.DataFrame:
    """Aggregate a :func:`douar_frame`-like table by *key* (a column name).

    Weighted means use the population (or under-15 population) of douars with
    a figure; shares are of the people (under-15s) with a figure. A group whose
    douars all lack figures gets NaN means and shares, reason ``all_withheld``.
    """
    f = frame
    has = f["has_figure"].to_numpy(bool)
    pop = f["population"].to_numpy(float)
    dist = f["distance_km"].to_numpy(float)
    u15 = np.nan_to_num(f["under15"].to_numpy(float))
    dist0 = np.where(has, dist, 0.0)
    beyond = has & (dist0 > threshold_km)
    parts = pd.DataFrame(
        {
            "key": f[key].to_numpy(),
            "population": pop,
            "population_with_figure": np.where(has, pop, 0.0),
            "population_no_figure": np.where(has, 0.0, pop),
            "douars": 1,
            "douars_no_figure": (~has).astype(int),
            "population_beyond": np.where(beyond, pop, 0.0),
            "pop_km": np.where(has, pop * dist0, 0.0),
            "under15_with_figure": np.where(has, u15, 0.0),
            "under15_beyond": np.where(beyond, u15, 0.0),
            "u15_km": np.where(has, u15 * dist0, 0.0),
        }
    )
    g = parts.groupby("key", sort=True).sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        pwf = g["population_with_figure"].to_numpy(float)
        uwf = g["under15_with_figure"].to_numpy(float)
        out = pd.DataFrame(index=g.index)
        out["mean_km"] = np.where(pwf > 0, g["pop_km"] / np.where(pwf > 0, pwf, 1), np.nan)
        out["mean_km_under15"] = np.where(uwf > 0, g["u15_km"] / np.where(uwf > 0, uwf, 1),
                                          np.nan)
        for col in ("population", "population_with_figure", "population_no_figure",
                    "douars", "douars_no_figure", "population_beyond"):
            out[col] = g[col].astype(float)
        out["share_beyond"] = np.where(pwf > 0, g["population_beyond"] / np.where(
            pwf > 0, pwf, 1), np.nan)
        out["under15_with_figure"] = g["under15_with_figure"]
        out["under15_beyond"] = g["under15_beyond"]
        out["share_under15_beyond"] = np.where(uwf > 0, g["under15_beyond"] / np.where(
            uwf > 0, uwf, 1), np.nan)
    none_with = pwf <= 0
    for col in ("population_beyond", "under15_with_figure", "under15_beyond"):
        out.loc[none_with, col] = np.nan
    out["reason"] = pd.Series(
        [REASON_ALL_WITHHELD if flag else None for flag in none_with], index=out.index,
        dtype=object,
    )
    out.index.name = "code"
    return out[list(ACCESS_COLUMNS)]


def official_access(
    region: Region,
    cycle: str,
    threshold_km: float | None = None,
    *,
    level: str = "commune",
    options: AccessOptions = DEFAULT_OPTIONS,
) -> pd.DataFrame:
    """Official (HCP) distance to school per commune, province or for the region.

    Parameters
    ----------
    region
        The loaded region.
    cycle
        ``primary``, ``lower_secondary`` (collège) or ``upper_secondary`` (lycée).
    threshold_km
        Distance beyond which people count as far; defaults to *options*'
        threshold for *cycle* (2, 5 or 10 km).
    level
        ``commune`` (all 251, indexed by dotted code), ``province`` (indexed by
        province code) or ``region`` (one row, ``"07"``).
    options
        Default thresholds.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ACCESS_COLUMNS`: ``mean_km`` (population-weighted over
        douars with a figure), ``mean_km_under15`` (weighted by population ×
        ``age_under_15`` / 100), ``population`` (all douars), ``population_with_figure``,
        ``population_no_figure`` and ``douars_no_figure`` (figures withheld by
        HCP), ``douars``, ``population_beyond`` (people > threshold),
        ``share_beyond`` (0–1, of people with a figure), ``under15_with_figure``,
        ``under15_beyond``, ``share_under15_beyond`` (0–1) and ``reason``: None,
        ``"no_douars"`` (urban commune without douar rows: every figure NaN)
        or ``"all_withheld"``.

    Raises
    ------
    AccessError
        For an unknown cycle or level, or a threshold that is not a positive number.

    Examples
    --------
    >>> acc = official_access(load_region(), "lower_secondary", level="region")
    >>> round(float(acc["share_beyond"].iloc[0]), 3)
    0.584
    """
    threshold = check_threshold(
        options.threshold(cycle) if threshold_km is None else threshold_km
    )
    if level not in LEVELS:
        raise AccessError(f"unknown level {level!r}: choose one of {', '.join(LEVELS)}")
    frame = douar_frame(region, cycle)
    if level == "region":
        frame = frame.assign(region=REGION_CODE)
        return aggregate_access(frame, "region", threshold)
    key = "commune_code" if level == "commune" else "province_code"
    out = aggregate_access(frame, key, threshold)
    if level == "commune":
        index = pd.Index(region.communes["code"], name="code")
    else:
        index = pd.Index(region.provinces["province_code"], name="code")
    out = out.reindex(index)
    reasons = [
        REASON_NO_DOUARS if pd.isna(n) else (r if isinstance(r, str) else None)
        for n, r in zip(out["douars"], out["reason"], strict=True)
    ]
    out["reason"] = pd.Series(reasons, index=out.index, dtype=object)
    return out


# -- catalogue ------------------------------------------------------------------------------

_CYCLE_FR_TO = {"primary": "à l'école primaire", "lower_secondary": "au collège",
                "upper_secondary": "au lycée"}
_CYCLE_FR_FROM = {"primary": "de l'école primaire", "lower_secondary": "du collège",
                  "upper_secondary": "du lycée"}
_CYCLE_AR = {"primary": "المدرسة الابتدائية", "lower_secondary": "الإعدادية",
             "upper_secondary": "الثانوية التأهيلية"}
_CYCLE_EN = {"primary": "primary school", "lower_secondary": "collège (lower secondary)",
             "upper_secondary": "lycée (upper secondary)"}

_NOTE = {
    "fr": "Distance moyenne officielle des logements du douar à l'établissement le plus proche "
    "(HCP, RGPH 2024), pondérée par la population des douars ruraux ; les douars de moins de "
    "30 ménages, dont le HCP ne publie pas les chiffres, sont exclus des moyennes et parts et "
    "comptés à part. Communes urbaines : sans objet.",
    "ar": "المسافة المتوسطة الرسمية من مساكن الدوار إلى أقرب مؤسسة (المندوبية السامية للتخطيط، "
    "إحصاء 2024)، مرجحة بسكان الدواوير القروية؛ الدواوير التي تقل عن 30 أسرة، والتي لا تنشر "
    "المندوبية أرقامها، مستبعدة من المتوسطات والنسب ومحسوبة على حدة. الجماعات الحضرية: لا ينطبق.",
    "en": "HCP's official mean distance from the douar's dwellings to the nearest school "
    "(RGPH 2024), weighted by the population of rural douars; douars under 30 households, "
    "whose figures HCP withholds, are left out of means and shares and counted apart. "
    "Urban communes: not applicable.",
}


def _km(value: float) -> str:
    return f"{value:g}"


def _indicator(id: str, fr: str, ar: str, en: str, unit: str, higher: bool | None,
               decimals: int) -> Indicator:
    return Indicator(
        id=id, label={"fr": fr, "ar": ar, "en": en}, unit=unit, source=SOURCE, year=2024,
        higher_is_better=higher, theme="access", estimated=False, decimals=decimals,
        note=dict(_NOTE),
    )


def _build_indicators(options: AccessOptions = DEFAULT_OPTIONS) -> list[Indicator]:
    out: list[Indicator] = []
    for c in ACCESS_CYCLES:
        km = _km(options.threshold(c))
        fr, de, ar, en = _CYCLE_FR_TO[c], _CYCLE_FR_FROM[c], _CYCLE_AR[c], _CYCLE_EN[c]
        out += [
            _indicator(f"access_mean_km_{c}", f"Distance moyenne {fr} (douars ruraux)",
                       f"المسافة المتوسطة إلى {ar} (الدواوير القروية)",
                       f"Mean distance to {en} (rural douars)", "km", False, 1),
            _indicator(f"access_mean_km_under15_{c}",
                       f"Distance moyenne {fr}, moins de 15 ans",
                       f"المسافة المتوسطة إلى {ar}، أقل من 15 سنة",
                       f"Mean distance to {en}, under-15s", "km", False, 1),
            _indicator(f"access_share_beyond_{c}",
                       f"Population rurale à plus de {km} km {de}",
                       f"السكان القرويون على بعد أكثر من {km} كلم من {ar}",
                       f"Rural population more than {km} km from {en}", "percent", False, 1),
            _indicator(f"access_population_beyond_{c}",
                       f"Habitants à plus de {km} km {de}",
                       f"عدد السكان على بعد أكثر من {km} كلم من {ar}",
                       f"People more than {km} km from {en}", "people", False, 0),
            _indicator(f"access_under15_beyond_{c}",
                       f"Moins de 15 ans à plus de {km} km {de}",
                       f"الأطفال دون 15 سنة على بعد أكثر من {km} كلم من {ar}",
                       f"Under-15s more than {km} km from {en}", "children", False, 0),
        ]
    out.append(
        _indicator("access_population_no_figure",
                   "Population des douars sans chiffre de distance (non publié)",
                   "سكان الدواوير بدون رقم للمسافة (غير منشور)",
                   "Population of douars without a distance figure (withheld)",
                   "people", None, 0)
    )
    return out


#: Official access indicators (theme ``access``), one per cycle and measure.
INDICATORS: list[Indicator] = _build_indicators()

#: Measures of :func:`official_access` that can be mapped, and their indicator prefix.
MAP_MEASURES: Final = ("mean_km", "mean_km_under15", "share_beyond", "population_beyond",
                       "under15_beyond", "population_no_figure")

_MEASURE_COLUMN = {
    "access_mean_km_": "mean_km",
    "access_mean_km_under15_": "mean_km_under15",
    "access_share_beyond_": "share_beyond",
    "access_population_beyond_": "population_beyond",
    "access_under15_beyond_": "under15_beyond",
}


def indicator_for(
    cycle: str, measure: str, threshold_km: float | None = None
) -> Indicator:
    """Catalogue entry describing *measure* of :func:`official_access` for *cycle*.

    With a non-default *threshold_km*, labels of the threshold measures name it.
    ``share_beyond`` is described in percent (multiply the 0–1 share by 100).
    """
    check_cycle(cycle)
    if measure not in MAP_MEASURES:
        raise AccessError(f"unknown access measure {measure!r}: choose one of "
                          f"{', '.join(MAP_MEASURES)}")
    if measure == "population_no_figure":
        return get_indicator("access_population_no_figure")
    prefix = {v: k for k, v in _MEASURE_COLUMN.items()}[measure]
    if threshold_km is None or check_threshold(threshold_km) == DEFAULT_OPTIONS.threshold(cycle):
        return get_indicator(f"{prefix}{cycle}")
    opts = AccessOptions(**{f"{cycle}_km": float(threshold_km)})
    for ind in _build_indicators(opts):
        if ind.id == f"{prefix}{cycle}":
            return ind
    raise AccessError(f"no indicator for {measure!r}")  # pragma: no cover


def commune_indicators(region: Region, registry: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Per-commune values of :data:`INDICATORS`, indexed by commune code.

    *registry* is not used: official figures do not depend on it. Shares are
    in percent; urban communes without douars are NaN.
    """
    index = pd.Index(region.communes["code"], name="code")
    out = pd.DataFrame(index=index)
    no_figure: pd.Series | None = None
    for c in ACCESS_CYCLES:
        acc = official_access(region, c)
        for prefix, column in _MEASURE_COLUMN.items():
            values = acc[column].astype(float)
            out[f"{prefix}{c}"] = values * 100.0 if column == "share_beyond" else values
        if no_figure is None:
            no_figure = acc["population_no_figure"].astype(float)
    assert no_figure is not None
    out["access_population_no_figure"] = no_figure
    return out[[i.id for i in INDICATORS]]


def get_indicator(id: str) -> Indicator:
    """The access indicator *id*; raises :class:`UnknownCodeError` if unknown."""
    for ind in INDICATORS:
        if ind.id == id:
            return ind
    raise UnknownCodeError(f"unknown access indicator {id!r}")
