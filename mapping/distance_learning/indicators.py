"""The distance-learning theme's catalogue indicators and their commune columns.

Readiness (:mod:`~mapping.distance_learning.readiness`), the access × readiness
typology (:mod:`~mapping.distance_learning.typology`) and the 2014 → 2024 change
(:mod:`~mapping.distance_learning.change`) each give commune figures; this module
names them for the catalogue.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from mapping.catalogue import Indicator
from mapping.datasets import Region
from mapping.distance_learning import change, typology
from mapping.distance_learning.readiness import SOURCE, readiness_index

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
