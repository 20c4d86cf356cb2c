"""Benchmark suite: honest speed and size figures to compare releases.

Every measurement is a function returning a list of :class:`Figure`. A
measurement whose code is not available (a module or function that another
part of the project has not provided yet) yields a figure whose value is
``None`` and whose note says ``n/a (not available)``, so the suite always runs
to the end. Figures are reported, never asserted.

Browser measurements start ``streamlit run app.py`` on a free loopback port
and drive headless Chromium through Playwright (imported lazily: it is a
development dependency).

Examples
--------
>>> from mapping import bench
>>> report = bench.run_all(quick=True, browser=False)   # doctest: +SKIP
>>> print(report.table())                               # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mapping.datasets import Region, load_region
from mapping.schema import REGISTRY_COLUMNS
from mapping.settings import CRS_METRIC, CRS_STORAGE, PROJECT_ROOT

#: Note attached to a figure whose code is missing.
NOT_AVAILABLE = "n/a (not available)"
#: Chromium shipped by Debian; a browser is never downloaded.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
)
#: Timeout of one browser wait, in ms; concurrent sessions raise it for their steps.
_WAIT_MS: contextvars.ContextVar[float] = contextvars.ContextVar("bench_wait_ms",
                                                                 default=60_000.0)
#: Tolerance of the nearest-school agreement check, in metres.
DISTANCE_TOLERANCE_M = 1e-6
#: Six indicators of the atlas benchmark (8 provinces x 6 = 48 maps).
ATLAS_INDICATORS = (
    "schooling_rate_6_to_11",
    "illiteracy_rate_10_plus",
    "school_age_primary_est",
    "amenities_electricity",
    "households_distance_to_paved_road_km",
    "equipment_internet_2014",
)
#: CSS selector of the st_folium component iframe.
MAP_IFRAME = 'iframe[title*="st_folium"]'
#: CSS selector of a drawn commune shape inside the map iframe (class set by mapping.webmap);
#: when no shape carries it, every interactive vector shape is counted instead.
MAP_PATHS = "path.cs-commune"
_SHAPES_JS = (
    "() => { const c = document.querySelectorAll('path.cs-commune');"
    " return Array.from(c.length ? c : document.querySelectorAll('path.leaflet-interactive')); }"
)


# --------------------------------------------------------------------------- figures


@dataclass
class Figure:
    """One measured figure.

    Attributes
    ----------
    key
        Stable identifier, e.g. ``"nearest.ours_s"``; JSON consumers use it.
    label
        What was measured, in one line.
    value
        The figure, or ``None`` when it could not be measured.
    unit
        ``"s"``, ``"ms"``, ``"bytes"``, ``"MiB"``, ``"x"`` (ratio) or ``""``.
    note
        How it was measured, or why it is missing.
    """

    key: str
    label: str
    value: float | int | str | None
    unit: str = ""
    note: str = ""

    def shown(self) -> str:
        """The value formatted for the table."""
        if self.value is None:
            return NOT_AVAILABLE if not self.note else "n/a"
        if isinstance(self.value, float):
            if self.unit in ("s", "x"):
                return f"{self.value:.3f}"
            return f"{self.value:,.1f}"
        if isinstance(self.value, int):
            return f"{self.value:,}"
        return str(self.value)


def missing(key: str, label: str, unit: str = "", why: str = "") -> Figure:
    """A figure that could not be measured because code is not available."""
    note = NOT_AVAILABLE + (f": {why}" if why else "")
    return Figure(key, label, None, unit, note)


def failed(key: str, label: str, unit: str, exc: BaseException) -> Figure:
    """A figure whose measurement raised *exc* (reported, so the suite goes on)."""
    msg = str(exc).splitlines()[0][:160] if str(exc) else ""
    return Figure(key, label, None, unit, f"failed: {type(exc).__name__}: {msg}")


@dataclass
class Report:
    """A list of figures with the context needed to compare runs."""

    figures: list[Figure] = field(default_factory=list)
    quick: bool = False
    started: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                               time.gmtime()))

    def add(self, figures: Sequence[Figure]) -> None:
        """Append *figures*."""
        self.figures.extend(figures)

    def get(self, key: str) -> Figure | None:
        """The figure called *key*, if measured."""
        return next((f for f in self.figures if f.key == key), None)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready content: machine description and every figure."""
        return {
            "started": self.started,
            "quick": self.quick,
            "machine": machine(),
            "figures": [asdict(f) for f in self.figures],
            "values": {f.key: f.value for f in self.figures},
        }

    def write_json(self, path: Path) -> None:
        """Write the report as JSON to *path*."""
        path.write_text(json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")

    def table(self) -> str:
        """A plain-text table: label, value, unit, note."""
        rows = [(f.label, f.shown(), f.unit, f.note) for f in self.figures]
        w0 = max([len("measure")] + [len(r[0]) for r in rows])
        w1 = max([len("value")] + [len(r[1]) for r in rows])
        w2 = max([len("unit")] + [len(r[2]) for r in rows])
        lines = [f"{'measure':<{w0}}  {'value':>{w1}}  {'unit':<{w2}}  note",
                 f"{'-' * w0}  {'-' * w1}  {'-' * w2}  ----"]
        lines += [f"{a:<{w0}}  {b:>{w1}}  {c:<{w2}}  {d}".rstrip() for a, b, c, d in rows]
        return "\n".join(lines)


def machine() -> dict[str, Any]:
    """Describe the machine the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_mib": round(mem_kib / 1024),
    }


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Run *fn* once; return (seconds, result)."""
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def best_of(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Run *fn* *repeat* times; return (fastest seconds, last result).

    The fastest run is the least disturbed by other processes on the machine.
    """
    best = float("inf")
    result: Any = None
    for _ in range(max(1, repeat)):
        secs, result = timed(fn)
        best = min(best, secs)
    return best, result


def _optional(module: str, name: str) -> Any | None:
    """``module.name`` if both exist, else ``None`` (the code has not landed)."""
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    return getattr(mod, name, None)


# --------------------------------------------------------------------------- loaders


def default_registry() -> gpd.GeoDataFrame | None:
    """The embedded default registry, or ``None`` when the registry code is absent."""
    loader = _optional("mapping.registry", "load_default_registry")
    if loader is None:
        return None
    reg: gpd.GeoDataFrame = loader()
    return reg


def bench_loaders() -> tuple[list[Figure], Region, gpd.GeoDataFrame | None]:
    """Time the region loader, the default registry and the indicator table.

    Returns
    -------
    figures, region, registry
        The figures, and the loaded region and default registry for reuse.
    """
    from mapping.table import indicator_table

    figures: list[Figure] = []
    secs, region = timed(load_region)
    figures.append(Figure("load.region_s", "load_region (all data/ extracts)", secs, "s"))
    registry: gpd.GeoDataFrame | None = None
    if _optional("mapping.registry", "load_default_registry") is None:
        figures.append(missing("load.registry_s", "default registry", "s"))
    else:
        try:
            secs, registry = timed(default_registry)
        except Exception as exc:
            figures.append(failed("load.registry_s", "default registry", "s", exc))
        else:
            figures.append(Figure("load.registry_s", "default registry", secs, "s",
                                  f"{len(registry):,} schools"))
    try:
        secs, table = timed(lambda: indicator_table(region, registry))
    except Exception as exc:
        figures.append(failed("load.indicator_table_s", "indicator_table (default registry)",
                              "s", exc))
    else:
        figures.append(Figure("load.indicator_table_s", "indicator_table (default registry)",
                              secs, "s", f"{len(table)} communes x {len(table.columns)} columns"))
    return figures, region, registry


# --------------------------------------------------------------------------- nearest


def random_points(communes: gpd.GeoDataFrame, n: int, seed: int = 0) -> gpd.GeoDataFrame:
    """Draw *n* points uniformly (by area) inside the union of the commune polygons.

    Rejection sampling in the metric CRS, deterministic for a given *seed*.

    Parameters
    ----------
    communes
        Commune polygons (any CRS).
    n
        Number of points.
    seed
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    geopandas.GeoDataFrame
        *n* points in EPSG:4326, index ``0..n-1``.
    """
    rng = np.random.default_rng(seed)
    area = shapely.union_all(communes.to_crs(CRS_METRIC).geometry.to_numpy())
    shapely.prepare(area)
    xmin, ymin, xmax, ymax = area.bounds
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    got = 0
    while got < n:
        m = max(2 * (n - got), 1000)
        x = rng.uniform(xmin, xmax, m)
        y = rng.uniform(ymin, ymax, m)
        keep = shapely.contains_xy(area, x, y)
        xs.append(x[keep])
        ys.append(y[keep])
        got += int(keep.sum())
    x = np.concatenate(xs)[:n]
    y = np.concatenate(ys)[:n]
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=CRS_METRIC)
    return pts.to_crs(CRS_STORAGE)


def random_schools(communes: gpd.GeoDataFrame, n: int, seed: int = 1) -> gpd.GeoDataFrame:
    """A fictitious registry of *n* schools at random points of the region.

    The rows have every canonical registry column and are flagged
    ``fictitious`` (benchmark data, never shown to users).
    """
    pts = random_points(communes, n, seed)
    lon = pts.geometry.x.to_numpy()
    lat = pts.geometry.y.to_numpy()
    data: dict[str, Any] = dict.fromkeys(REGISTRY_COLUMNS)
    data.update({
        "school_id": [f"BENCH-{i:06d}" for i in range(n)],
        "name_fr": [f"Benchmark school {i}" for i in range(n)],
        "name_ar": [f"مدرسة اختبار {i}" for i in range(n)],
        "cycle": "primary",
        "sector": "public",
        "kind": "benchmark",
        "lon": lon,
        "lat": lat,
        "source": "benchmark (fictitious)",
        "location_quality": "fictitious",
        "capacity_quality": "fictitious",
    })
    df = pd.DataFrame(data, index=pd.RangeIndex(n))
    reg = gpd.GeoDataFrame(df, geometry=pts.geometry.to_numpy(), crs=CRS_STORAGE)
    reg.attrs["name"] = "benchmark"
    reg.attrs["key"] = f"benchmark-{n}-{seed}"
    return reg


def reference_nearest(points: gpd.GeoDataFrame, schools: gpd.GeoDataFrame) -> pd.DataFrame:
    """Nearest school of every point with :func:`geopandas.sjoin_nearest`.

    Parameters
    ----------
    points, schools
        Point GeoDataFrames in any CRS; distances are computed in EPSG:32629.

    Returns
    -------
    pandas.DataFrame
        Indexed like *points*: ``school_index`` (index label in *schools*) and
        ``distance_m``. Where several schools tie, the first one is kept.
    """
    p = points[[points.geometry.name]].to_crs(CRS_METRIC)
    s = schools[[schools.geometry.name]].to_crs(CRS_METRIC)
    joined = gpd.sjoin_nearest(p, s, how="left", distance_col="distance_m")
    joined = joined[~joined.index.duplicated(keep="first")]
    out = pd.DataFrame({"school_index": joined["index_right"].to_numpy(),
                        "distance_m": joined["distance_m"].to_numpy()}, index=joined.index)
    return out.reindex(points.index)


@dataclass
class NearestCheck:
    """Agreement of two nearest-school results on the same data.

    Attributes
    ----------
    points
        Number of points compared.
    same_school
        Points given the same school index by both.
    ties
        Points given different schools at equal distance (within tolerance).
    mismatches
        Points whose results differ otherwise (must be 0).
    max_distance_diff_m
        Largest absolute difference between the two reported distances.
    """

    points: int
    same_school: int
    ties: int
    mismatches: int
    max_distance_diff_m: float

    @property
    def identical(self) -> bool:
        """True when every point agrees (up to ties) within the tolerance."""
        return self.mismatches == 0 and self.max_distance_diff_m <= DISTANCE_TOLERANCE_M


def _xy(gdf: gpd.GeoDataFrame) -> np.ndarray:
    geom = gdf.geometry.to_crs(CRS_METRIC)
    return np.column_stack([geom.x.to_numpy(), geom.y.to_numpy()])


def compare_nearest(
    points: gpd.GeoDataFrame,
    schools: gpd.GeoDataFrame,
    ours: pd.DataFrame,
    reference: pd.DataFrame,
    tolerance_m: float = DISTANCE_TOLERANCE_M,
) -> NearestCheck:
    """Compare two nearest-school results point by point.

    Parameters
    ----------
    points, schools
        The data both results were computed on.
    ours, reference
        Indexed like *points*, with ``school_index`` (label in *schools*) and
        ``distance_m``.
    tolerance_m
        Two distances closer than this are equal.

    Returns
    -------
    NearestCheck
        A different school counts as a tie when the true distance from the
        point to our school equals the reference distance within tolerance.
    """
    ours = ours.reindex(points.index)
    reference = reference.reindex(points.index)
    pxy = _xy(points)
    sxy = _xy(schools)
    pos = pd.Series(np.arange(len(schools)), index=schools.index)
    ours_idx = ours["school_index"].to_numpy()
    ref_idx = reference["school_index"].to_numpy()
    valid = pd.notna(ours_idx)
    ours_pos = np.full(len(points), -1)
    ours_pos[valid] = pos.reindex(ours_idx[valid]).fillna(-1).to_numpy(dtype=int)
    same = np.asarray(ours_idx == ref_idx, dtype=bool)
    d_ours = ours["distance_m"].to_numpy(dtype=float)
    d_ref = reference["distance_m"].to_numpy(dtype=float)
    diff = np.abs(d_ours - d_ref)
    true_d = np.full(len(points), np.inf)
    ok = ours_pos >= 0
    true_d[ok] = np.hypot(*(pxy[ok] - sxy[ours_pos[ok]]).T)
    tie = ~same & (np.abs(true_d - d_ref) <= tolerance_m)
    bad = (~same & ~tie) | ~(diff <= tolerance_m)
    max_diff = float(np.nanmax(diff)) if len(diff) else 0.0
    return NearestCheck(len(points), int(same.sum()), int(tie.sum()), int(bad.sum()), max_diff)


def ours_nearest(points: gpd.GeoDataFrame, schools: gpd.GeoDataFrame) -> pd.DataFrame | None:
    """Nearest school with :func:`mapping.nearest.nearest_schools`, normalised.

    Returns ``None`` when that function is not available. The result is indexed
    like *points*, with ``school_index`` and ``distance_m``.
    """
    fn = _optional("mapping.nearest", "nearest_schools")
    if fn is None:
        return None
    res = fn(points, schools)
    cols = {c: c for c in res.columns}
    idx_col = next((c for c in ("school_index", "index_right", "school_idx") if c in cols), None)
    if idx_col is None:
        raise ValueError(f"nearest_schools returned columns {list(res.columns)}: "
                         "expected a school index column")
    out = pd.DataFrame({"school_index": res[idx_col].to_numpy(),
                        "distance_m": res["distance_m"].to_numpy(dtype=float)},
                       index=res.index)
    return out


def bench_nearest(
    communes: gpd.GeoDataFrame, n_points: int = 100_000, n_schools: int = 10_000, seed: int = 0,
    repeat: int = 3,
) -> tuple[list[Figure], NearestCheck | None]:
    """Time our nearest-school search against :func:`geopandas.sjoin_nearest`.

    Points and schools are drawn uniformly inside the commune polygons with
    seeds *seed* and *seed* + 1. Both functions run once on a small sample
    first (imports, projection set-up), then *repeat* times on the full data;
    the fastest run of each is reported. Reprojection to EPSG:32629 is
    included in both times.

    Returns
    -------
    figures, check
        The figures and the agreement check (``None`` when our function is
        not available).
    """
    label = f"{n_points:,} points x {n_schools:,} schools"
    points = random_points(communes, n_points, seed)
    schools = random_schools(communes, n_schools, seed + 1)
    reference_nearest(points.iloc[:100], schools.iloc[:100])
    ref_s, ref = best_of(lambda: reference_nearest(points, schools), repeat)
    note = f"fastest of {repeat}" if repeat > 1 else "one run"
    figures = [Figure("nearest.sjoin_s", f"nearest school, geopandas.sjoin_nearest ({label})",
                      ref_s, "s", f"reference, {note}")]
    if _optional("mapping.nearest", "nearest_schools") is None:
        figures.append(missing("nearest.ours_s", f"nearest school, mapping.nearest ({label})",
                               "s"))
        return figures, None
    ours_nearest(points.iloc[:100], schools.iloc[:100])
    ours_s, ours = best_of(lambda: ours_nearest(points, schools), repeat)
    check = compare_nearest(points, schools, ours, ref)
    figures += [
        Figure("nearest.ours_s", f"nearest school, mapping.nearest ({label})", ours_s, "s",
               note),
        Figure("nearest.ratio", "nearest school, sjoin_nearest time / ours", ref_s / ours_s
               if ours_s > 0 else None, "x", "> 1 means ours is faster"),
        Figure("nearest.identical", "nearest school, results identical to sjoin_nearest",
               "yes" if check.identical else "NO", "",
               f"{check.same_school:,} same, {check.ties:,} ties, {check.mismatches:,} "
               f"mismatches, max |d| diff {check.max_distance_diff_m:.2e} m"),
    ]
    return figures, check


# --------------------------------------------------------------------------- web map


def webmap_html(
    region: Region, registry: gpd.GeoDataFrame | None,
    indicator_id: str = "schooling_rate_6_to_11", lang: str = "fr",
    table: gpd.GeoDataFrame | None = None, schools: bool = True,
) -> tuple[str, str] | None:
    """The web map of all 251 communes as the app builds it, or ``None`` if unavailable.

    Follows the builder sequence documented in :mod:`mapping.webmap`:
    simplified communes, choropleth of *indicator_id* (quantiles, 5 classes),
    province outlines, school points of *registry*, layer control.

    Returns
    -------
    (html, geojson) or None
        The rendered folium page (what the browser receives, Leaflet assets
        excluded) and the communes' GeoJSON text. *table* is the indicator
        table when already built; *schools* False leaves the school points out.
    """
    from mapping.classify import classify
    from mapping.indicators import get
    from mapping.table import indicator_table

    wm = _optional_module("mapping.webmap")
    needed = ("web_communes", "web_provinces", "base_map", "add_choropleth",
              "add_province_outlines", "add_schools", "add_layer_control", "feature_json")
    if wm is None or not all(hasattr(wm, n) for n in needed):
        return None
    if table is None:
        table = indicator_table(region, registry)
    web = wm.web_communes(region.communes)
    values = table.drop(columns="geometry").set_index("code")
    extra = [c for c in values.columns if c not in web.columns]
    web = web.merge(values[extra], left_on="code", right_index=True, how="left")
    ind = get(indicator_id)
    m = wm.base_map(bounds=web.total_bounds)
    c = classify(pd.to_numeric(web[ind.id], errors="coerce").to_numpy(), "quantiles", 5,
                 higher_is_better=ind.higher_is_better)
    wm.add_choropleth(m, web, ind, c, lang)
    wm.add_province_outlines(m, wm.web_provinces(web))
    if registry is not None and schools:
        wm.add_schools(m, registry, lang)
    wm.add_layer_control(m)
    html: str = m.get_root().render()
    geojson: str = wm.feature_json(web[["code", "name_fr", "name_ar", ind.id, "geometry"]])
    return html, geojson


def _optional_module(name: str) -> Any | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def bench_webmap(region: Region, registry: gpd.GeoDataFrame | None) -> list[Figure]:
    """Size of the folium map page (without and with school points) and build times."""
    from mapping.table import indicator_table

    label = "web map payload, 251 communes (folium HTML)"
    if _optional_module("mapping.webmap") is None:
        return [missing("webmap.bytes", label, "bytes")]
    table = indicator_table(region, registry)
    secs, built = timed(lambda: webmap_html(region, registry, table=table, schools=False))
    if built is None:
        return [missing("webmap.bytes", label, "bytes")]
    html, geojson = built
    size = len(html.encode("utf-8"))
    figures = [
        Figure("webmap.bytes", label, size, "bytes",
               f"{size / 2**20:.2f} MiB, no school points; target <= 1.5 MB"),
        Figure("webmap.geojson_bytes", "web map communes GeoJSON (251, simplified)",
               len(geojson.encode("utf-8")), "bytes"),
        Figure("webmap.build_s", "web map build and render, communes only", secs, "s",
               "indicator table excluded"),
    ]
    if registry is not None:
        secs, built = timed(lambda: webmap_html(region, registry, table=table))
        if built is not None:
            size = len(built[0].encode("utf-8"))
            figures += [
                Figure("webmap.with_schools_bytes", "web map payload with the default "
                       "registry's school points", size, "bytes",
                       f"{size / 2**20:.2f} MiB, {len(registry):,} schools"),
                Figure("webmap.with_schools_build_s", "web map build and render with school "
                       "points", secs, "s"),
            ]
    return figures


# --------------------------------------------------------------------------- siting, atlas


def bench_siting(
    region: Region, registry: gpd.GeoDataFrame | None, province: str = "07.041",
    cycle: str = "lower_secondary", k: int = 3,
) -> list[Figure]:
    """Time one MCLP siting run (``mapping.siting.suggest_sites``) for one province."""
    label = f"siting MCLP, {k} sites, {cycle}, province {province}"
    fn = _optional("mapping.siting", "suggest_sites")
    if fn is None or registry is None:
        return [missing("siting.s", label, "s")]
    secs, sites = timed(lambda: fn(region, registry, cycle, k, province=province))
    return [Figure("siting.s", label, secs, "s", f"{len(sites)} sites returned; target <= 10 s")]


def bench_atlas(
    region: Region, registry: gpd.GeoDataFrame | None, provinces: Sequence[str] | None = None,
    indicators: Sequence[str] = ATLAS_INDICATORS, out_dir: Path | None = None,
) -> list[Figure]:
    """Time the atlases of *provinces* x *indicators* (default 8 x 6 = 48 maps)."""
    fn = _optional("mapping.atlas", "build_atlas")
    codes = list(provinces) if provinces is not None else sorted(
        region.communes["province_code"].unique())
    n_maps = len(codes) * len(indicators)
    label = f"atlas, {len(codes)} provinces x {len(indicators)} indicators ({n_maps} maps)"
    if fn is None:
        return [missing("atlas.s", label, "s")]
    with tempfile.TemporaryDirectory(prefix="bench-atlas-") as tmp:
        folder = out_dir or Path(tmp)

        def build() -> int:
            size = 0
            for code in codes:
                out = folder / f"atlas_{code}.pdf"
                fn(region, code, list(indicators), lang="fr", registry=registry, out=out)
                size += out.stat().st_size if out.exists() else 0
            return size

        secs, size = timed(build)
    return [Figure("atlas.s", label, secs, "s",
                   f"{secs / n_maps:.2f} s per map, {size / 2**20:.1f} MiB of PDF; "
                   "target <= 60 s")]


# --------------------------------------------------------------------------- app server


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def peak_rss_kib(pid: int) -> int | None:
    """Peak resident set size (``VmHWM``) of process *pid*, in KiB (Linux only)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time consumed so far by process *pid* (Linux only)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks
    except (OSError, ValueError, IndexError):
        return None


@dataclass
class AppServer:
    """A running ``streamlit run app.py`` on the loopback interface."""

    process: subprocess.Popen[bytes]
    port: int
    started: float
    ready: float

    @property
    def url(self) -> str:
        """Base URL of the app."""
        return f"http://127.0.0.1:{self.port}"

    def peak_rss_kib(self) -> int | None:
        """Peak resident memory of the server process so far."""
        return peak_rss_kib(self.process.pid)

    def cpu_seconds(self) -> float | None:
        """CPU time the server process has used so far."""
        return cpu_seconds(self.process.pid)


@contextlib.contextmanager
def app_server(
    port: int | None = None, env: dict[str, str] | None = None, timeout_s: float = 90.0,
    app: Path = PROJECT_ROOT / "app.py",
) -> Iterator[AppServer]:
    """Start the Streamlit app on 127.0.0.1 and stop it on exit.

    Parameters
    ----------
    port
        Port to listen on (default: a free one).
    env
        Extra environment variables for the server.
    timeout_s
        Seconds to wait for the health endpoint.
    """
    port = port or free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.headless", "true", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]
    full_env = {**os.environ, **(env or {})}
    # the server's log goes to a file: a pipe nobody reads would block it once full
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=str(app.parent), env=full_env,
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_healthy(proc, port, started, timeout_s, log)
            yield AppServer(proc, port, started, time.perf_counter())
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def _wait_healthy(proc: subprocess.Popen[bytes], port: int, started: float, timeout_s: float,
                  log: Any) -> None:
    health = f"http://127.0.0.1:{port}/_stcore/health"
    while True:
        if proc.poll() is not None:
            log.seek(0)
            err = log.read().decode(errors="replace")
            raise RuntimeError(f"streamlit exited with code {proc.returncode}: {err[-2000:]}")
        try:
            with urllib.request.urlopen(health, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if time.perf_counter() - started > timeout_s:
            raise RuntimeError(f"streamlit did not answer on port {port} in {timeout_s} s")
        time.sleep(0.1)


# --------------------------------------------------------------------------- browser


def percentile(values: Sequence[float], q: float) -> float | None:
    """The *q*-th percentile (0-100) of *values*, linear interpolation; None if empty."""
    if not values:
        return None
    return float(np.percentile(np.asarray(values, dtype=float), q))


async def launch_chromium(playwright: Any) -> Any:
    """Launch the system Chromium headless with the project's flags."""
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS),
                                            headless=True)


async def map_frame(page: Any, timeout_ms: float | None = None) -> Any:
    """The st_folium iframe's frame, once attached."""
    timeout_ms = timeout_ms or _WAIT_MS.get()
    handle = await page.wait_for_selector(MAP_IFRAME, state="attached", timeout=timeout_ms)
    frame = await handle.content_frame()
    if frame is None:
        raise RuntimeError("the map iframe has no frame")
    return frame


async def wait_for_paths(page: Any, minimum: int = 1, timeout_ms: float | None = None) -> int:
    """Wait until the map iframe draws at least *minimum* vector paths; return the count."""
    timeout_ms = timeout_ms or _WAIT_MS.get()
    deadline = time.perf_counter() + timeout_ms / 1000
    while True:
        try:
            frame = await map_frame(page, timeout_ms=max(1.0, (deadline - time.perf_counter())
                                                         * 1000))
            n = int(await frame.evaluate(f"({_SHAPES_JS})().length"))
            if n >= minimum:
                return n
        except Exception:  # frame detached while rerendering: retry
            if time.perf_counter() > deadline:
                raise
        if time.perf_counter() > deadline:
            raise TimeoutError(f"map drew fewer than {minimum} shapes in {timeout_ms} ms")
        await page.wait_for_timeout(50)


async def map_signature(page: Any) -> str:
    """A fingerprint of what the map draws (count and fill colours of its shapes)."""
    frame = await map_frame(page)
    sig: str = await frame.evaluate(
        f"({_SHAPES_JS})()"
        ".map(p => (p.getAttribute('fill') || '') + (p.getAttribute('d') || '').length)"
        ".join('|')"
    )
    return sig


async def wait_for_redraw(page: Any, before: str, timeout_ms: float | None = None) -> str:
    """Wait until the map's fingerprint differs from *before*; return the new one."""
    timeout_ms = timeout_ms or _WAIT_MS.get()
    deadline = time.perf_counter() + timeout_ms / 1000
    while True:
        try:
            now = await map_signature(page)
            if now and now != before:
                return now
        except Exception:
            if time.perf_counter() > deadline:
                raise
        if time.perf_counter() > deadline:
            raise TimeoutError(f"the map was not redrawn within {timeout_ms} ms")
        await page.wait_for_timeout(25)


async def click_commune(page: Any, nth: int = 0) -> None:
    """Click the *nth* commune shape of the map."""
    frame = await map_frame(page)
    handle = await frame.evaluate_handle(f"({_SHAPES_JS})()[{int(nth)}]")
    element = handle.as_element()
    if element is None:
        raise RuntimeError(f"the map has no commune shape number {nth}")
    await element.click(force=True)


async def wait_idle(page: Any, timeout_ms: float | None = None) -> None:
    """Wait until Streamlit has finished running the script (no status widget)."""
    timeout_ms = timeout_ms or _WAIT_MS.get()
    await page.wait_for_timeout(50)
    await page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden",
                                                                    timeout=timeout_ms)


async def choose_option(
    page: Any, label: str, option: str, timeout_ms: float | None = None
) -> None:
    """Pick *option* in the Streamlit selectbox or multiselect labelled *label*.

    The option is typed into the box's search field (long option lists are
    virtualised, so not every option is in the DOM), then clicked.
    """
    timeout_ms = timeout_ms or _WAIT_MS.get()
    combo = page.get_by_role("combobox", name=label, exact=True).first
    if not await combo.count():  # a multiselect with values names them in its label
        combo = page.get_by_role("combobox", name=label).first
    await combo.click(timeout=timeout_ms)
    await combo.fill(option, timeout=timeout_ms)
    await page.get_by_role("option").filter(has_text=option).first.click(timeout=timeout_ms)


async def browser_figures(quick: bool = False, env: dict[str, str] | None = None) -> list[Figure]:
    """Cold start, rerun times and peak memory, measured in headless Chromium.

    Cold start is the time from launching ``streamlit run`` to the map iframe
    drawing the 251 commune shapes. Rerun times are measured in the browser,
    from the interaction (choosing a province, choosing an indicator) to the
    map being redrawn with different shapes or colours, with the script run
    finished; they include the round trip and the redraw, so they bound the
    server time from above.
    """
    from playwright.async_api import async_playwright

    figures: list[Figure] = []
    async with async_playwright() as pw:
        browser = await launch_chromium(pw)
        try:
            with app_server(env=env) as server:
                ctx = await browser.new_context(viewport={"width": 1400, "height": 900})
                page = await ctx.new_page()
                await page.goto(server.url, wait_until="domcontentloaded")
                try:
                    n = await wait_for_paths(page, minimum=251, timeout_ms=120_000)
                except Exception as exc:
                    figures.append(missing("browser.cold_start_s",
                                           "cold start to first drawn map", "s", str(exc)[:120]))
                    figures.append(_rss_figure(server))
                    return figures
                cold = time.perf_counter() - server.started
                figures.append(Figure(
                    "browser.cold_start_s", "cold start to first drawn map (browser)", cold, "s",
                    f"process start -> {n} shapes drawn; server ready after "
                    f"{server.ready - server.started:.1f} s"))
                await wait_idle(page)
                figures += await _rerun_figures(page, repeats=1 if quick else 3)
                figures.append(_rss_figure(server))
                await ctx.close()
        finally:
            await browser.close()
    return figures


def _rss_figure(server: AppServer) -> Figure:
    kib = server.peak_rss_kib()
    if kib is None:
        return missing("app.peak_rss_mib", "peak memory of the app process (VmHWM)", "MiB")
    return Figure("app.peak_rss_mib", "peak memory of the app process (VmHWM)", kib / 1024,
                  "MiB", "/proc/<pid>/status VmHWM after the browser measurements")


#: Indicator labels (French, the default language) tried for the indicator rerun.
RERUN_INDICATORS = ("illiteracy_rate_10_plus", "schooling_rate_6_to_11")
#: Province names (French) tried for the filter rerun.
RERUN_PROVINCES = ("Safi", "Essaouira")


async def _rerun_figures(page: Any, repeats: int) -> list[Figure]:
    from mapping.indicators import catalogue

    cat = catalogue()
    out: list[Figure] = []
    ind_times: list[float] = []
    prov_times: list[float] = []
    try:
        for i in range(repeats):
            ind = cat[RERUN_INDICATORS[i % 2]].label_in("fr")
            before = await map_signature(page)
            t0 = time.perf_counter()
            await choose_option(page, _ui_label("indicator"), ind)
            await wait_for_redraw(page, before)
            await wait_idle(page)
            ind_times.append(time.perf_counter() - t0)
    except Exception as exc:
        out.append(missing("browser.rerun_indicator_s", "rerun after an indicator change", "s",
                           f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:100]}"))
    else:
        out.append(Figure("browser.rerun_indicator_s", "rerun after an indicator change "
                          "(browser, median)", statistics.median(ind_times), "s",
                          f"interaction -> map redrawn, {repeats} run(s)"))
    try:
        for i in range(repeats):
            before = await map_signature(page)
            t0 = time.perf_counter()
            await choose_option(page, _ui_label("province"), RERUN_PROVINCES[i % 2])
            await wait_for_redraw(page, before)
            await wait_idle(page)
            prov_times.append(time.perf_counter() - t0)
            await page.keyboard.press("Escape")
            # back to the whole region (not timed)
            before = await map_signature(page)
            await page.get_by_role("button", name=_t("ui.reset")).first.click()
            await wait_for_redraw(page, before)
            await wait_idle(page)
    except Exception as exc:
        out.append(missing("browser.rerun_filter_s", "rerun after a filter change", "s",
                           f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:100]}"))
    else:
        out.append(Figure("browser.rerun_filter_s", "rerun after a filter change "
                          "(browser, median)", statistics.median(prov_times), "s",
                          f"province chosen -> map redrawn, {repeats} run(s)"))
    return out


def _ui_label(what: str) -> str:
    from mapping.i18n import t

    keys = {"indicator": "map.indicator", "province": "ui.province"}
    return t(keys[what], "fr")


# --------------------------------------------------------------------------- load


@dataclass
class LoadResult:
    """Outcome of concurrent browser sessions.

    Attributes
    ----------
    sessions
        Number of concurrent sessions.
    steps
        ``(journey, step, seconds)`` for every completed step.
    errors
        ``(session, journey, step, message)`` for every failed step.
    wall_s
        Wall-clock time of the whole run.
    """

    sessions: int
    steps: list[tuple[str, str, float]] = field(default_factory=list)
    errors: list[tuple[int, str, str, str]] = field(default_factory=list)
    wall_s: float = 0.0

    def times(self, journey: str | None = None) -> list[float]:
        """Step times, for one journey or all."""
        return [s for j, _, s in self.steps if journey is None or j == journey]

    def summary(self) -> str:
        """p50/p95 of the interaction times, overall and by step, plus the errors."""
        lines = [f"{self.sessions} sessions, {len(self.steps)} steps, "
                 f"{len(self.errors)} errors, wall {self.wall_s:.1f} s"]
        keys = sorted({(j, st) for j, st, _ in self.steps})
        for j, st in [(None, None), *keys]:
            vals = [s for jj, ss, s in self.steps if (j is None or (jj, ss) == (j, st))]
            p50, p95 = percentile(vals, 50), percentile(vals, 95)
            name = "all steps" if j is None else f"{j}: {st}"
            lines.append(f"  {name:<40} n={len(vals):>3}  p50={p50 or 0:6.2f} s  "
                         f"p95={p95 or 0:6.2f} s")
        lines += [f"  error in session {i} {j}/{st}: {m}" for i, j, st, m in self.errors]
        return "\n".join(lines)


#: A journey: ``async def journey(page, url, step)`` where ``step(name)`` is an
#: async context manager timing one interaction.
Journey = Callable[[Any, str, Callable[[str], Any]], Any]


async def run_sessions(
    url: str,
    journeys: dict[str, Journey],
    sessions: int = 20,
    step_timeout_s: float = 180.0,
    total_timeout_s: float = 360.0,
    ramp_s: float = 0.5,
) -> LoadResult:
    """Drive *sessions* concurrent browser contexts through *journeys*.

    One Chromium, one context per session; session *i* runs the journey
    ``list(journeys)[i % len(journeys)]``. Every step is bounded by
    *step_timeout_s* and the whole run by *total_timeout_s*; a failed step
    ends its session and is recorded as an error. Session *i* starts
    *i* x *ramp_s* seconds after the first (users do not all arrive in the
    same millisecond); all sessions then run concurrently.
    """
    import asyncio

    from playwright.async_api import async_playwright

    result = LoadResult(sessions)
    names = list(journeys)

    async def session(i: int, browser: Any) -> None:
        name = names[i % len(names)]
        current = ["start"]
        _WAIT_MS.set(step_timeout_s * 1000)
        await asyncio.sleep(i * ramp_s)

        @contextlib.asynccontextmanager
        async def step(label: str) -> Any:
            current[0] = label
            t0 = time.perf_counter()
            yield
            result.steps.append((name, label, time.perf_counter() - t0))

        ctx = await browser.new_context(viewport={"width": 1400, "height": 900},
                                        accept_downloads=True)
        ctx.set_default_timeout(step_timeout_s * 1000)
        page = await ctx.new_page()
        page.on("dialog", lambda d: result.errors.append((i, name, current[0],
                                                          f"dialog: {d.message}")))
        try:
            await journeys[name](page, url, step)
        except Exception as exc:
            result.errors.append((i, name, current[0],
                                  f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"))
        finally:
            await ctx.close()

    t0 = time.perf_counter()
    async with async_playwright() as pw:
        browser = await launch_chromium(pw)
        try:
            tasks = [asyncio.ensure_future(session(i, browser)) for i in range(sessions)]
            _done, pending = await asyncio.wait(tasks, timeout=total_timeout_s)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)
                result.errors.append((-1, "all", "all", f"{len(pending)} sessions still "
                                      f"running after {total_timeout_s:.0f} s were cancelled"))
        finally:
            await browser.close()
    result.wall_s = time.perf_counter() - t0
    return result


async def _open_map(page: Any, url: str) -> None:
    await page.goto(url, wait_until="domcontentloaded")
    await wait_for_paths(page, minimum=251)
    await wait_idle(page)


async def planner_journey(page: Any, url: str, step: Callable[[str], Any]) -> None:
    """Planner: open the map, change the indicator, click a commune."""
    from mapping.indicators import get

    async with step("open map"):
        await _open_map(page, url)
    async with step("change indicator"):
        before = await map_signature(page)
        await choose_option(page, _ui_label("indicator"),
                            get("illiteracy_rate_10_plus").label_in("fr"))
        await wait_for_redraw(page, before)
        await wait_idle(page)
    async with step("click a commune"):
        await click_commune(page, 100)
        # the commune panel opens with its close button
        await page.get_by_role("button", name=_t("panel.clear")).first.wait_for()
        await wait_idle(page)


async def director_journey(page: Any, url: str, step: Callable[[str], Any]) -> None:
    """Director: pick a province, open the Export page, request a PNG."""
    async with step("open map"):
        await _open_map(page, url)
    async with step("pick province"):
        before = await map_signature(page)
        await choose_option(page, _ui_label("province"), RERUN_PROVINCES[0])
        await wait_for_redraw(page, before)
        await wait_idle(page)
        await page.keyboard.press("Escape")
    async with step("open Export page"):
        await page.get_by_role("link", name=_nav_label("export"), exact=True).click()
        await page.get_by_role("button", name=_t("export.download_png")).first.wait_for()
        await wait_idle(page)
    async with step("request PNG"):
        await _request_png(page)


async def _request_png(page: Any) -> None:
    button = page.get_by_role("button", name=_t("export.download_png")).first
    await button.wait_for()
    async with page.expect_download() as info:
        await button.click()
    download = await info.value
    if await download.failure():
        raise RuntimeError("PNG download failed")
    if not (await download.path()).stat().st_size:
        raise RuntimeError("the PNG is empty")


async def analyst_journey(page: Any, url: str, step: Callable[[str], Any]) -> None:
    """Analyst: filter province and area, open the Communes page, download the CSV."""
    async with step("open map"):
        await _open_map(page, url)
    async with step("filter province and area"):
        before = await map_signature(page)
        await choose_option(page, _ui_label("province"), RERUN_PROVINCES[1])
        await page.keyboard.press("Escape")
        await wait_for_redraw(page, before)
        await wait_idle(page)
        before = await map_signature(page)
        await page.locator('[data-testid="stSidebar"] label').filter(
            has_text=_t("area.rural")).first.click()
        await wait_for_redraw(page, before)
        await wait_idle(page)
    async with step("open Communes page"):
        await page.get_by_role("link", name=_nav_label("communes"), exact=True).click()
        await page.get_by_role("button", name=_t("communes.download")).first.wait_for()
        await wait_idle(page)
    async with step("download CSV"):
        async with page.expect_download() as info:
            await page.get_by_role("button", name=_t("communes.download")).first.click()
        download = await info.value
        if await download.failure():
            raise RuntimeError("CSV download failed")
        rows = (await download.path()).read_text(encoding="utf-8-sig").count("\n") - 1
        if rows < 1:
            raise RuntimeError("the CSV has no commune")


#: The three user journeys of the design document.
JOURNEYS: dict[str, Journey] = {
    "planner": planner_journey,
    "director": director_journey,
    "analyst": analyst_journey,
}


def _nav_label(page: str) -> str:
    return _t(f"nav.{page}")


def _t(key: str) -> str:
    from mapping.i18n import t

    return t(key, "fr")


def load_figures(sessions: int = 20, env: dict[str, str] | None = None) -> list[Figure]:
    """Start the app, run *sessions* concurrent journeys, report p50/p95 and errors."""
    import asyncio

    with app_server(env=env) as server:
        warm = asyncio.run(run_sessions(server.url, {"planner": planner_journey}, sessions=1))
        cpu0 = server.cpu_seconds()
        result = asyncio.run(run_sessions(server.url, JOURNEYS, sessions=sessions))
        cpu1 = server.cpu_seconds()
        rss = _rss_figure(server)
    times = result.times()
    server_cpu = None if cpu0 is None or cpu1 is None else cpu1 - cpu0
    errors = warm.errors + result.errors
    return [
        Figure("load.sessions", "load: concurrent browser sessions", sessions, "",
               f"{len(result.steps)} steps in {result.wall_s:.1f} s, after 1 warm-up session"),
        Figure("load.p50_s", "load: interaction time p50", percentile(times, 50), "s"),
        Figure("load.p95_s", "load: interaction time p95", percentile(times, 95), "s"),
        Figure("load.errors", "load: errors", len(errors), "",
               "; ".join(f"{j}/{st}: {m}" for _, j, st, m in errors[:3])),
        Figure("load.server_cpu_s", "load: CPU time of the app process during the run",
               server_cpu, "s", "the rest of the machine's time went to Chromium"),
        Figure("load.peak_rss_mib", "load: peak memory of the app process", rss.value,
               "MiB"),
    ]


# --------------------------------------------------------------------------- all


def run_all(
    quick: bool = False, browser: bool = True, load: bool = False, seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Run every benchmark and return the report.

    Parameters
    ----------
    quick
        Reduced sizes for a smoke check (10,000 x 1,000 nearest, 2 atlas
        provinces x 2 indicators, 1 rerun, 4 load sessions).
    browser
        Run the browser measurements (cold start, reruns, peak memory).
    load
        Also run the concurrent-session load benchmark.
    seed
        Seed of the random points and schools.
    progress
        Called with the name of each step before it runs.
    """
    import asyncio

    say = progress or (lambda _msg: None)
    report = Report(quick=quick)

    def guarded(step: str, key: str, fn: Callable[[], list[Figure]]) -> None:
        say(step)
        try:
            report.add(fn())
        except Exception as exc:
            report.add([failed(key, step, "", exc)])

    say("loaders")
    figures, region, registry = bench_loaders()
    report.add(figures)
    guarded("web map", "webmap.bytes", lambda: bench_webmap(region, registry))
    n_points, n_schools = (10_000, 1_000) if quick else (100_000, 10_000)
    guarded("nearest school", "nearest.ours_s",
            lambda: bench_nearest(region.communes, n_points, n_schools, seed,
                                  repeat=1 if quick else 3)[0])
    guarded("siting", "siting.s", lambda: bench_siting(region, registry))
    provinces = sorted(region.communes["province_code"].unique())
    if quick:
        guarded("atlas", "atlas.s",
                lambda: bench_atlas(region, registry, provinces[:2], ATLAS_INDICATORS[:2]))
    else:
        guarded("atlas", "atlas.s",
                lambda: bench_atlas(region, registry, provinces, ATLAS_INDICATORS))
    if browser:
        guarded("browser", "browser.cold_start_s",
                lambda: asyncio.run(browser_figures(quick=quick)))
    if load:
        guarded("load", "load.errors", lambda: load_figures(sessions=4 if quick else 20))
    return report
