"""In-person access computed from a school registry: straight-line distances from douars.

Douars with (approximate) coordinates are measured to the nearest located school
of a cycle (:mod:`mapping.access.nearest`), aggregated per commune and compared
with HCP's official figures (:mod:`mapping.access.official`).
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from mapping.access.nearest import nearest_schools
from mapping.access.official import (
    DEFAULT_OPTIONS,
    AccessOptions,
    check_cycle,
    check_threshold,
    douar_frame,
)
from mapping.datasets import Region


def douar_points(region: Region) -> gpd.GeoDataFrame:
    """Douars with matched (approximate) coordinates as points in EPSG:4326."""
    d = region.douars
    has = d["lon"].notna() & d["lat"].notna()
    sub = d.loc[has]
    return gpd.GeoDataFrame(
        sub.copy(), geometry=gpd.points_from_xy(sub["lon"], sub["lat"]), crs="EPSG:4326"
    )


def cycle_schools(registry: gpd.GeoDataFrame | None, cycle: str) -> gpd.GeoDataFrame:
    """Schools of *cycle* with a location (closed schools left out)."""
    if registry is None or len(registry) == 0 or "cycle" not in registry:
        return gpd.GeoDataFrame({"school_id": []}, geometry=[], crs="EPSG:4326")
    geom = registry.geometry
    keep = (registry["cycle"] == cycle) & geom.notna() & ~geom.is_empty
    if "status" in registry:
        keep &= registry["status"].astype(str).str.lower() != "closed"
    sub = registry.loc[keep]
    if sub.crs is None:
        sub = sub.set_crs("EPSG:4326")
    return sub


def under15_estimate(region: Region) -> pd.DataFrame:
    """Under-15 population of every douar, estimated where HCP withholds the age shares.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``region.douars``: ``under15`` (population × ``age_under_15``
        / 100, or, where withheld, population × the under-15 share of the
        commune's douars with figures — the region's share if none) and
        ``under15_estimated`` (True for the latter).
    """
    d = region.douars
    pop = pd.to_numeric(d["population"], errors="coerce").fillna(0.0).astype(float)
    share = pd.to_numeric(d["age_under_15"], errors="coerce") / 100.0
    known = share.notna()
    u15 = pop * share
    by_commune = (u15[known].groupby(d["commune_code"][known]).sum()
                  / pop[known].groupby(d["commune_code"][known]).sum())
    region_share = float(u15[known].sum() / pop[known].sum()) if known.any() else np.nan
    fill = d["commune_code"].map(by_commune).fillna(region_share)
    out = pd.DataFrame(index=d.index)
    out["under15"] = u15.where(known, pop * fill)
    out["under15_estimated"] = ~known
    return out


def computed_distances(
    region: Region, registry: gpd.GeoDataFrame | None, cycle: str
) -> pd.DataFrame:
    """Straight-line distance from each douar with coordinates to the nearest school of *cycle*.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``region.douars`` (douars with coordinates only):
        ``code``, ``commune_code``, ``population``, ``under15`` (estimated
        where withheld, see :func:`under15_estimate`), ``under15_estimated``, ``official_km``,
        ``school_id`` (nearest), ``computed_km`` (NaN when the registry has no
        located school of the cycle).
    """
    pts = douar_points(region)
    frame = douar_frame(region, cycle).loc[pts.index]
    u15 = under15_estimate(region).loc[pts.index]
    schools = cycle_schools(registry, cycle)
    out = pd.DataFrame(
        {
            "code": frame["code"],
            "commune_code": frame["commune_code"],
            "population": frame["population"],
            "under15": u15["under15"],
            "under15_estimated": u15["under15_estimated"],
            "official_km": frame["distance_km"],
        },
        index=pts.index,
    )
    if len(schools) == 0:
        out["school_id"] = None
        out["computed_km"] = np.nan
        return out
    near = nearest_schools(pts, schools)
    out["school_id"] = near["school_id"]
    out["computed_km"] = near["distance_m"] / 1000.0
    return out


def compare_computed_official(
    region: Region, registry: gpd.GeoDataFrame | None, cycle: str
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Compare computed straight-line distances with HCP's official ones, per douar.

    Only douars with both coordinates and an official figure are compared.
    HCP measures from dwellings, likely along paths; the computed distance is
    straight-line from an approximate douar point to the registry's nearest
    located school, so agreement is a consistency check, not an identity.

    Returns
    -------
    tuple
        The per-douar table (``computed_distances`` columns plus ``difference_km``
        = computed − official) and a summary dict: ``cycle``, ``douars``,
        ``schools``, ``median_abs_difference_km``, ``median_difference_km``,
        ``spearman_rho``, ``spearman_pvalue``.
    """
    from scipy.stats import spearmanr

    check_cycle(cycle)
    table = computed_distances(region, registry, cycle)
    table = table[table["official_km"].notna() & table["computed_km"].notna()].copy()
    table["difference_km"] = table["computed_km"] - table["official_km"]
    summary: dict[str, Any] = {
        "cycle": cycle,
        "douars": len(table),
        "schools": len(cycle_schools(registry, cycle)),
        "median_abs_difference_km": float("nan"),
        "median_difference_km": float("nan"),
        "spearman_rho": float("nan"),
        "spearman_pvalue": float("nan"),
    }
    if len(table) >= 2:
        summary["median_abs_difference_km"] = float(table["difference_km"].abs().median())
        summary["median_difference_km"] = float(table["difference_km"].median())
        res = spearmanr(table["computed_km"], table["official_km"])
        summary["spearman_rho"] = float(res.statistic)
        summary["spearman_pvalue"] = float(res.pvalue)
    return table, summary


def computed_access(
    region: Region,
    registry: gpd.GeoDataFrame | None,
    cycle: str,
    threshold_km: float | None = None,
    *,
    options: AccessOptions = DEFAULT_OPTIONS,
) -> pd.DataFrame:
    """Computed-distance access per commune, from douars with coordinates only.

    Returns
    -------
    pandas.DataFrame
        Indexed by commune code (all 251): ``computed_douars`` (douars with
        coordinates), ``computed_population``, ``computed_mean_km``
        (population-weighted straight-line distance), ``computed_share_beyond``
        (0–1). NaN where no douar has coordinates or the registry has no
        located school of the cycle.
    """
    threshold = check_threshold(
        options.threshold(cycle) if threshold_km is None else threshold_km
    )
    dist = computed_distances(region, registry, cycle)
    pop = dist["population"].astype(float)
    km = dist["computed_km"].astype(float)
    has = km.notna()
    parts = pd.DataFrame(
        {
            "commune_code": dist["commune_code"],
            "computed_douars": 1,
            "computed_population": pop,
            "w": np.where(has, pop, 0.0),
            "pop_km": np.where(has, pop * km.fillna(0.0), 0.0),
            "beyond": np.where(has & (km > threshold), pop, 0.0),
        }
    )
    g = parts.groupby("commune_code").sum()
    w = g["w"].where(g["w"] > 0)
    out = pd.DataFrame(
        {
            "computed_douars": g["computed_douars"].astype(float),
            "computed_population": g["computed_population"],
            "computed_mean_km": g["pop_km"] / w,
            "computed_share_beyond": g["beyond"] / w,
        }
    )
    return out.reindex(pd.Index(region.communes["code"], name="code"))
