"""The default school registry: inferred from census evidence, completed by demo sites.

No public point registry of the region's schools exists. The default registry
is built deterministically from committed data only (``data/``):

* **inferred sites** — a douar with coordinates whose official HCP 2024 mean
  distance to a primary school (resp. middle school, high school) is at most
  :data:`THRESHOLD_KM` is taken to hold a school of that cycle. The threshold is
  calibrated (:func:`calibrate`) so that the number of rural douars meeting it
  matches the official count of rural primary sites (school groups + satellite
  units, AREF 2012-13), scaled to the douars for which HCP publishes distances.
  Secondary schools: at most one inferred site per commune (the douar nearest
  to the school), since a collège or lycée serves many douars.
  ``location_quality`` = ``inferred_census``.
* **demo sites** — every commune × cycle with no inferred site gets
  fictitious sites, one per :data:`DEMO_SITE_PUPILS` estimated pupils (at least
  one), at deterministic points spread inside the commune, named as demos.
  ``location_quality`` = ``fictitious``.
* **capacities** — each commune's school-age population of the cycle is shared
  among its sites (by douar population for inferred sites), turned into pupils
  with the commune's 2024 schooling rate (primary) or the regional enrolment
  ratio (secondary, AREF 2024-25 pupils / estimated school-age population),
  and into classrooms and seats with the class-size norms.
  ``capacity_quality`` = ``estimated``.

Preschool is left out: no census evidence locates preschool units.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from mapping.datasets import Region, load_region
from mapping.errors import DataError
from mapping.registry.frame import to_registry
from mapping.schema import CYCLE_AGE_COLUMN, CYCLE_DISTANCE_COLUMN, REGISTRY_COLUMNS
from mapping.settings import CRS_METRIC, data_dir

#: Path of the default registry inside the data folder.
DEFAULT_FILE = "schools/registry_default.csv"

#: Provinces of the former Marrakech-Tensift-Al Haouz region (pre-2015 boundaries):
#: the current region without Safi (07.431) and Youssoufia (07.585).
FORMER_REGION_PROVINCES = ("07.041", "07.161", "07.191", "07.211", "07.351", "07.427")
#: AREF Marrakech-Tensift-Al Haouz, public primary 2012-13 (Al Massaia via maghress.com):
#: school groups and satellite units, the rural primary sites.
OFFICIAL_SCHOOL_GROUPS_2012 = 666
OFFICIAL_SATELLITES_2012 = 2255
#: Independent schools of the same source, mostly urban; not part of the target.
OFFICIAL_INDEPENDENT_2012 = 254
#: AREF Marrakech-Safi 2024-25, public + private pupils (lalamoulati.net).
OFFICIAL_PUPILS_2024 = {"primary": 646_863, "lower_secondary": 319_910,
                        "upper_secondary": 168_880}

#: Candidate thresholds (km) examined by the calibration.
CANDIDATE_THRESHOLDS = tuple(round(0.1 * i, 1) for i in range(1, 31))
#: Threshold (km) chosen by :func:`calibrate` on the committed data.
THRESHOLD_KM = 1.4

#: Cycles in the default registry (no evidence locates preschool units).
DEFAULT_CYCLES = ("primary", "lower_secondary", "upper_secondary")
#: Class-size norm used to turn estimated pupils into classrooms.
_CLASS_NORM = {"primary": 34, "lower_secondary": 40, "upper_secondary": 40}
#: Demo sites: one per this many estimated pupils (demo structure, not a real figure).
DEMO_SITE_PUPILS = {"primary": 800, "lower_secondary": 1200, "upper_secondary": 1200}
#: No demo site for fewer estimated pupils outside the douar table of a commune
#: that has inferred sites.
DEMO_MIN_PUPILS = 100
_KIND = {"primary": None, "lower_secondary": "college", "upper_secondary": "lycee"}
_CODE = {"primary": "P", "lower_secondary": "C", "upper_secondary": "L"}
_INFERRED_NAME = {
    "primary": ("École (site déduit) — {}", "مدرسة ابتدائية (موقع مستنتج) — {}"),
    "lower_secondary": ("Collège (site déduit) — {}", "ثانوية إعدادية (موقع مستنتج) — {}"),
    "upper_secondary": ("Lycée (site déduit) — {}", "ثانوية تأهيلية (موقع مستنتج) — {}"),
}
_DEMO_NAME = {
    "primary": ("École fictive (démo) — {}", "مدرسة ابتدائية وهمية (للعرض) — {}"),
    "lower_secondary": ("Collège fictif (démo) — {}", "ثانوية إعدادية وهمية (للعرض) — {}"),
    "upper_secondary": ("Lycée fictif (démo) — {}", "ثانوية تأهيلية وهمية (للعرض) — {}"),
}
SOURCE_INFERRED = "inferred from RGPH 2024 douar distances"
SOURCE_DEMO = "fictitious (demo)"


@dataclass(frozen=True)
class Calibration:
    """Result of :func:`calibrate`.

    Attributes
    ----------
    threshold_km
        Chosen threshold.
    target
        Official rural primary sites scaled to the douars with published distances.
    table
        One row per candidate threshold: ``threshold_km``, ``douars_former_region``
        (former-region douars with published distance within the threshold),
        ``with_point_region`` (douars with coordinates, whole region: the inferred
        primary sites), ``gap`` (count minus target).
    published_share
        Share of former-region douars whose distances HCP publishes.
    """

    threshold_km: float
    target: float
    table: pd.DataFrame
    published_share: float


def calibrate(douars: pd.DataFrame) -> Calibration:
    """Choose the distance threshold that reproduces the official rural primary sites.

    The official count (666 school groups + 2,255 satellite units, 2012-13, former
    region) covers every douar; HCP publishes distances only for douars of 30
    households or more, so the target is scaled by the share of former-region
    douars with a published distance. The threshold is the candidate whose count
    of former-region douars within it is closest to the target (smaller wins ties).
    """
    col = CYCLE_DISTANCE_COLUMN["primary"]
    former = douars["commune_code"].str[:6].isin(FORMER_REGION_PROVINCES)
    dist = pd.to_numeric(douars[col], errors="coerce")
    published = former & dist.notna()
    share = float(published.sum()) / float(former.sum())
    target = (OFFICIAL_SCHOOL_GROUPS_2012 + OFFICIAL_SATELLITES_2012) * share
    has_point = douars["lon"].notna() & douars["lat"].notna()
    rows = []
    for th in CANDIDATE_THRESHOLDS:
        within = dist <= th + 1e-9
        n = int((within & former).sum())
        rows.append({"threshold_km": th, "douars_former_region": n,
                     "with_point_region": int((within & has_point).sum()),
                     "gap": n - target})
    table = pd.DataFrame(rows)
    best = table.loc[table["gap"].abs().idxmin()]
    return Calibration(float(best["threshold_km"]), target, table, share)


def _apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Split integer *total* by *weights* (largest remainder, ties by position)."""
    w = np.asarray(weights, dtype=float)
    w = np.where(np.isfinite(w) & (w > 0), w, 0.0)
    if w.sum() == 0:
        w = np.ones_like(w)
    exact = total * w / w.sum()
    base = np.floor(exact).astype(int)
    rest = total - int(base.sum())
    order = np.argsort(-(exact - base), kind="stable")
    base[order[:rest]] += 1
    return np.asarray(base, dtype=int)


def _inferred_sites(region: Region, threshold: float) -> pd.DataFrame:
    d = region.douars
    d = d[d["lon"].notna() & d["lat"].notna()].copy()
    frames = []
    for cycle in DEFAULT_CYCLES:
        dist = pd.to_numeric(d[CYCLE_DISTANCE_COLUMN[cycle]], errors="coerce")
        sel = d[dist <= threshold + 1e-9].assign(_dist=dist)
        if cycle != "primary":  # one site per commune: the douar nearest to the school
            sel = sel.sort_values(["commune_code", "_dist", "code"])
            sel = sel.drop_duplicates("commune_code", keep="first")
        fr, ar = _INFERRED_NAME[cycle]
        frames.append(pd.DataFrame({
            "school_id": "INF-" + _CODE[cycle] + "-" + sel["code"],
            "name_fr": [fr.format(n) for n in sel["name_ar"]],
            "name_ar": [ar.format(n) for n in sel["name_ar"]],
            "cycle": cycle,
            "kind": _KIND[cycle],
            "commune_code": sel["commune_code"],
            "lon": sel["lon"].round(5),
            "lat": sel["lat"].round(5),
            "status": "inferred",
            "source": SOURCE_INFERRED,
            "location_quality": "inferred_census",
            "_weight": sel["population"].astype(float),
        }))
    return pd.concat(frames, ignore_index=True)


def _spread_points(polygon: BaseGeometry, n: int) -> list[Point]:
    """*n* deterministic points spread inside *polygon* (metric CRS)."""
    if n <= 1:
        return [polygon.representative_point()]
    x0, y0, x1, y1 = polygon.bounds
    step = math.sqrt(polygon.area / (4 * n))
    for _ in range(8):
        xs = np.arange(x0 + step / 2, x1, step)
        ys = np.arange(y0 + step / 2, y1, step)
        grid = [Point(x, y) for y in ys for x in xs]
        inside = [p for p in grid if polygon.contains(p)]
        if len(inside) >= n:
            picks = np.linspace(0, len(inside) - 1, n).round().astype(int)
            return [inside[i] for i in picks]
        step /= 2
    return [polygon.representative_point()] * n


def rural_shares(region: Region) -> pd.Series:
    """Share of each commune's population living in the HCP douar table (0..1), by code.

    The douar table covers the rural parts of communes; the rest (urban
    communes, urban centres) has no douar evidence.
    """
    pop = region.communes.set_index("code")["population_2024"].astype(float)
    douar_pop = region.douars.groupby("commune_code")["population"].sum().astype(float)
    share = (douar_pop.reindex(pop.index).fillna(0) / pop.where(pop > 0)).fillna(0)
    return pd.Series(share.clip(0, 1), index=pop.index, dtype=float)


def _school_age(region: Region, code: str, cycle: str) -> float:
    c24 = region.census_2024.set_index("code")
    value = pd.to_numeric(pd.Series([c24.at[code, CYCLE_AGE_COLUMN[cycle]]]), errors="coerce")
    return float(value.fillna(0).iloc[0])


def _demo_sites(region: Region, inferred: pd.DataFrame) -> pd.DataFrame:
    communes = region.communes
    metric = communes.to_crs(CRS_METRIC)
    have = set(zip(inferred["commune_code"], inferred["cycle"], strict=True))
    ratios = enrolment_ratios(region)
    shares = rural_shares(region)
    rows = []
    for i, c in enumerate(communes.itertuples(index=False)):
        for cycle in DEFAULT_CYCLES:
            age = _school_age(region, c.code, cycle)
            inferred_here = (c.code, cycle) in have
            if inferred_here:  # demo sites only for the population outside the douar table
                age = age * (1 - float(shares.get(c.code, 0.0)))
            pupils = age * float(ratios[cycle].get(c.code, 0.0))
            if inferred_here and pupils < DEMO_MIN_PUPILS:
                continue
            n = max(1, math.ceil(pupils / DEMO_SITE_PUPILS[cycle]))
            points = gpd.GeoSeries(_spread_points(metric.geometry.iloc[i], n),
                                   crs=CRS_METRIC).to_crs(communes.crs)
            fr, ar = _DEMO_NAME[cycle]
            served = _apportion(round(age), np.ones(n))
            for k, pt in enumerate(points, start=1):
                suffix = f"-{k:02d}" if n > 1 else ""
                label_fr = f"{c.name_fr} {k}" if n > 1 else c.name_fr
                label_ar = f"{c.name_ar} {k}" if n > 1 else c.name_ar
                rows.append({
                    "school_id": f"DEMO-{_CODE[cycle]}-{c.code_digits}{suffix}",
                    "name_fr": fr.format(label_fr), "name_ar": ar.format(label_ar),
                    "cycle": cycle, "kind": _KIND[cycle], "commune_code": c.code,
                    "lon": round(pt.x, 5), "lat": round(pt.y, 5),
                    "status": "demo", "source": SOURCE_DEMO, "location_quality": "fictitious",
                    "_served": int(served[k - 1]),
                })
    return pd.DataFrame(rows)


def enrolment_ratios(region: Region) -> dict[str, pd.Series]:
    """Estimated share of school-age children enrolled, per cycle, indexed by commune code.

    Primary: the commune's RGPH 2024 schooling rate of 6-11 year olds. Secondary:
    one regional ratio, AREF 2024-25 pupils over the region's estimated school-age
    population of the cycle (capped at 1).
    """
    c24 = region.census_2024.set_index("code")
    out: dict[str, pd.Series] = {}
    rate = pd.to_numeric(c24["schooling_rate_6_to_11"], errors="coerce") / 100
    out["primary"] = rate.fillna(rate.median()).clip(0, 1)
    for cycle in ("lower_secondary", "upper_secondary"):
        total = float(pd.to_numeric(c24[CYCLE_AGE_COLUMN[cycle]], errors="coerce").sum())
        ratio = min(1.0, OFFICIAL_PUPILS_2024[cycle] / total) if total else 0.0
        out[cycle] = pd.Series(ratio, index=c24.index)
    return out


def _serve_inferred(region: Region, inferred: pd.DataFrame) -> pd.DataFrame:
    """School-age children served by each inferred site: the commune's douar-table
    share of its school-age population, split by douar population."""
    shares = rural_shares(region)
    inferred = inferred.reset_index(drop=True)
    served = np.zeros(len(inferred), dtype=int)
    for key, idx in inferred.groupby(["commune_code", "cycle"]).groups.items():
        code, cycle = str(key[0]), str(key[1])  # type: ignore[index]
        pos = inferred.index.get_indexer(idx)
        total = round(_school_age(region, code, cycle) * float(shares.get(code, 0.0)))
        served[pos] = _apportion(total, inferred["_weight"].to_numpy()[pos])
    return inferred.assign(_served=served).drop(columns="_weight")


def _capacities(region: Region, sites: pd.DataFrame) -> pd.DataFrame:
    ratios = enrolment_ratios(region)
    sites = sites.reset_index(drop=True)
    ratio = np.array([ratios[c].get(k, 0.0) for k, c in
                      zip(sites["commune_code"], sites["cycle"], strict=True)])
    pupils = np.rint(sites["_served"].to_numpy(dtype=float) * ratio).astype(int)
    norm = sites["cycle"].map(_CLASS_NORM).to_numpy()
    classrooms = np.maximum(1, np.ceil(pupils / norm)).astype(int)
    sites["pupils"] = pupils
    sites["classrooms"] = classrooms
    sites["seats"] = classrooms * norm
    sites["capacity_quality"] = "estimated"
    return sites


def build_default_table(region: Region | None = None) -> pd.DataFrame:
    """Build the default registry table (canonical columns, deterministic order).

    Parameters
    ----------
    region
        The loaded region; loaded from ``data/`` when ``None``.
    """
    region = region or load_region()
    threshold = calibrate(region.douars).threshold_km
    inferred = _serve_inferred(region, _inferred_sites(region, threshold))
    sites = pd.concat([inferred, _demo_sites(region, inferred)], ignore_index=True)
    sites = _capacities(region, sites)
    sites["sector"] = "public"
    sites["year"] = 2024
    order = {c: i for i, c in enumerate(DEFAULT_CYCLES)}
    sites = sites.assign(_o=sites["cycle"].map(order))
    sites = sites.sort_values(["commune_code", "_o", "school_id"]).reset_index(drop=True)
    out = pd.DataFrame({c: sites.get(c) for c in REGISTRY_COLUMNS})
    for col in ("classrooms", "seats", "pupils", "year"):
        out[col] = out[col].astype("Int64")
    return out


def write_default(path: Path | None = None, region: Region | None = None) -> Path:
    """Build the default registry and write it as CSV (UTF-8, ``\\n`` line ends)."""
    path = path or data_dir() / DEFAULT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    table = build_default_table(region)
    text = table.to_csv(index=False, lineterminator="\n", float_format="%.5f")
    path.write_bytes(text.encode("utf-8"))
    return path


def load_default_registry(root: Path | None = None) -> gpd.GeoDataFrame:
    """Load the default school registry from ``data/schools/registry_default.csv``.

    Parameters
    ----------
    root
        Data folder; defaults to :func:`mapping.settings.data_dir`.

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`~mapping.schema.REGISTRY_COLUMNS`, EPSG:4326, ``attrs["name"]`` =
        ``"default"`` and ``attrs["key"]`` = hash of the file.

    Raises
    ------
    DataError
        If the file is missing or unreadable.

    Examples
    --------
    >>> reg = load_default_registry()
    >>> sorted(set(reg["location_quality"]))
    ['fictitious', 'inferred_census']
    """
    path = (root or data_dir()) / DEFAULT_FILE
    if not path.is_file():
        raise DataError("default registry not found", path=path,
                        hint="rebuild it with `python -m mapping registry build-default`")
    raw = path.read_bytes()
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot parse CSV: {exc}", path=path) from exc
    missing = [c for c in REGISTRY_COLUMNS if c not in df]
    if missing:
        raise DataError("required column missing", path=path, column=missing[0])
    return to_registry(df, "default", key=hashlib.sha256(raw).hexdigest()[:16])


__all__ = [
    "DEFAULT_FILE", "THRESHOLD_KM", "Calibration", "build_default_table", "calibrate",
    "enrolment_ratios", "load_default_registry", "write_default",
]
