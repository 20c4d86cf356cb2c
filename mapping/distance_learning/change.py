"""Change between the 2014 and 2024 censuses, per commune, on 2024 codes.

The 2014 figures (``data/census/communes_2014.csv``) are already keyed on 2024
commune codes: 52 communes renumbered since 2014 were matched through HCP's
crosswalk, and Marrakech (``07.351.01.0``), published in 2014 only by its five
arrondissements, was rebuilt as their household- or population-weighted mean
(column ``method_2014`` says which applies to each commune).

Rates change in percentage points (2024 − 2014), the distance to a paved road
in km, the population in percent. Schooling is *not strictly comparable*:
2014 measured ages 7-12, 2024 ages 6-11.

Every 2024 commune gets a value or a reason code (:data:`REASONS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
import pandas as pd

from mapping.catalogue import Indicator
from mapping.datasets import Region

ChangeKind = Literal["points", "km", "percent"]
SOURCE: Final = "HCP, RGPH 2014 et 2024"

#: Reason codes for a missing change (translated as ``remote.change.reason.<code>``).
REASON_NO_2014_ROW: Final = "no_2014_row"
REASON_RURAL_ONLY: Final = "rural_only"
REASON_MISSING_2014: Final = "missing_2014"
REASON_MISSING_2024: Final = "missing_2024"
REASONS: Final = (REASON_NO_2014_ROW, REASON_RURAL_ONLY, REASON_MISSING_2014,
                  REASON_MISSING_2024)
#: Columns HCP publishes for rural areas only.
RURAL_ONLY_COLUMNS: Final = frozenset({"households_distance_to_paved_road_km",
                                       "households_distance_to_paved_road_km_2014"})


@dataclass(frozen=True)
class ChangePair:
    """A figure asked in both censuses.

    Attributes
    ----------
    id
        Id of the change indicator.
    column_2014, column_2024
        Columns of the commune table.
    kind
        ``points`` (2024 − 2014, percentage points), ``km`` (2024 − 2014) or
        ``percent`` (relative change, %).
    higher_is_better
        Direction of the change.
    comparable
        ``False`` when the two censuses did not measure exactly the same thing.
    label, note
        Per language.
    """

    id: str
    column_2014: str
    column_2024: str
    kind: ChangeKind
    higher_is_better: bool | None
    comparable: bool
    label: dict[str, str]
    note: dict[str, str] = field(default_factory=dict)

    def compute(self, v2014: pd.Series, v2024: pd.Series) -> pd.Series:
        """Change from *v2014* to *v2024* (NaN where either is missing)."""
        a = pd.to_numeric(v2014, errors="coerce").astype(float)
        b = pd.to_numeric(v2024, errors="coerce").astype(float)
        if self.kind == "percent":
            with np.errstate(divide="ignore", invalid="ignore"):
                return (b / a.where(a > 0) - 1.0) * 100.0
        return b - a


_MARRAKECH = {
    "fr": " Marrakech 2014 : moyenne pondérée de ses 5 arrondissements.",
    "ar": " مراكش 2014: متوسط مرجح لمقاطعاتها الخمس.",
    "en": " Marrakech 2014: weighted mean of its 5 arrondissements.",
}


def _note(fr: str, ar: str, en: str) -> dict[str, str]:
    return {"fr": fr + _MARRAKECH["fr"], "ar": ar + _MARRAKECH["ar"], "en": en + _MARRAKECH["en"]}


#: The comparable pairs, in display order.
PAIRS: Final[tuple[ChangePair, ...]] = (
    ChangePair(
        "change_illiteracy_rate_10_plus_pts", "illiteracy_rate_10_plus_2014",
        "illiteracy_rate_10_plus", "points", False, True,
        {"fr": "Évolution de l'analphabétisme des 10 ans et plus, 2014→2024",
         "ar": "تطور نسبة الأمية لدى 10 سنوات فأكثر، 2014←2024",
         "en": "Change in illiteracy, aged 10+, 2014→2024"},
        _note("Points de pourcentage : taux 2024 − taux 2014 (négatif = recul de "
              "l'analphabétisme).",
              "نقط مئوية: نسبة 2024 − نسبة 2014 (سالب = تراجع الأمية).",
              "Percentage points: 2024 rate − 2014 rate (negative = less illiteracy)."),
    ),
    ChangePair(
        "change_amenities_electricity_pts", "amenities_electricity_2014",
        "amenities_electricity", "points", True, True,
        {"fr": "Évolution du raccordement à l'électricité, 2014→2024",
         "ar": "تطور الربط بالكهرباء، 2014←2024",
         "en": "Change in households with electricity, 2014→2024"},
        _note("Points de pourcentage : part 2024 − part 2014.",
              "نقط مئوية: نسبة 2024 − نسبة 2014.",
              "Percentage points: 2024 share − 2014 share."),
    ),
    ChangePair(
        "change_amenities_running_water_pts", "amenities_running_water_2014",
        "amenities_running_water", "points", True, True,
        {"fr": "Évolution du raccordement à l'eau courante, 2014→2024",
         "ar": "تطور الربط بالماء الصالح للشرب، 2014←2024",
         "en": "Change in households with running water, 2014→2024"},
        _note("Points de pourcentage : part 2024 − part 2014.",
              "نقط مئوية: نسبة 2024 − نسبة 2014.",
              "Percentage points: 2024 share − 2014 share."),
    ),
    ChangePair(
        "change_households_distance_to_paved_road_km", "households_distance_to_paved_road_km_2014",
        "households_distance_to_paved_road_km", "km", False, True,
        {"fr": "Évolution de la distance à la route goudronnée, 2014→2024",
         "ar": "تطور المسافة إلى الطريق المعبدة، 2014←2024",
         "en": "Change in distance to a paved road, 2014→2024"},
        {"fr": "km : distance moyenne 2024 − distance 2014. Publiée par le HCP pour le milieu "
               "rural seulement : sans objet pour les communes urbaines.",
         "ar": "كلم: متوسط المسافة 2024 − مسافة 2014. تنشرها المندوبية للوسط القروي فقط: لا "
               "ينطبق على الجماعات الحضرية.",
         "en": "km: 2024 mean distance − 2014 distance. Published by HCP for rural areas only: "
               "not applicable to urban communes."},
    ),
    ChangePair(
        "change_schooling_rate_pts", "schooling_rate_7_to_12_2014", "schooling_rate_6_to_11",
        "points", True, False,
        {"fr": "Évolution de la scolarisation (7-12 ans en 2014, 6-11 ans en 2024)",
         "ar": "تطور التمدرس (7-12 سنة في 2014، 6-11 سنة في 2024)",
         "en": "Change in school enrolment (ages 7-12 in 2014, 6-11 in 2024)"},
        _note("Pas strictement comparable : le RGPH 2014 mesure les 7-12 ans, le RGPH 2024 "
              "les 6-11 ans. Points : taux 2024 (6-11) − taux 2014 (7-12).",
              "غير قابل للمقارنة بدقة: إحصاء 2014 يقيس فئة 7-12 سنة وإحصاء 2024 فئة 6-11 "
              "سنة. نقط: نسبة 2024 (6-11) − نسبة 2014 (7-12).",
              "Not strictly comparable: RGPH 2014 measures ages 7-12, RGPH 2024 ages 6-11. "
              "Points: 2024 rate (6-11) − 2014 rate (7-12)."),
    ),
    ChangePair(
        "change_population_pct", "population_2014", "population_2024", "percent", None, True,
        {"fr": "Évolution de la population légale, 2014→2024",
         "ar": "تطور السكان القانونيين، 2014←2024",
         "en": "Change in legal population, 2014→2024"},
        {"fr": "Pourcentage : population 2024 / population 2014 − 1. Limites communales de "
               "2024 ; une commune redécoupée depuis 2014 peut montrer un écart qui n'est pas "
               "une croissance.",
         "ar": "نسبة مئوية: سكان 2024 / سكان 2014 − 1. حدود الجماعات لسنة 2024؛ قد يعكس فرق "
               "جماعة أعيد تقطيعها منذ 2014 تغير الحدود لا النمو.",
         "en": "Percent: 2024 population / 2014 population − 1. 2024 commune boundaries; a "
               "commune redrawn since 2014 may show a gap that is not growth."},
    ),
)

_UNIT = {"points": "points", "km": "km", "percent": "percent"}


def _indicator(pair: ChangePair) -> Indicator:
    return Indicator(
        id=pair.id, label=pair.label, unit=_UNIT[pair.kind], source=SOURCE, year=2024,
        higher_is_better=pair.higher_is_better, theme="remote", estimated=False,
        decimals=2 if pair.kind == "km" else 1, note=pair.note,
    )


#: Change indicators for the catalogue (theme ``remote``).
INDICATORS: Final[list[Indicator]] = [_indicator(p) for p in PAIRS]


def pair(change_id: str) -> ChangePair:
    """The pair whose change indicator is *change_id* (``KeyError`` if unknown)."""
    for p in PAIRS:
        if p.id == change_id:
            return p
    raise KeyError(change_id)


def _reason(row_2014: bool, v14: float, v24: float, rural_only: bool, urban: bool) -> str | None:
    if not row_2014:
        return REASON_NO_2014_ROW
    if v14 == v14 and v24 == v24:  # both present (not NaN)
        return None
    if rural_only and urban:
        return REASON_RURAL_ONLY
    return REASON_MISSING_2014 if v14 != v14 else REASON_MISSING_2024


def change_long(region: Region) -> pd.DataFrame:
    """Every commune × pair: the 2014 and 2024 values, the change, or why there is none.

    Returns
    -------
    pandas.DataFrame
        One row per (commune, pair), communes in code order: ``code``,
        ``name_fr``, ``type``, ``code_2014``, ``method_2014``, ``indicator``
        (change id), ``column_2014``, ``column_2024``, ``value_2014``,
        ``value_2024``, ``change``, ``kind``, ``comparable`` and ``reason``
        (None, or a :data:`REASONS` code).
    """
    table = pd.DataFrame(region.commune_table().drop(columns="geometry"))
    meta = region.census_2014[["code", "code_2014", "method_2014"]]
    table = table.merge(meta, on="code", how="left")
    has_row = table["code"].isin(set(region.census_2014["code"]))
    urban = (table["type"] == "urban").to_numpy()
    frames = []
    for p in PAIRS:
        v14 = pd.to_numeric(table[p.column_2014], errors="coerce").astype(float)
        v24 = pd.to_numeric(table[p.column_2024], errors="coerce").astype(float)
        rural_only = p.column_2014 in RURAL_ONLY_COLUMNS or p.column_2024 in RURAL_ONLY_COLUMNS
        reasons = [
            _reason(bool(h), a, b, rural_only, bool(u))
            for h, a, b, u in zip(has_row, v14, v24, urban, strict=True)
        ]
        frames.append(pd.DataFrame({
            "code": table["code"],
            "name_fr": table["name_fr"],
            "type": table["type"],
            "code_2014": table["code_2014"],
            "method_2014": table["method_2014"],
            "indicator": p.id,
            "column_2014": p.column_2014,
            "column_2024": p.column_2024,
            "value_2014": v14,
            "value_2024": v24,
            "change": p.compute(v14, v24),
            "kind": p.kind,
            "comparable": p.comparable,
            "reason": reasons,
        }))
    out = pd.concat(frames, ignore_index=True)
    order = {p.id: i for i, p in enumerate(PAIRS)}
    out = out.sort_values(["code", "indicator"], key=lambda s: s.map(order) if s.name ==
                          "indicator" else s, kind="stable")
    return out.reset_index(drop=True)


def change_table(region: Region) -> pd.DataFrame:
    """Wide table of change per commune, indexed by 2024 commune code.

    Returns
    -------
    pandas.DataFrame
        ``name_fr``, ``type``, ``code_2014``, ``method_2014``, then for each
        pair its 2014 column, its 2024 column, the change (column = change id)
        and ``<change id>_reason``.
    """
    long = change_long(region)
    first = long.drop_duplicates("code").set_index("code")
    out = first[["name_fr", "type", "code_2014", "method_2014"]].copy()
    for p in PAIRS:
        part = long[long["indicator"] == p.id].set_index("code")
        out[p.column_2014] = part["value_2014"]
        out[p.column_2024] = part["value_2024"]
        out[p.id] = part["change"]
        out[f"{p.id}_reason"] = part["reason"]
    return out


def change_indicators(region: Region) -> pd.DataFrame:
    """Just the change indicators (columns = :data:`INDICATORS` ids), by commune code."""
    table = change_table(region)
    return table[[ind.id for ind in INDICATORS]]
