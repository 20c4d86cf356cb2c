"""The census theme: indicators read straight from RGPH 2024 and RGPH 2014.

Their commune columns come from :meth:`mapping.datasets.Region.commune_table`;
the theme is declared in :mod:`mapping.themes`.
"""

from __future__ import annotations

from mapping.catalogue import Indicator

HCP_2024 = "HCP, RGPH 2024"
HCP_2014 = "HCP, RGPH 2014"

_EST_NOTE = {
    "fr": "Estimation : tranches d'âge quinquennales du RGPH 2024 réparties uniformément "
    "par année d'âge, appliquées à la population municipale.",
    "ar": "تقدير: توزيع الفئات العمرية الخماسية لإحصاء 2024 بالتساوي على سنوات العمر، "
    "مطبقا على السكان البلديين.",
    "en": "Estimate: RGPH 2024 five-year age bands spread evenly over single years of age, "
    "applied to the municipal population.",
}
_2014_NOTE = {
    "fr": "Recensement 2014 (le RGPH 2024 n'a pas posé cette question). Marrakech : "
    "moyenne pondérée de ses 5 arrondissements.",
    "ar": "إحصاء 2014 (لم يطرح إحصاء 2024 هذا السؤال). مراكش: متوسط مرجح لمقاطعاتها الخمس.",
    "en": "2014 census (RGPH 2024 did not ask this). Marrakech: weighted mean of its "
    "5 arrondissements.",
}
_SCHOOLING_2014_NOTE = {
    "fr": "Recensement 2014, enfants de 7 à 12 ans (le RGPH 2024 mesure les 6-11 ans).",
    "ar": "إحصاء 2014، الأطفال من 7 إلى 12 سنة (إحصاء 2024 يقيس فئة 6-11 سنة).",
    "en": "2014 census, children aged 7-12 (RGPH 2024 measures ages 6-11).",
}


def _i(
    id: str,
    fr: str,
    ar: str,
    en: str,
    unit: str,
    higher: bool | None,
    theme: str,
    *,
    year: int = 2024,
    estimated: bool = False,
    decimals: int = 1,
    note: dict[str, str] | None = None,
) -> Indicator:
    return Indicator(
        id=id,
        label={"fr": fr, "ar": ar, "en": en},
        unit=unit,
        source=HCP_2024 if year == 2024 else HCP_2014,
        year=year,
        higher_is_better=higher,
        theme=theme,
        estimated=estimated,
        decimals=decimals,
        note=note or {},
    )


CENSUS_INDICATORS: list[Indicator] = [
    # population and school-age demand
    _i("population_2024", "Population légale 2024", "السكان القانونيون 2024",
       "Legal population 2024", "people", None, "population", decimals=0),
    _i("school_age_preschool_est", "Enfants de 4-5 ans (préscolaire, estimé)",
       "الأطفال 4-5 سنوات (التعليم الأولي، تقدير)", "Children aged 4-5 (preschool, estimated)",
       "children", None, "population", estimated=True, decimals=0, note=_EST_NOTE),
    _i("school_age_primary_est", "Enfants de 6-11 ans (primaire, estimé)",
       "الأطفال 6-11 سنة (الابتدائي، تقدير)", "Children aged 6-11 (primary, estimated)",
       "children", None, "population", estimated=True, decimals=0, note=_EST_NOTE),
    _i("school_age_lower_secondary_est", "Jeunes de 12-14 ans (collège, estimé)",
       "اليافعون 12-14 سنة (الإعدادي، تقدير)", "Young people aged 12-14 (collège, estimated)",
       "children", None, "population", estimated=True, decimals=0, note=_EST_NOTE),
    _i("school_age_upper_secondary_est", "Jeunes de 15-17 ans (lycée, estimé)",
       "الشباب 15-17 سنة (التأهيلي، تقدير)", "Young people aged 15-17 (lycée, estimated)",
       "children", None, "population", estimated=True, decimals=0, note=_EST_NOTE),
    _i("population_under_15_est", "Moins de 15 ans", "السكان دون 15 سنة",
       "Population under 15", "people", None, "population", estimated=True, decimals=0,
       note=_EST_NOTE),
    _i("age_5_9", "Part des 5-9 ans", "نسبة الفئة 5-9 سنوات", "Share aged 5-9",
       "percent", None, "population"),
    _i("age_10_14", "Part des 10-14 ans", "نسبة الفئة 10-14 سنة", "Share aged 10-14",
       "percent", None, "population"),
    _i("age_15_19", "Part des 15-19 ans", "نسبة الفئة 15-19 سنة", "Share aged 15-19",
       "percent", None, "population"),
    _i("households_average_size", "Taille moyenne des ménages", "متوسط حجم الأسرة",
       "Average household size", "persons_per_household", None, "population"),
    # schooling and education
    _i("schooling_rate_6_to_11", "Taux de scolarisation des 6-11 ans",
       "نسبة تمدرس الأطفال 6-11 سنة", "School enrolment rate, ages 6-11", "percent", True,
       "schooling"),
    _i("schooling_rate_7_to_12_2014", "Taux de scolarisation des 7-12 ans (2014)",
       "نسبة تمدرس الأطفال 7-12 سنة (2014)", "School enrolment rate, ages 7-12 (2014)",
       "percent", True, "schooling", year=2014, note=_SCHOOLING_2014_NOTE),
    _i("schooling_rate_7_to_12_male_2014", "Scolarisation des garçons de 7-12 ans (2014)",
       "نسبة تمدرس الذكور 7-12 سنة (2014)", "School enrolment of boys aged 7-12 (2014)",
       "percent", True, "schooling", year=2014, note=_SCHOOLING_2014_NOTE),
    _i("schooling_rate_7_to_12_female_2014", "Scolarisation des filles de 7-12 ans (2014)",
       "نسبة تمدرس الإناث 7-12 سنة (2014)", "School enrolment of girls aged 7-12 (2014)",
       "percent", True, "schooling", year=2014, note=_SCHOOLING_2014_NOTE),
    _i("illiteracy_rate_10_plus", "Taux d'analphabétisme des 10 ans et plus",
       "نسبة الأمية لدى 10 سنوات فأكثر", "Illiteracy rate, aged 10+", "percent", False,
       "education"),
    _i("illiteracy_rate_15_plus", "Taux d'analphabétisme des 15 ans et plus",
       "نسبة الأمية لدى 15 سنة فأكثر", "Illiteracy rate, aged 15+", "percent", False,
       "education"),
    _i("illiteracy_rate_10_plus_2014", "Taux d'analphabétisme des 10 ans et plus (2014)",
       "نسبة الأمية لدى 10 سنوات فأكثر (2014)", "Illiteracy rate, aged 10+ (2014)", "percent",
       False, "education", year=2014),
    _i("illiteracy_rate_10_plus_male_2014", "Analphabétisme des hommes de 10 ans et plus (2014)",
       "نسبة الأمية لدى الذكور 10 سنوات فأكثر (2014)", "Illiteracy rate, men aged 10+ (2014)",
       "percent", False, "education", year=2014),
    _i("illiteracy_rate_10_plus_female_2014",
       "Analphabétisme des femmes de 10 ans et plus (2014)",
       "نسبة الأمية لدى الإناث 10 سنوات فأكثر (2014)", "Illiteracy rate, women aged 10+ (2014)",
       "percent", False, "education", year=2014),
    _i("education_none", "Sans niveau d'études", "بدون مستوى دراسي", "No schooling",
       "percent", False, "education"),
    _i("education_primary", "Niveau primaire", "المستوى الابتدائي", "Primary level",
       "percent", None, "education"),
    _i("education_lower_secondary", "Niveau secondaire collégial", "المستوى الإعدادي",
       "Lower secondary level", "percent", None, "education"),
    _i("education_upper_secondary", "Niveau secondaire qualifiant", "المستوى التأهيلي",
       "Upper secondary level", "percent", True, "education"),
    _i("education_higher", "Niveau supérieur", "المستوى العالي", "Higher education level",
       "percent", True, "education"),
    _i("languages_read_and_written_french", "Alphabètes lisant et écrivant le français",
       "المتعلمون الذين يقرأون ويكتبون الفرنسية", "Literate people reading and writing French",
       "percent", True, "education"),
    # economy
    _i("labour_unemployment_rate", "Taux de chômage", "معدل البطالة", "Unemployment rate",
       "percent", False, "economy"),
    _i("labour_activity_rate", "Taux d'activité des 15 ans et plus", "معدل النشاط 15 سنة فأكثر",
       "Activity rate, aged 15+", "percent", True, "economy"),
    # amenities and remoteness
    _i("amenities_electricity", "Ménages raccordés à l'électricité", "الأسر المرتبطة بالكهرباء",
       "Households with electricity", "percent", True, "amenities"),
    _i("amenities_running_water", "Ménages raccordés à l'eau courante",
       "الأسر المرتبطة بالماء الصالح للشرب", "Households with running water", "percent", True,
       "amenities"),
    _i("households_distance_to_paved_road_km", "Distance moyenne à la route goudronnée",
       "متوسط المسافة إلى الطريق المعبدة", "Mean distance to a paved road", "km", False,
       "amenities", decimals=2),
    _i("amenities_electricity_2014", "Ménages raccordés à l'électricité (2014)",
       "الأسر المرتبطة بالكهرباء (2014)", "Households with electricity (2014)", "percent",
       True, "amenities", year=2014),
    _i("amenities_running_water_2014", "Ménages raccordés à l'eau courante (2014)",
       "الأسر المرتبطة بالماء الصالح للشرب (2014)", "Households with running water (2014)",
       "percent", True, "amenities", year=2014),
    # household equipment, 2014 only
    _i("equipment_internet_2014", "Ménages ayant accès à Internet (2014)",
       "الأسر المتوفرة على الإنترنت (2014)", "Households with internet access (2014)",
       "percent", True, "equipment", year=2014, note=_2014_NOTE),
    _i("equipment_computer_2014", "Ménages équipés d'un ordinateur (2014)",
       "الأسر المتوفرة على حاسوب (2014)", "Households with a computer (2014)", "percent", True,
       "equipment", year=2014, note=_2014_NOTE),
    _i("equipment_television_2014", "Ménages équipés d'une télévision (2014)",
       "الأسر المتوفرة على تلفاز (2014)", "Households with a television (2014)", "percent",
       True, "equipment", year=2014, note=_2014_NOTE),
    _i("equipment_satellite_dish_2014", "Ménages équipés d'une antenne parabolique (2014)",
       "الأسر المتوفرة على صحن مقعر (2014)", "Households with a satellite dish (2014)",
       "percent", True, "equipment", year=2014, note=_2014_NOTE),
    _i("equipment_mobile_phone_2014", "Ménages équipés d'un téléphone portable (2014)",
       "الأسر المتوفرة على هاتف محمول (2014)", "Households with a mobile phone (2014)",
       "percent", True, "equipment", year=2014, note=_2014_NOTE),
    _i("equipment_radio_2014", "Ménages équipés d'une radio (2014)",
       "الأسر المتوفرة على مذياع (2014)", "Households with a radio (2014)", "percent", True,
       "equipment", year=2014, note=_2014_NOTE),
]
