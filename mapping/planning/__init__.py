"""Forward planning: projected school-age population and the classrooms it needs.

Modules
-------
bands
    Five-year age bands of 2014 and 2024 per commune; split into the cycles' ages.
projection
    Hamilton–Perry cohort-change ratios, child–adult ratios, variants, regional control.
needs
    Enrolment targets, class-size norms, classrooms needed, deficit, new schools.
indicators
    The theme's catalogue :data:`INDICATORS` and :func:`commune_indicators`.

Method: ``docs/methods-planning.md``.
"""

from __future__ import annotations

from mapping.planning.bands import BAND_LABELS, CYCLE_SPLIT, bands_2014, bands_2024, split_cycles
from mapping.planning.indicators import (
    INDICATORS,
    SOURCE,
    commune_indicators,
    indicator_frame,
    indicator_id,
)
from mapping.planning.needs import (
    DEFAULT_SCHOOL_SIZE,
    LAW_TARGETS,
    LYCEE_PUPILS_2024_25,
    NeedsOptions,
    default_options,
    lycee_rate,
    needs,
    registry_classrooms,
)
from mapping.planning.projection import (
    BASE_YEAR,
    CENTRAL_VARIANT,
    HORIZONS,
    VARIANTS,
    PlanningError,
    Projection,
    Variant,
    project,
    project_arrays,
    ratios,
    variant,
)

__all__ = [
    "BAND_LABELS",
    "BASE_YEAR",
    "CENTRAL_VARIANT",
    "CYCLE_SPLIT",
    "DEFAULT_SCHOOL_SIZE",
    "HORIZONS",
    "INDICATORS",
    "LAW_TARGETS",
    "LYCEE_PUPILS_2024_25",
    "SOURCE",
    "VARIANTS",
    "NeedsOptions",
    "PlanningError",
    "Projection",
    "Variant",
    "bands_2014",
    "bands_2024",
    "commune_indicators",
    "default_options",
    "indicator_frame",
    "indicator_id",
    "lycee_rate",
    "needs",
    "project",
    "project_arrays",
    "ratios",
    "registry_classrooms",
    "split_cycles",
    "variant",
]
