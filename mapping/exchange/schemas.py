"""Table Schemas and descriptor constants of the AREF and HCP delivery packages.

The package format is versioned with :data:`SCHEMA_VERSION` (semver): a reader
accepts every version with the same major number and a minor number not above
its own; anything else is refused with ``unknown-schema-version``.
"""

from __future__ import annotations

from typing import Any, Final

from mapping.schema import CYCLES, QUALITY_LEVELS, SECTORS
from mapping.settings import REGION_BOUNDS

#: Version of the package format written by this project.
SCHEMA_VERSION: Final = "1.0.0"
#: Data Package v2 profile.
PROFILE: Final = "https://datapackage.org/profiles/2.0/datapackage.json"
#: Table Schema v2 profile.
TABLE_PROFILE: Final = "https://datapackage.org/profiles/2.0/tableschema.json"
#: Producers of a package.
PRODUCERS: Final = ("aref", "hcp")
#: Pattern of a dotted HCP commune code of the region.
COMMUNE_PATTERN: Final = r"07\.\d{3}\.\d{2}\.\d{1,2}"
#: Licence of the packages.
LICENSES: Final = [
    {"name": "ODbL-1.0", "path": "https://opendatacommons.org/licenses/odbl/1-0/",
     "title": "Open Data Commons Open Database License 1.0"},
]

#: Resource names and paths inside the zip.
SCHOOLS_CSV: Final = "data/schools.csv"
SCHOOLS_GPKG: Final = "data/schools.gpkg"
COMMUNES_CSV: Final = "data/communes.csv"
INDICATORS_CSV: Final = "data/indicators.csv"

#: Integer columns of the registry (written without decimals).
INTEGER_COLUMNS: Final = ("classrooms", "seats", "pupils", "pupils_girls", "year")


def parse_version(text: object) -> tuple[int, int, int] | None:
    """``(major, minor, patch)`` of a semver string, ``None`` if it is not one.

    Examples
    --------
    >>> parse_version("1.2.3")
    (1, 2, 3)
    >>> parse_version("v1") is None
    True
    """
    if not isinstance(text, str):
        return None
    parts = text.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1]), int(parts[2])


def is_known_version(text: object) -> bool:
    """Whether this project can read packages of format version *text*."""
    got, ours = parse_version(text), parse_version(SCHEMA_VERSION)
    return got is not None and ours is not None and got[0] == ours[0] and got[1] <= ours[1]


def _text(name: str, title: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": "string", "title": title, **extra}


def _count(name: str, title: str, unit: str) -> dict[str, Any]:
    return {"name": name, "type": "integer", "title": title, "unit": unit,
            "constraints": {"minimum": 0}}


def communes_schema() -> dict[str, Any]:
    """Table Schema of the reference list of the region's 251 HCP communes."""
    return {
        "$schema": TABLE_PROFILE,
        "fields": [
            _text("code", "Code HCP de la commune",
                  constraints={"required": True, "unique": True, "pattern": COMMUNE_PATTERN}),
            _text("name_fr", "Nom (français)"),
            _text("name_ar", "الاسم (عربي)"),
            _text("province_code", "Code HCP de la province",
                  constraints={"pattern": r"07\.\d{3}"}),
            _text("type", "Urbain / rural", constraints={"enum": ["urban", "rural"]}),
        ],
        "primaryKey": ["code"],
    }


def schools_schema() -> dict[str, Any]:
    """Table Schema of the school registry (one row per school)."""
    lon_min, lat_min, lon_max, lat_max = REGION_BOUNDS
    return {
        "$schema": TABLE_PROFILE,
        "fields": [
            _text("school_id", "Identifiant de l'établissement",
                  constraints={"required": True, "unique": True}),
            _text("name_fr", "Nom (français)"),
            _text("name_ar", "الاسم (عربي)"),
            _text("cycle", "Cycle", constraints={"required": True, "enum": list(CYCLES)}),
            _text("sector", "Secteur", constraints={"enum": list(SECTORS)}),
            _text("kind", "Type d'établissement"),
            _text("parent_id", "Groupe scolaire de rattachement (school_id)"),
            _text("commune_code", "Code HCP de la commune",
                  constraints={"required": True, "pattern": COMMUNE_PATTERN}),
            {"name": "lon", "type": "number", "title": "Longitude WGS84", "unit": "degree",
             "constraints": {"minimum": lon_min, "maximum": lon_max}},
            {"name": "lat", "type": "number", "title": "Latitude WGS84", "unit": "degree",
             "constraints": {"minimum": lat_min, "maximum": lat_max}},
            _count("classrooms", "Salles de classe", "classroom"),
            _count("seats", "Places", "seat"),
            _count("pupils", "Élèves", "pupil"),
            _count("pupils_girls", "Élèves filles", "pupil"),
            _text("status", "Statut"),
            {"name": "year", "type": "integer", "title": "Année scolaire (début)",
             "unit": "year", "constraints": {"minimum": 1900, "maximum": 2100}},
            _text("source", "Source"),
            _text("location_quality", "Qualité de la localisation",
                  constraints={"enum": list(QUALITY_LEVELS)}),
            _text("capacity_quality", "Qualité des capacités",
                  constraints={"enum": list(QUALITY_LEVELS)}),
        ],
        "missingValues": [""],
        "primaryKey": ["school_id"],
        "foreignKeys": [
            {"fields": ["commune_code"],
             "reference": {"resource": "communes", "fields": ["code"]}},
        ],
    }


#: HCP indicator columns of the HCP package: (column, unit, title fr).
HCP_INDICATORS: Final = (
    ("population_legal", "person", "Population légale 2024"),
    ("school_age_preschool_est", "child", "Enfants d'âge préscolaire (estimé)"),
    ("school_age_primary_est", "child", "Enfants de 6-11 ans (estimé)"),
    ("school_age_lower_secondary_est", "child", "Enfants de 12-14 ans (estimé)"),
    ("school_age_upper_secondary_est", "child", "Jeunes de 15-17 ans (estimé)"),
    ("schooling_rate_6_to_11", "percent", "Taux de scolarisation 6-11 ans"),
    ("sex_female", "percent", "Part des femmes dans la population"),
)


def indicators_schema() -> dict[str, Any]:
    """Table Schema of HCP's indicator table by commune."""
    fields: list[dict[str, Any]] = [
        _text("code", "Code HCP de la commune",
              constraints={"required": True, "unique": True, "pattern": COMMUNE_PATTERN}),
    ]
    for name, unit, title in HCP_INDICATORS:
        constraints: dict[str, Any] = {"minimum": 0}
        if unit == "percent":
            constraints["maximum"] = 100
        fields.append({"name": name, "type": "number", "title": title, "unit": unit,
                       "constraints": constraints})
    return {
        "$schema": TABLE_PROFILE,
        "fields": fields,
        "missingValues": [""],
        "primaryKey": ["code"],
        "foreignKeys": [
            {"fields": ["code"], "reference": {"resource": "communes", "fields": ["code"]}},
        ],
    }
