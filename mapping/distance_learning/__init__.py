"""Distance learning: readiness to learn at home, the access × readiness typology, change.

Modules
-------
readiness
    The composite readiness index, its components and its sensitivity to the weights.
typology
    Communes classed by in-person access × readiness ("double deprivation").
change
    The change of comparable figures between the 2014 and 2024 censuses.
indicators
    The theme's catalogue indicators and their commune columns.
"""

from __future__ import annotations

from mapping.distance_learning import change, readiness, typology
from mapping.distance_learning.indicators import (
    INDICATORS,
    READINESS_INDICATORS,
    commune_indicators,
)
from mapping.distance_learning.readiness import (
    COMPONENT_IDS,
    COMPONENTS,
    DEFAULT_WEIGHTS,
    NORMALISATIONS,
    ReadinessComponent,
    ReadinessError,
    ReadinessOptions,
    commune_rank_shifts,
    component,
    component_scores,
    readiness_index,
    scenarios,
    sensitivity_ranks,
    sensitivity_summary,
)

__all__ = [
    "COMPONENTS",
    "COMPONENT_IDS",
    "DEFAULT_WEIGHTS",
    "INDICATORS",
    "NORMALISATIONS",
    "READINESS_INDICATORS",
    "ReadinessComponent",
    "ReadinessError",
    "ReadinessOptions",
    "change",
    "commune_indicators",
    "commune_rank_shifts",
    "component",
    "component_scores",
    "readiness",
    "readiness_index",
    "scenarios",
    "sensitivity_ranks",
    "sensitivity_summary",
    "typology",
]
