"""Vocabulary shared by the registry, the analyses and the UI.

The school registry's canonical columns and the allowed values of its coded
columns are defined here once.
"""

from __future__ import annotations

from typing import Final

#: Education cycles, in order.
CYCLES: Final = ("preschool", "primary", "lower_secondary", "upper_secondary")
#: School-age population column (commune table) for each cycle.
CYCLE_AGE_COLUMN: Final = {
    "preschool": "school_age_preschool_est",
    "primary": "school_age_primary_est",
    "lower_secondary": "school_age_lower_secondary_est",
    "upper_secondary": "school_age_upper_secondary_est",
}
#: HCP douar-table distance column for each cycle that HCP measured.
CYCLE_DISTANCE_COLUMN: Final = {
    "primary": "distance_km_primary_school",
    "lower_secondary": "distance_km_middle_school",
    "upper_secondary": "distance_km_high_school",
}
SECTORS: Final = ("public", "private")
AREA_TYPES: Final = ("urban", "rural")

#: How a location or a capacity was obtained, most to least reliable.
QUALITY_LEVELS: Final = (
    "surveyed",
    "imported",
    "inferred_census",
    "estimated",
    "fictitious",
)

#: Canonical columns of a school registry, in order.
REGISTRY_COLUMNS: Final = (
    "school_id",
    "name_fr",
    "name_ar",
    "cycle",
    "sector",
    "kind",
    "parent_id",
    "commune_code",
    "lon",
    "lat",
    "classrooms",
    "seats",
    "pupils",
    "pupils_girls",
    "status",
    "year",
    "source",
    "location_quality",
    "capacity_quality",
)
