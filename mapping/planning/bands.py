"""Five-year age bands of each commune in 2014 and 2024, and their split into cycles.

HCP publishes ages as shares (percent) of the municipal population in sixteen
five-year bands (0-4 … 70-74, 75+). A band's population is
``population_municipal × share / 100``; 2014 figures are those of
``data/census/communes_2014.csv`` (``*_2014`` columns, already re-keyed on the
2024 communes, the 52 renumbered ones through the 2014 → 2024 crosswalk).

The school-age groups of a cycle come from the bands by the uniform single-year
split that :mod:`mapping.ingest.census` uses for the ``school_age_*_est`` columns
(:data:`mapping.ingest.census.SCHOOL_AGE_BANDS`), so the 2024 base equals the
project's current school-age estimates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mapping.datasets import Region
from mapping.errors import DataError
from mapping.ingest.census import AGE_BANDS, SCHOOL_AGE_BANDS
from mapping.schema import CYCLE_AGE_COLUMN, CYCLES

#: Band labels in order, for tables and curves.
BAND_LABELS: tuple[str, ...] = tuple(
    b.removeprefix("age_").replace("_plus", "+").replace("_", "-") for b in AGE_BANDS
)

#: Fractions of each band (by position) that make each cycle's age group.
CYCLE_SPLIT: dict[str, dict[int, float]] = {
    cycle: {AGE_BANDS.index(band): frac for band, frac in SCHOOL_AGE_BANDS[CYCLE_AGE_COLUMN[cycle]]}
    for cycle in CYCLES
}


def _bands(table: pd.DataFrame, pop_column: str, suffix: str, where: str) -> pd.DataFrame:
    cols = [b + suffix for b in AGE_BANDS]
    missing = [c for c in [pop_column, *cols] if c not in table.columns]
    if missing:
        raise DataError(
            f"age-band column {missing[0]!r} missing", path=where, column=missing[0],
            hint="rebuild data/ with `python -m mapping ingest --source ../shared/data`",
        )
    shares = table[cols].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    pop = pd.to_numeric(table[pop_column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(shares).all(axis=1) | ~np.isfinite(pop)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError("commune without a complete age structure", path=where, row=i + 1,
                        column=pop_column, value=str(table["code"].iloc[i]))
    out = pd.DataFrame(pop[:, None] * shares / 100.0, columns=list(AGE_BANDS),
                       index=pd.Index(table["code"].astype(str), name="code"))
    return out


def bands_2024(region: Region) -> pd.DataFrame:
    """Population by five-year band in 2024 (RGPH 2024), one row per commune.

    Returns
    -------
    pandas.DataFrame
        Indexed by commune code in the order of ``region.communes``; one float column
        per band of :data:`mapping.ingest.census.AGE_BANDS` (people, unrounded).
    """
    out = _bands(region.census_2024, "population_municipal", "", "census/communes_2024.csv")
    return out.reindex(region.communes["code"].astype(str))


def bands_2014(region: Region) -> pd.DataFrame:
    """Population by five-year band in 2014 (RGPH 2014), on the 2024 communes.

    Renumbered communes carry the figures of their crosswalked 2014 unit; the city
    of Marrakech those of its five 2014 arrondissements (population summed, shares
    weighted by population), as built by :func:`mapping.ingest.census.build_census_2014`.
    """
    out = _bands(region.census_2014, "population_municipal_2014", "_2014",
                 "census/communes_2014.csv")
    return out.reindex(region.communes["code"].astype(str))


def split_cycles(bands: np.ndarray) -> np.ndarray:
    """School-age population of each cycle from five-year bands.

    Parameters
    ----------
    bands
        Array whose last axis holds the sixteen bands.

    Returns
    -------
    numpy.ndarray
        Same leading shape, last axis the four cycles of :data:`mapping.schema.CYCLES`.

    Examples
    --------
    >>> import numpy as np
    >>> split_cycles(np.full(16, 100.0)).tolist()
    [40.0, 120.0, 60.0, 60.0]
    """
    out = np.zeros((*bands.shape[:-1], len(CYCLES)))
    for j, cycle in enumerate(CYCLES):
        for i, frac in CYCLE_SPLIT[cycle].items():
            out[..., j] += frac * bands[..., i]
    return out
