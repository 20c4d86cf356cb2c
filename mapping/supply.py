"""School supply against demand, per commune × cycle × sector.

Schools of the active registry are counted in their commune (``commune_code``,
set by the registry join); classrooms, seats and pupils are summed; demand is
the commune's estimated school-age population of the cycle (RGPH 2024). The
long table (:func:`commune_supply`) feeds the commune page; the wide one
(:func:`commune_indicators`) adds the catalogue :data:`INDICATORS` to the map.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from mapping.catalogue import Indicator
from mapping.datasets import Region
from mapping.schema import CYCLE_AGE_COLUMN, CYCLES, SECTORS

SOURCE = "Registre scolaire actif ; HCP, RGPH 2024"

#: Cycles with supply indicators on the map (preschool has no registry evidence).
INDICATOR_CYCLES = ("primary", "lower_secondary", "upper_secondary")

_CYCLE_LABEL = {
    "preschool": ("préscolaire", "التعليم الأولي", "preschool"),
    "primary": ("primaire", "الابتدائي", "primary"),
    "lower_secondary": ("collège", "الإعدادي", "lower secondary"),
    "upper_secondary": ("lycée", "التأهيلي", "upper secondary"),
}
_EST_NOTE = {
    "fr": "Repose sur les capacités du registre actif ; dans le registre par défaut, "
    "salles, places et élèves sont estimés à partir de la population d'âge scolaire.",
    "ar": "يعتمد على طاقات السجل النشط؛ في السجل الافتراضي، الحجرات والمقاعد والتلاميذ "
    "مقدرة انطلاقا من السكان في سن التمدرس.",
    "en": "Rests on the active registry's capacities; in the default registry, classrooms, "
    "seats and pupils are estimated from the school-age population.",
}
_COUNT_NOTE = {
    "fr": "Compte des établissements du registre actif (sites déduits ou fictifs dans le "
    "registre par défaut).",
    "ar": "عدد مؤسسات السجل النشط (مواقع مستنتجة أو وهمية في السجل الافتراضي).",
    "en": "Count of the active registry's schools (inferred or demo sites in the default "
    "registry).",
}


def _indicators() -> list[Indicator]:
    out: list[Indicator] = []
    for cycle in INDICATOR_CYCLES:
        fr, ar, en = _CYCLE_LABEL[cycle]
        specs = [
            (f"schools_{cycle}", f"Établissements ({fr})", f"عدد المؤسسات ({ar})",
             f"Schools ({en})", "count", None, False, 0),
            (f"no_school_{cycle}", f"Sans établissement ({fr})", f"بدون مؤسسة ({ar})",
             f"No school ({en})", "count", False, False, 0),
            (f"seats_per_100_{cycle}", f"Places pour 100 enfants d'âge scolaire ({fr})",
             f"مقاعد لكل 100 طفل في سن التمدرس ({ar})",
             f"Seats per 100 school-age children ({en})", "per_100", True, True, 1),
            (f"occupancy_{cycle}", f"Taux d'occupation des places ({fr})",
             f"نسبة شغل المقاعد ({ar})", f"Seat occupancy ({en})", "percent", False, True, 1),
            (f"pupils_per_class_{cycle}", f"Élèves par salle ({fr})", f"تلاميذ لكل حجرة ({ar})",
             f"Pupils per classroom ({en})", "pupils_per_class", False, True, 1),
        ]
        for iid, lfr, lar, len_, unit, higher, est, dec in specs:
            out.append(Indicator(
                id=iid, label={"fr": lfr, "ar": lar, "en": len_}, unit=unit, source=SOURCE,
                year=2024, higher_is_better=higher, theme="supply", estimated=est,
                decimals=dec, note=_EST_NOTE if est else _COUNT_NOTE,
            ))
    return out


#: Supply indicators of the catalogue, one set per cycle of :data:`INDICATOR_CYCLES`.
INDICATORS: list[Indicator] = _indicators()


@dataclass(frozen=True)
class SupplyNorms:
    """Class-size norms (pupils per classroom).

    Attributes
    ----------
    primary_early
        Grades 1-2 of primary.
    primary_other
        Grades 3-6 of primary (used for the primary flag).
    secondary
        Collège and lycée.
    absolute_cap
        No class above this size, any cycle.
    """

    primary_early: float = 30
    primary_other: float = 34
    secondary: float = 40
    absolute_cap: float = 40

    def norm(self, cycle: str) -> float:
        """Norm of *cycle* (the primary figure is the grades 3-6 one)."""
        if cycle == "primary":
            return self.primary_other
        if cycle == "preschool":
            return self.primary_early
        return self.secondary


_SUM_COLUMNS = ("classrooms", "seats", "pupils")


def commune_supply(
    region: Region,
    registry: gpd.GeoDataFrame | pd.DataFrame | None,
    *,
    norms: SupplyNorms = SupplyNorms(),
) -> pd.DataFrame:
    """Supply and demand per commune × cycle × sector (long table).

    Parameters
    ----------
    region
        The loaded region.
    registry
        A registry with ``commune_code``, ``cycle``, ``sector`` and capacities;
        ``None`` counts no school.
    norms
        Class-size norms for the pupils-per-classroom flags.

    Returns
    -------
    pandas.DataFrame
        One row per commune (251) × cycle (4) × sector (``public``, ``private``,
        ``all``): ``code, cycle, sector, schools, classrooms, seats, pupils,
        school_age, seats_per_100, occupancy, pupils_per_class, norm,
        over_norm, over_early_norm, over_cap, no_school``. Capacity sums are
        NaN when no school of the group gives that figure; ``school_age`` is
        the cycle's whole school-age population on every sector row.
        Registries give classrooms per school, not per grade: ``over_norm``
        compares the mean class size with the grades 3-6 norm for primary
        (34), ``over_early_norm`` with the grades 1-2 norm (30), so it says
        that grades 1-2 classes of that mean size would exceed their norm.
    """
    codes = region.communes["code"].tolist()
    sectors = (*SECTORS, "all")
    index = pd.MultiIndex.from_product([codes, CYCLES, sectors], names=["code", "cycle", "sector"])
    out = pd.DataFrame(index=index)
    if registry is not None and len(registry):
        reg = pd.DataFrame(registry.drop(columns="geometry", errors="ignore"))
        reg = reg[reg["commune_code"].isin(codes) & reg["cycle"].isin(CYCLES)].copy()
        for col in _SUM_COLUMNS:
            reg[col] = pd.to_numeric(reg[col], errors="coerce")
        reg["sector"] = reg["sector"].where(reg["sector"].isin(SECTORS), "public")
        both = reg.assign(sector="all")
        frames = []
        for part in (reg, both):
            g = part.groupby(["commune_code", "cycle", "sector"])
            agg = g[list(_SUM_COLUMNS)].sum(min_count=1)
            agg["schools"] = g.size()
            frames.append(agg)
        agg = pd.concat(frames)
        agg.index = agg.index.set_names(["code", "cycle", "sector"])
        out = out.join(agg)
    for col in _SUM_COLUMNS:
        if col not in out:
            out[col] = np.nan
    out["schools"] = out["schools"].fillna(0).astype(int) if "schools" in out else 0
    c24 = region.census_2024.set_index("code")
    age = {c: pd.to_numeric(c24[CYCLE_AGE_COLUMN[c]], errors="coerce") for c in CYCLES}
    out = out.reset_index()
    out["school_age"] = [age[c].get(k, np.nan) for k, c in
                         zip(out["code"], out["cycle"], strict=True)]
    seats = out["seats"]
    out["seats_per_100"] = np.where(out["school_age"] > 0,
                                    100 * seats.fillna(0) / out["school_age"], np.nan)
    out.loc[out["seats"].isna() & (out["schools"] > 0), "seats_per_100"] = np.nan
    out["occupancy"] = np.where(seats > 0, out["pupils"] / seats, np.nan)
    out["pupils_per_class"] = np.where(out["classrooms"] > 0,
                                       out["pupils"] / out["classrooms"], np.nan)
    out["norm"] = out["cycle"].map(norms.norm).astype(float)
    ppc = out["pupils_per_class"]
    out["over_norm"] = ppc > out["norm"]
    out["over_early_norm"] = (out["cycle"] == "primary") & (ppc > norms.primary_early)
    out["over_cap"] = ppc > norms.absolute_cap
    out["no_school"] = out["schools"] == 0
    return out[["code", "cycle", "sector", "schools", *_SUM_COLUMNS, "school_age",
                "seats_per_100", "occupancy", "pupils_per_class", "norm", "over_norm",
                "over_early_norm", "over_cap", "no_school"]]


def commune_indicators(region: Region, registry: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Per-commune values of :data:`INDICATORS`, indexed by commune code.

    Occupancy is given in percent; ``no_school_*`` is 1 for a commune without
    any school of the cycle, else 0. Both sectors are counted.
    """
    long = commune_supply(region, registry)
    long = long[long["sector"] == "all"].set_index("code")
    out = pd.DataFrame(index=pd.Index(region.communes["code"], name="code"))
    for cycle in INDICATOR_CYCLES:
        part = long[long["cycle"] == cycle]
        out[f"schools_{cycle}"] = part["schools"].astype(float)
        out[f"no_school_{cycle}"] = part["no_school"].astype(float)
        out[f"seats_per_100_{cycle}"] = part["seats_per_100"]
        out[f"occupancy_{cycle}"] = 100 * part["occupancy"]
        out[f"pupils_per_class_{cycle}"] = part["pupils_per_class"]
    return out[[i.id for i in INDICATORS]]
