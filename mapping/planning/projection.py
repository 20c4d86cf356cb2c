"""Hamilton–Perry projection of every commune's five-year age bands, 2024 → 2029, 2034.

Method (``docs/methods-planning.md``):

* cohort-change ratios over the ten years between the censuses, for the bands
  aged 10 and over in 2024: ``CCR[b] = P2024[b] / P2014[b-2]`` (the open band:
  ``P2024[75+] / P2014[65+]``);
* children under 10 from child–adult ratios of 2024: ``0-4`` over the adults
  aged 15-44, ``5-9`` over the adults aged 20-49, applied to the projected adults;
* 2034 = ratios × 2024 bands (one ten-year step); 2029 = geometric mean of the
  2024 and 2034 bands (the censuses are ten years apart, so five-year ratios do
  not exist);
* variants differ in the ratios: each commune's own (``constant``), halfway to
  the region's (``damped``), or the region's (``regional``);
* every variant's commune bands are then scaled, band by band and year by year,
  to the projection of the region as a whole, so communes add up to the region.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mapping.datasets import Region
from mapping.errors import MappingError
from mapping.ingest.census import AGE_BANDS
from mapping.planning.bands import bands_2014, bands_2024, split_cycles
from mapping.schema import CYCLES

BASE_YEAR = 2024
HORIZONS: tuple[int, ...] = (2029, 2034)
N_BANDS = len(AGE_BANDS)
#: Bands (positions) of the adults each under-10 band is set against.
CHILD_ADULT_BANDS: dict[int, tuple[int, ...]] = {0: (3, 4, 5, 6, 7, 8), 1: (4, 5, 6, 7, 8, 9)}


class PlanningError(MappingError):
    """A projection or needs option is invalid.

    Parameters
    ----------
    message
        What is wrong, in English (logs, command line).
    key
        Message key (``mapping/locales/planning.json``) the interface translates.
    params
        Values for the key's ``{placeholders}``.
    """

    def __init__(self, message: str, key: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Variant:
    """One set of ratios.

    Attributes
    ----------
    id
        Key.
    damping
        Weight of the regional ratio: 0 keeps each commune's own ratios, 1 uses the
        region's everywhere.
    label
        Name keyed by language.
    """

    id: str
    damping: float
    label: Mapping[str, str] = field(default_factory=dict)


VARIANTS: tuple[Variant, ...] = (
    Variant("constant", 0.0, {"fr": "Ratios constants", "ar": "نسب ثابتة",
                              "en": "Constant ratios"}),
    Variant("damped", 0.5, {"fr": "Ratios amortis vers la région", "ar": "نسب مخففة نحو الجهة",
                            "en": "Ratios damped towards the region"}),
    Variant("regional", 1.0, {"fr": "Ratios régionaux", "ar": "نسب جهوية",
                              "en": "Regional ratios"}),
)
#: The variant the catalogue indicators use.
CENTRAL_VARIANT = "damped"


def variant(id: str) -> Variant:
    """The variant named *id* among :data:`VARIANTS`."""
    for v in VARIANTS:
        if v.id == id:
            return v
    known = ", ".join(v.id for v in VARIANTS)
    raise PlanningError(f"unknown projection variant {id!r}; choose one of {known}",
                        "planning.err.variant", value=id, known=known)


def ratios(p14: np.ndarray, p24: np.ndarray) -> np.ndarray:
    """Cohort-change ratios (bands 10+) and child–adult ratios (bands 0-4, 5-9).

    Parameters
    ----------
    p14, p24
        Band populations, shape ``(..., 16)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(..., 16)``; NaN where the denominator is zero.
    """
    out = np.full(p24.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        for b, adults in CHILD_ADULT_BANDS.items():
            out[..., b] = p24[..., b] / p24[..., list(adults)].sum(axis=-1)
        out[..., 2:N_BANDS - 1] = p24[..., 2:N_BANDS - 1] / p14[..., 0:N_BANDS - 3]
        out[..., -1] = p24[..., -1] / p14[..., -3:].sum(axis=-1)
    out[~np.isfinite(out)] = np.nan
    return out


def step(p24: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Bands ten years on from *p24* with the ratios *r* (same shapes)."""
    out = np.empty(np.broadcast_shapes(p24.shape, r.shape))
    out[..., 2:N_BANDS - 1] = r[..., 2:N_BANDS - 1] * p24[..., 0:N_BANDS - 3]
    out[..., -1] = r[..., -1] * p24[..., -3:].sum(axis=-1)
    for b, adults in CHILD_ADULT_BANDS.items():
        out[..., b] = r[..., b] * out[..., list(adults)].sum(axis=-1)
    return out


def _control(p: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Scale communes (axis -2) band by band so they add up to *target*."""
    total = p.sum(axis=-2, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(total > 0, target[..., None, :] / total, 0.0)
    return p * factor


@dataclass(frozen=True)
class Projection:
    """Projected bands of every commune, variant and year.

    Attributes
    ----------
    codes
        Commune codes (rows).
    years
        ``(2024, 2029, 2034)``: the base and the horizons.
    variants
        The variants (first axis).
    bands
        Array ``(variant, year, commune, band)``, people (unrounded floats).
    region
        Array ``(year, band)``: the region's own projection, which every variant's
        communes add up to.
    ratios
        Array ``(variant, commune, band)``: the ratios used.
    """

    codes: tuple[str, ...]
    years: tuple[int, ...]
    variants: tuple[Variant, ...]
    bands: np.ndarray
    region: np.ndarray
    ratios: np.ndarray

    def cycles(self) -> np.ndarray:
        """School-age population ``(variant, year, commune, cycle)``."""
        return split_cycles(self.bands)

    def frame(self) -> pd.DataFrame:
        """Long table: ``variant, year, code`` then one column per band."""
        nv, ny, nc, _ = self.bands.shape
        index = pd.MultiIndex.from_product(
            [[v.id for v in self.variants], list(self.years), list(self.codes)],
            names=["variant", "year", "code"])
        return pd.DataFrame(self.bands.reshape(nv * ny * nc, N_BANDS), index=index,
                            columns=list(AGE_BANDS))

    def school_age(self) -> pd.DataFrame:
        """Long table: ``variant, year, code`` then one column per cycle."""
        nv, ny, nc, _ = self.bands.shape
        index = pd.MultiIndex.from_product(
            [[v.id for v in self.variants], list(self.years), list(self.codes)],
            names=["variant", "year", "code"])
        return pd.DataFrame(self.cycles().reshape(nv * ny * nc, len(CYCLES)), index=index,
                            columns=list(CYCLES))


def project_arrays(
    p14: np.ndarray,
    p24: np.ndarray,
    codes: Sequence[str],
    variants: Sequence[Variant] = VARIANTS,
    horizons: Sequence[int] = HORIZONS,
) -> Projection:
    """Project band arrays (communes × 16) of 2014 and 2024; see :func:`project`."""
    for h in horizons:
        if h not in HORIZONS:
            known = ", ".join(map(str, HORIZONS))
            raise PlanningError(f"horizon {h} not available; choose among {known} "
                                f"(the base is {BASE_YEAR})", "planning.err.horizon",
                                value=h, known=known, base=BASE_YEAR)
    for v in variants:
        if not 0.0 <= v.damping <= 1.0:
            raise PlanningError(f"variant {v.id!r}: damping {v.damping} outside 0..1",
                                "planning.err.damping", variant=v.id, value=v.damping)
    reg14, reg24 = p14.sum(axis=0), p24.sum(axis=0)
    reg_r = ratios(reg14, reg24)
    reg34 = step(reg24, reg_r)
    local = ratios(p14, p24)
    local = np.where(np.isnan(local), reg_r[None, :], local)  # no 2014 cohort: the region's
    w = np.array([v.damping for v in variants])[:, None, None]
    r = (1.0 - w) * local[None] + w * reg_r[None, None, :]
    p34 = _control(step(p24[None], r), reg34[None])
    reg29 = np.sqrt(reg24 * reg34)
    p29 = _control(np.sqrt(p24[None] * p34), reg29[None])
    by_year = {BASE_YEAR: np.broadcast_to(p24[None], p34.shape), 2029: p29, 2034: p34}
    reg_by_year = {BASE_YEAR: reg24, 2029: reg29, 2034: reg34}
    years = (BASE_YEAR, *horizons)
    return Projection(
        codes=tuple(codes), years=years, variants=tuple(variants),
        bands=np.stack([by_year[y] for y in years], axis=1),
        region=np.stack([reg_by_year[y] for y in years]), ratios=r,
    )


def project(
    region: Region,
    variants: Sequence[Variant] = VARIANTS,
    horizons: Sequence[int] = HORIZONS,
) -> Projection:
    """Project every commune's five-year bands from the 2024 base.

    Parameters
    ----------
    region
        The loaded region (2014 and 2024 age bands).
    variants
        Ratio variants, default :data:`VARIANTS`.
    horizons
        Among :data:`HORIZONS`.

    Returns
    -------
    Projection
        Base year first, then the horizons.

    Examples
    --------
    >>> from mapping.datasets import load_region
    >>> p = project(load_region())
    >>> p.bands.shape
    (3, 3, 251, 16)
    """
    p14, p24 = bands_2014(region), bands_2024(region)
    return project_arrays(p14.to_numpy(), p24.to_numpy(), list(p24.index), variants, horizons)
