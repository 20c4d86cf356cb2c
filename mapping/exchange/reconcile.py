"""Reconciliation of AREF's registry figures with HCP's census figures.

Each check compares one registry figure with the census figure it should agree
with, commune by commune and cycle by cycle, and yields a discrepancy with a
type (:data:`TYPES`), a severity (``high``, ``medium``, ``low``) and a
plain-language explanation in French, Arabic and English (messages
``exchange.reconcile.<type>`` of ``mapping/locales/exchange.json``). The
method and its tolerances are written in ``docs/methods-reconciliation.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from mapping.access import official_access
from mapping.catalogue import LANGS
from mapping.datasets import Region
from mapping.i18n import t
from mapping.schema import CYCLE_AGE_COLUMN, CYCLE_DISTANCE_COLUMN, CYCLES

#: Discrepancy types, in report order.
TYPES: Final = (
    "unknown_commune",
    "renumbered_commune",
    "point_outside_commune",
    "pupils_above_population",
    "low_coverage",
    "no_school",
    "girls_share",
)
SEVERITIES: Final = ("high", "medium", "low")
#: Columns of :func:`reconcile`'s table.
COLUMNS: Final = ("code", "cycle", "school_id", "type", "severity", "registry_value",
                  "hcp_value", *(f"explanation_{lang}" for lang in LANGS))


@dataclass(frozen=True)
class Tolerances:
    """Tolerances of the checks (see ``docs/methods-reconciliation.md``).

    Attributes
    ----------
    attendance
        Pupils may exceed the commune's school-age population by this share
        before it is flagged (children attend schools in neighbouring communes).
    coverage_low
        Implied coverage (pupils / expected pupils) below this is flagged.
    girls_points
        Girls' share of pupils may differ from the census female share by this
        many percentage points.
    """

    attendance: float = 0.15
    coverage_low: float = 0.8
    girls_points: float = 8.0


def _row(code: str | None, cycle: str | None, kind: str, severity: str,
         registry_value: float | str | None, hcp_value: float | str | None,
         school_id: str | None = None, fmt: dict[str, object] | None = None,
         ) -> dict[str, object]:
    out: dict[str, object] = {
        "code": code, "cycle": cycle, "school_id": school_id, "type": kind,
        "severity": severity, "registry_value": registry_value, "hcp_value": hcp_value}
    for lang in LANGS:
        out[f"explanation_{lang}"] = t(f"exchange.reconcile.{kind}", lang, **(fmt or {}))
    return out


def _fmt(value: float, decimals: int = 0) -> str:
    return f"{value:,.{decimals}f}".replace(",", " ")


def _codes(region: Region, registry: pd.DataFrame) -> list[dict[str, object]]:
    known = set(region.communes["code"])
    c14 = region.census_2014
    renamed = dict(zip(c14.loc[c14["code"] != c14["code_2014"], "code_2014"],
                       c14.loc[c14["code"] != c14["code_2014"], "code"], strict=True))
    rows = []
    for sid, code in zip(registry["school_id"], registry["commune_code"], strict=True):
        if code is None or code in known:
            continue
        if code in renamed:
            rows.append(_row(renamed[code], None, "renumbered_commune", "medium", code,
                             renamed[code], sid,
                             {"school": sid, "old": code, "new": renamed[code]}))
        else:
            rows.append(_row(None, None, "unknown_commune", "high", code, None, sid,
                             {"school": sid, "code": code}))
    return rows


def _outside(region: Region, registry: gpd.GeoDataFrame) -> list[dict[str, object]]:
    located = registry[registry.geometry.notna() & ~registry.geometry.is_empty]
    if located.empty:
        return []
    communes = region.communes[["code", "name_fr", "geometry"]]
    hit = gpd.sjoin(located[["school_id", "commune_code", "geometry"]], communes,
                    how="left", predicate="within")
    hit = hit.drop_duplicates("school_id")
    bad = hit[hit["code"].notna() & (hit["code"] != hit["commune_code"])
              & hit["commune_code"].isin(set(communes["code"]))]
    return [_row(str(r.commune_code), None, "point_outside_commune", "medium",
                 str(r.commune_code), str(r.code), str(r.school_id),
                 {"school": r.school_id, "declared": r.commune_code, "found": r.code})
            for r in bad.itertuples(index=False)]


def _figures(region: Region, registry: pd.DataFrame, tol: Tolerances) -> list[dict[str, object]]:
    c24 = region.census_2024.set_index("code")
    reg = registry[registry["commune_code"].isin(c24.index)].copy()
    for col in ("pupils", "pupils_girls"):
        reg[col] = pd.to_numeric(reg[col], errors="coerce")
    grouped = reg.groupby(["commune_code", "cycle"])
    pupils = grouped["pupils"].sum(min_count=1)
    girls = grouped["pupils_girls"].sum(min_count=1)
    girls_base = reg[reg["pupils_girls"].notna()].groupby(["commune_code", "cycle"])[
        "pupils"].sum(min_count=1)
    schools = grouped.size()
    rows: list[dict[str, object]] = []
    rate = pd.to_numeric(c24["schooling_rate_6_to_11"], errors="coerce") / 100
    female = pd.to_numeric(c24["sex_female"], errors="coerce")
    access = {c: official_access(region, c) for c in CYCLE_DISTANCE_COLUMN}
    for cycle in CYCLES:
        age = pd.to_numeric(c24[CYCLE_AGE_COLUMN[cycle]], errors="coerce")
        for code in c24.index:
            children = float(age.get(code, np.nan))
            if not np.isfinite(children) or children <= 0:
                continue
            key = (code, cycle)
            n = int(schools.get(key, 0))
            if n == 0:
                if cycle == "preschool":
                    continue
                acc = access[cycle].loc[code] if code in access[cycle].index else None
                share = float(acc["share_beyond"]) if acc is not None else np.nan
                severity = "high" if not np.isfinite(share) or share > 0.5 else "low"
                rows.append(_row(code, cycle, "no_school", severity, 0, children, None,
                                 {"children": _fmt(children),
                                  "share": "—" if not np.isfinite(share)
                                  else f"{100 * share:.0f} %"}))
                continue
            got = float(pupils.get(key, np.nan))
            if np.isfinite(got):
                if got > children * (1 + tol.attendance):
                    ratio = got / children
                    rows.append(_row(code, cycle, "pupils_above_population",
                                     "high" if ratio > 1.5 else "medium", got, children, None,
                                     {"pupils": _fmt(got), "children": _fmt(children),
                                      "ratio": f"{ratio:.2f}",
                                      "tolerance": f"{100 * tol.attendance:.0f}"}))
                # HCP publishes a schooling rate for ages 6-11 only: coverage is
                # checked for primary, not for the secondary cycles.
                expected = children * float(rate.get(code, np.nan))
                coverage = got / expected if cycle == "primary" and expected > 0 else np.nan
                if np.isfinite(coverage) and coverage < tol.coverage_low:
                    rows.append(_row(code, cycle, "low_coverage",
                                     "high" if coverage < 0.5 else "medium", got, expected,
                                     None, {"pupils": _fmt(got), "expected": _fmt(expected),
                                            "coverage": f"{100 * coverage:.0f}"}))
            g, base = float(girls.get(key, np.nan)), float(girls_base.get(key, np.nan))
            census = float(female.get(code, np.nan))
            if np.isfinite(g) and base > 0 and np.isfinite(census):
                share = 100 * g / base
                if abs(share - census) > tol.girls_points:
                    rows.append(_row(code, cycle, "girls_share",
                                     "high" if abs(share - census) > 2 * tol.girls_points
                                     else "low", round(share, 1), census, None,
                                     {"share": f"{share:.1f}", "census": f"{census:.1f}"}))
    return rows


def reconcile(region: Region, registry: gpd.GeoDataFrame,
              tolerances: Tolerances = Tolerances()) -> pd.DataFrame:
    """Every discrepancy between the registry and HCP's figures.

    Parameters
    ----------
    region
        The loaded region (HCP communes, RGPH 2024 and 2014, douar distances).
    registry
        A registry (AREF's delivery or the published registry).
    tolerances
        Thresholds of the checks.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, one row per discrepancy, ordered by type then
        commune; ``school_id`` is set for school-level checks.
    """
    rows = _codes(region, registry) + _outside(region, registry)
    rows += _figures(region, registry, tolerances)
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    order = {k: i for i, k in enumerate(TYPES)}
    out = out.assign(_o=out["type"].map(order)).sort_values(["_o", "code", "cycle"],
                                                            na_position="first")
    return out.drop(columns="_o").reset_index(drop=True)


def commune_summary(discrepancies: pd.DataFrame) -> pd.DataFrame:
    """Discrepancies per commune: count, high-severity count, types (for the map layer)."""
    d = discrepancies.dropna(subset=["code"])
    g = d.groupby("code")
    out = pd.DataFrame({
        "discrepancies": g.size(),
        "high": g["severity"].apply(lambda s: int((s == "high").sum())),
        "types": g["type"].apply(lambda s: ", ".join(sorted(set(s)))),
    })
    return out.reset_index()
