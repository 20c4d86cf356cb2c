"""In-person access to school: official douar figures, computed distances, scenarios, siting.

Modules
-------
official
    HCP's official douar distances aggregated per commune, province and region, and the
    theme's catalogue indicators.
computed
    Straight-line distances from douars to a registry's nearest school, per commune.
nearest
    Nearest-school search (KD-tree in metres).
scenarios
    "What if" schools added or closed, and their effect on distances.
siting
    Best new sites (maximal covering location problem).
"""

from __future__ import annotations

from mapping.access import scenarios, siting
from mapping.access.computed import (
    compare_computed_official,
    computed_access,
    computed_distances,
    cycle_schools,
    douar_points,
    under15_estimate,
)
from mapping.access.nearest import nearest_schools
from mapping.access.official import (
    ACCESS_COLUMNS,
    ACCESS_CYCLES,
    DEFAULT_OPTIONS,
    DISTANCE_BANDS_KM,
    INDICATORS,
    LEVELS,
    MAP_MEASURES,
    REASON_ALL_WITHHELD,
    REASON_NO_DOUARS,
    SOURCE,
    AccessError,
    AccessOptions,
    aggregate_access,
    check_cycle,
    check_threshold,
    commune_indicators,
    douar_frame,
    get_indicator,
    indicator_for,
    official_access,
)
from mapping.access.scenarios import AddedSchool, Scenario, ScenarioError, ScenarioResult
from mapping.access.siting import SitingError, suggest_sites

__all__ = [
    "ACCESS_COLUMNS",
    "ACCESS_CYCLES",
    "DEFAULT_OPTIONS",
    "DISTANCE_BANDS_KM",
    "INDICATORS",
    "LEVELS",
    "MAP_MEASURES",
    "REASON_ALL_WITHHELD",
    "REASON_NO_DOUARS",
    "SOURCE",
    "AccessError",
    "AccessOptions",
    "AddedSchool",
    "Scenario",
    "ScenarioError",
    "ScenarioResult",
    "SitingError",
    "aggregate_access",
    "check_cycle",
    "check_threshold",
    "commune_indicators",
    "compare_computed_official",
    "computed_access",
    "computed_distances",
    "cycle_schools",
    "douar_frame",
    "douar_points",
    "get_indicator",
    "indicator_for",
    "nearest_schools",
    "official_access",
    "scenarios",
    "siting",
    "suggest_sites",
    "under15_estimate",
]
