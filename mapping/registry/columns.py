"""Recognition of registry column headers and coded values (French, Arabic, English).

Headers are compared after :func:`mapping.filters.fold` (case, accents, Arabic
letter variants) and removal of punctuation, so "Code établissement",
"CODE_ETABLISSEMENT" and "code etablissement" are the same header.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from mapping.filters import fold
from mapping.schema import REGISTRY_COLUMNS

#: Source fields recognised besides the canonical ones: projected coordinates and
#: names used to join a school to its commune.
EXTRA_FIELDS = ("x", "y", "commune_name", "province_name", "address")
#: Every target a source column can be mapped to.
TARGETS = (*REGISTRY_COLUMNS, *EXTRA_FIELDS)

_ALIASES: dict[str, tuple[str, ...]] = {
    "school_id": (
        "school_id", "id", "code", "code etablissement", "code etab", "code_etab",
        "code ecole", "code gresa", "gresa", "cd etab", "id etablissement", "school code",
        "رمز المؤسسة", "الرمز", "رقم المؤسسة", "كود المؤسسة", "code massar",
    ),
    "name_fr": (
        "name_fr", "name", "nom", "nom etablissement", "nom de l etablissement", "nom etab",
        "nom ecole", "nom_etabl", "etablissement", "school name", "school", "libelle",
        "nom fr", "nom francais", "designation",
    ),
    "name_ar": (
        "name_ar", "nom arabe", "nom ar", "nom_etaba", "اسم المؤسسة", "المؤسسة", "الاسم",
        "اسم المدرسة", "name arabic", "arabic name",
    ),
    "cycle": (
        "cycle", "niveau", "ordre", "cycle d enseignement", "level", "education level",
        "السلك", "المستوى", "سلك", "الطور", "type enseignement",
    ),
    "sector": (
        "sector", "secteur", "statut juridique", "public prive", "القطاع", "ownership",
        "type secteur",
    ),
    "kind": (
        "kind", "type", "type etablissement", "nature", "categorie", "type d etablissement",
        "school type", "النوع", "نوع المؤسسة", "الصنف",
    ),
    "parent_id": (
        "parent_id", "parent", "code parent", "groupe scolaire", "code groupe scolaire",
        "code gs", "المجموعة المدرسية", "رمز المجموعة المدرسية", "school group",
    ),
    "commune_code": (
        "commune_code", "code commune", "code_commune", "code com", "cd com", "code hcp",
        "رمز الجماعة", "commune code",
    ),
    "lon": (
        "lon", "long", "lng", "longitude", "x wgs84", "longitude wgs84", "خط الطول",
        "lon wgs84",
    ),
    "lat": ("lat", "latitude", "y wgs84", "latitude wgs84", "خط العرض", "lat wgs84"),
    "x": ("x", "coord x", "x lambert", "lambert x", "coordonnee x", "easting", "xl"),
    "y": ("y", "coord y", "y lambert", "lambert y", "coordonnee y", "northing", "yl"),
    "classrooms": (
        "classrooms", "nb salles", "nombre de salles", "salles", "nb classes",
        "nombre de classes", "classes", "salles de classe", "nbre salles", "nb salle",
        "عدد الحجرات", "الحجرات", "عدد القاعات", "عدد الأقسام", "الأقسام", "rooms",
    ),
    "seats": (
        "seats", "capacite", "capacite d accueil", "places", "nb places", "capacity",
        "الطاقة الاستيعابية", "الطاقة", "عدد المقاعد",
    ),
    "pupils": (
        "pupils", "effectif", "effectifs", "eleves", "nb eleves", "nombre d eleves",
        "effectif total", "enrolment", "enrollment", "students", "عدد التلاميذ",
        "التلاميذ", "المتمدرسون",
    ),
    "pupils_girls": (
        "pupils_girls", "filles", "effectif filles", "nb filles", "dont filles", "girls",
        "الإناث", "التلميذات", "عدد التلميذات", "منها الإناث",
    ),
    "status": ("status", "etat", "situation", "الوضعية", "الحالة", "operational status"),
    "year": (
        "year", "annee", "annee scolaire", "annee de creation", "date creation",
        "السنة", "الموسم الدراسي", "سنة الإحداث", "school year",
    ),
    "source": ("source", "المصدر", "origine"),
    "location_quality": ("location_quality", "qualite localisation", "location quality"),
    "capacity_quality": ("capacity_quality", "qualite capacite", "capacity quality"),
    "commune_name": (
        "commune", "commune_name", "nom commune", "ll_com", "libelle commune", "الجماعة",
        "اسم الجماعة", "municipality", "commune fr", "commune ar",
    ),
    "province_name": (
        "province", "province_name", "ll_prov", "prefecture", "province prefecture",
        "direction provinciale", "الإقليم", "العمالة", "الاقليم", "المديرية الإقليمية",
    ),
    "address": ("address", "adresse", "adressel", "adressea", "العنوان"),
}


@lru_cache(maxsize=65_536)
def header_key(text: str) -> str:
    """Normalise a header for comparison: folded, punctuation and underscores as spaces."""
    s = fold(str(text)).replace("_", " ")
    s = re.sub(r"[^\w\s]", " ", s)
    return re.sub(r"\s+", " ", s).strip()


_LOOKUP: dict[str, str] = {}
for _target, _names in _ALIASES.items():
    for _name in _names:
        _LOOKUP.setdefault(header_key(_name), _target)


@dataclass(frozen=True)
class ColumnDetection:
    """Result of :func:`detect_columns`.

    Attributes
    ----------
    column_map
        Source header → target field (see :data:`TARGETS`).
    unsure
        ``True`` when the mapping lacks what a registry needs (a cycle, and a
        location: coordinates, a commune code or a commune name), or when two
        source columns claim the same target.
    missing
        Needed targets that no header matched.
    """

    column_map: dict[str, str]
    unsure: bool
    missing: tuple[str, ...]


def detect_columns(headers: Iterable[object], has_geometry: bool = False) -> ColumnDetection:
    """Map source headers to registry fields.

    With *has_geometry* (a vector file's points) no coordinate column is needed.

    Examples
    --------
    >>> detect_columns(["Code établissement", "اسم المؤسسة", "Cycle", "Longitude",
    ...                 "Latitude"]).column_map["اسم المؤسسة"]
    'name_ar'
    """
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    clash = False
    for header in headers:
        target = _LOOKUP.get(header_key(str(header)))
        if target is None:
            continue
        if target in taken:
            clash = True
            continue
        mapping[str(header)] = target
        taken.add(target)
    missing = []
    if "cycle" not in taken:
        missing.append("cycle")
    located = {"lon", "lat"} <= taken or {"x", "y"} <= taken
    if not located and not has_geometry and not taken & {"commune_code", "commune_name"}:
        missing.append("lon/lat, x/y, commune_code or commune_name")
    if not taken & {"name_fr", "name_ar", "school_id"}:
        missing.append("name_fr, name_ar or school_id")
    return ColumnDetection(mapping, bool(missing) or clash, tuple(missing))


_CYCLE_VALUES: dict[str, tuple[str, ...]] = {
    "preschool": (
        "preschool", "prescolaire", "pre scolaire", "prescolaire", "maternelle",
        "prefundamental", "التعليم الأولي", "الأولي", "اولي", "روض", "kindergarten",
    ),
    "primary": (
        "primary", "primaire", "ecole primaire", "enseignement primaire", "ecole",
        "ابتدائي", "الابتدائي", "التعليم الابتدائي", "ابتدائية", "مدرسة ابتدائية", "p",
    ),
    "lower_secondary": (
        "lower_secondary", "lower secondary", "college", "collegial", "secondaire collegial",
        "enseignement collegial", "middle school", "إعدادي", "الإعدادي",
        "الثانوي الإعدادي", "ثانوية إعدادية", "اعدادية", "الاعدادي", "c",
    ),
    "upper_secondary": (
        "upper_secondary", "upper secondary", "lycee", "qualifiant", "secondaire qualifiant",
        "enseignement qualifiant", "high school", "تأهيلي", "التأهيلي", "الثانوي التأهيلي",
        "ثانوية تأهيلية", "تاهيلية", "l",
    ),
}
_SECTOR_VALUES: dict[str, tuple[str, ...]] = {
    "public": ("public", "publique", "pub", "etat", "عمومي", "عمومية", "العمومي", "عام"),
    "private": ("private", "prive", "privee", "priv", "خصوصي", "خصوصية", "الخصوصي", "خاص"),
}
_KIND_VALUES: dict[str, tuple[str, ...]] = {
    "autonomous_school": (
        "autonomous school", "autonomous_school", "ecole autonome", "ecole independante",
        "autonome", "independante", "مدرسة مستقلة", "مستقلة",
    ),
    "school_group": (
        "school group", "school_group", "groupe scolaire", "groupe", "gs", "ms",
        "مجموعة مدرسية", "م م",
    ),
    "satellite_unit": (
        "satellite", "satellite unit", "satellite_unit", "unite", "unite satellite",
        "ecole satellite", "فرعية", "الفرعية", "وحدة مدرسية",
    ),
    "community_school": (
        "community school", "community_school", "ecole communautaire",
        "مدرسة جماعاتية", "جماعاتية",
    ),
    "college": ("college", "ثانوية إعدادية", "اعدادية"),
    "lycee": ("lycee", "ثانوية تأهيلية", "تأهيلية"),
}


def _value_lookup(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for canonical, names in table.items():
        for name in (canonical, *names):
            out.setdefault(header_key(name), canonical)
    return out


_CYCLE = _value_lookup(_CYCLE_VALUES)
_SECTOR = _value_lookup(_SECTOR_VALUES)
_KIND = _value_lookup(_KIND_VALUES)


def normalise_cycle(value: object) -> str | None:
    """Canonical cycle of *value* (``"Collégial"`` → ``"lower_secondary"``), or ``None``."""
    return _CYCLE.get(header_key(str(value))) if value is not None else None


def normalise_sector(value: object) -> str | None:
    """Canonical sector of *value* (``"Privé"`` → ``"private"``), or ``None``."""
    return _SECTOR.get(header_key(str(value))) if value is not None else None


def normalise_kind(value: object) -> str | None:
    """Canonical kind of *value* (``"فرعية"`` → ``"satellite_unit"``), or ``None``."""
    return _KIND.get(header_key(str(value))) if value is not None else None


def cycle_from_text(text: str) -> str | None:
    """Guess a cycle from a file name or a school name (e.g. ``"lycees_2024.xlsx"``).

    Looks for cycle words anywhere in the text; returns ``None`` when none or
    several cycles are mentioned.
    """
    key = f" {header_key(text)} "
    words = {
        "preschool": ("prescolaire", "maternelle", "preschool", "اولي", "روض"),
        "primary": ("primaire", "primary", "ecole", "ابتدائي", "ابتداييه", "مدرسه", "م م"),
        "lower_secondary": ("college", "collegial", "colleges", "اعدادي", "اعداديه"),
        "upper_secondary": ("lycee", "lycees", "qualifiant", "تاهيلي", "تاهيليه"),
    }
    found = {c for c, ws in words.items() for w in ws if f" {header_key(w)}" in key}
    return found.pop() if len(found) == 1 else None
