"""Classrooms the projected school-age population needs, against the registry's.

For each commune, cycle, variant and year:

``pupils = children × target / 100``; ``needed = ⌈pupils / norm⌉`` with the class-size
norm of :class:`mapping.supply.SupplyNorms` (the supply indicators' settings);
``deficit = needed − classrooms`` of the active registry (negative: a surplus);
``new_schools = ⌈deficit / school_size⌉`` where the commune has no classroom of the
cycle, else ``⌊deficit / school_size⌋``: a shortfall smaller than a school is met by
extending the schools already there (``extension_classrooms``, the remainder).

Schools a scenario plans (:func:`mapping.access.scenarios.apply`) carry seats but no
classrooms; they count ``⌈seats / norm⌉`` classrooms, or the configured school size
when no seats are given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import cast

import geopandas as gpd
import numpy as np
import pandas as pd

from mapping.datasets import Region
from mapping.planning.projection import PlanningError, Projection
from mapping.schema import CYCLES
from mapping.supply import SupplyNorms

#: Public and private pupils of the qualifiant cycle (lycée), school year 2024-2025, as
#: stated by the AREF Marrakech-Safi director (lalamoulati.net/416582.html; see
#: ../shared/data/schools/official_stats.csv). The census gives no enrolment rate at 15-17.
LYCEE_PUPILS_2024_25 = 168_880

#: Enrolment targets set by framework law 51.17 (compulsory schooling from 4 to 15).
LAW_TARGETS: dict[str, float] = {"preschool": 100.0, "primary": 100.0, "lower_secondary": 100.0}

#: Classrooms of a new school, per cycle (assumption, adjustable): two preschool
#: sections per year of age, two classes per primary grade, four per secondary grade.
DEFAULT_SCHOOL_SIZE: dict[str, int] = {
    "preschool": 4, "primary": 12, "lower_secondary": 12, "upper_secondary": 12,
}


@dataclass(frozen=True)
class NeedsOptions:
    """Enrolment targets, class-size norms and the size of a new school.

    Attributes
    ----------
    targets
        Percent of the age group expected at school, per cycle.
    norms
        Class-size norms (pupils per classroom), shared with the supply indicators.
    school_size
        Classrooms of one new school, per cycle.
    """

    targets: Mapping[str, float]
    norms: SupplyNorms = field(default_factory=SupplyNorms)
    school_size: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_SCHOOL_SIZE))

    def check(self) -> None:
        """Raise :class:`PlanningError` for a missing or out-of-range option."""
        for cycle in CYCLES:
            if cycle not in self.targets:
                raise PlanningError(f"no enrolment target for cycle {cycle!r}",
                                    "planning.err.no_target", cycle=cycle)
            if not 0.0 <= float(self.targets[cycle]) <= 150.0:
                raise PlanningError(f"enrolment target of {cycle}: {self.targets[cycle]} % "
                                    "is outside 0..150 %", "planning.err.target",
                                    cycle=cycle, value=float(self.targets[cycle]))
            if not self.norms.norm(cycle) > 0:
                raise PlanningError(f"class-size norm of {cycle} must be above 0",
                                    "planning.err.norm", cycle=cycle)
            size = self.school_size.get(cycle, 0)
            if not isinstance(size, (int, np.integer)) or size < 1:
                raise PlanningError(f"school size of {cycle} must be a whole number of "
                                    f"classrooms ≥ 1, got {size!r}", "planning.err.size",
                                    cycle=cycle, value=size)

    def with_target(self, cycle: str, percent: float) -> NeedsOptions:
        """A copy with the target of *cycle* set to *percent*."""
        return replace(self, targets={**self.targets, cycle: float(percent)})


def lycee_rate(region: Region) -> float:
    """Default lycée target: 2024-25 lycée pupils over the 2024 estimate aged 15-17, in %."""
    age = pd.to_numeric(region.census_2024["school_age_upper_secondary_est"], errors="coerce")
    return round(100.0 * LYCEE_PUPILS_2024_25 / float(age.sum()), 1)


def default_options(region: Region) -> NeedsOptions:
    """Targets of the law for 4-15, the observed lycée rate, the supply norms."""
    return NeedsOptions(targets={**LAW_TARGETS, "upper_secondary": lycee_rate(region)})


def registry_classrooms(
    codes: list[str] | tuple[str, ...],
    registry: gpd.GeoDataFrame | pd.DataFrame | None,
    options: NeedsOptions,
) -> np.ndarray:
    """Classrooms of the registry per commune × cycle (both sectors), planned schools included.

    Returns
    -------
    numpy.ndarray
        Shape ``(communes, cycles)``; a school without a classroom figure counts 0,
        a planned (scenario) school counts ``⌈seats / norm⌉`` or the school size.
    """
    out = np.zeros((len(codes), len(CYCLES)))
    if registry is None or not len(registry):
        return out
    reg = pd.DataFrame(registry.drop(columns="geometry", errors="ignore"))
    reg = reg[reg["commune_code"].isin(codes) & reg["cycle"].isin(CYCLES)]
    rooms = pd.to_numeric(reg["classrooms"], errors="coerce")
    if "source" in reg:
        planned = (reg["source"] == "scenario") & rooms.isna()
        if planned.any():
            seats = pd.to_numeric(reg.loc[planned, "seats"], errors="coerce").fillna(0)
            norm = reg.loc[planned, "cycle"].map(options.norms.norm).astype(float)
            size = reg.loc[planned, "cycle"].map(options.school_size).astype(float)
            rooms.loc[planned] = np.where(seats > 0, np.ceil(seats / norm), size)
    sums = rooms.fillna(0).groupby([reg["commune_code"], reg["cycle"]]).sum()
    row = {c: i for i, c in enumerate(codes)}
    col = {c: j for j, c in enumerate(CYCLES)}
    for key, value in sums.items():
        code, cycle = cast(tuple[str, str], key)
        out[row[code], col[cycle]] = float(value)
    return out


def _ceil(x: np.ndarray) -> np.ndarray:
    return np.ceil(np.round(x, 6))


def needs(
    projection: Projection,
    registry: gpd.GeoDataFrame | pd.DataFrame | None,
    options: NeedsOptions,
) -> pd.DataFrame:
    """Pupils expected, classrooms needed, deficit and new schools.

    Parameters
    ----------
    projection
        From :func:`mapping.planning.project`.
    registry
        The active registry (optionally with a scenario applied); ``None`` counts none.
    options
        Targets, norms and school size.

    Returns
    -------
    pandas.DataFrame
        One row per variant × year × commune × cycle: ``variant, year, code, cycle,
        children, target, pupils, norm, classrooms_needed, classrooms, deficit,
        new_schools, extension_classrooms`` (children and pupils unrounded, estimates).
    """
    options.check()
    kids = projection.cycles()  # (variant, year, commune, cycle)
    target = np.array([float(options.targets[c]) for c in CYCLES])
    norm = np.array([float(options.norms.norm(c)) for c in CYCLES])
    size = np.array([float(options.school_size[c]) for c in CYCLES])
    pupils = kids * target / 100.0
    needed = _ceil(pupils / norm)
    have = registry_classrooms(projection.codes, registry, options)
    deficit = needed - have[None, None]
    lack = np.maximum(deficit, 0)
    none = np.broadcast_to(have[None, None] == 0, lack.shape)
    new = np.where(none, _ceil(lack / size), np.floor(np.round(lack / size, 6)))
    extension = np.maximum(lack - new * size, 0)
    nv, ny, nc, nk = kids.shape
    index = pd.MultiIndex.from_product(
        [[v.id for v in projection.variants], list(projection.years), list(projection.codes),
         list(CYCLES)], names=["variant", "year", "code", "cycle"])
    n = nv * ny * nc * nk
    frame = pd.DataFrame({
        "children": kids.reshape(n),
        "target": np.broadcast_to(target, kids.shape).reshape(n),
        "pupils": pupils.reshape(n),
        "norm": np.broadcast_to(norm, kids.shape).reshape(n),
        "classrooms_needed": needed.reshape(n).astype(int),
        "classrooms": np.broadcast_to(have[None, None], kids.shape).reshape(n).astype(int),
        "deficit": deficit.reshape(n).astype(int),
        "new_schools": new.reshape(n).astype(int),
        "extension_classrooms": extension.reshape(n).astype(int),
    }, index=index)
    return frame.reset_index()
