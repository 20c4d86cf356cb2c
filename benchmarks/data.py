"""Library benchmarks: loaders, web map payload, siting and atlas."""

from __future__ import annotations

import importlib
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

import benchmarks as bench  # `bench._optional` is looked up in the package: tests replace it there
from benchmarks.report import Figure, failed, missing, timed
from mapping.datasets import Region, load_region
from mapping.printing.atlas import DEFAULT_INDICATORS

#: The atlas's default indicators (8 provinces x 6 = 48 maps).
ATLAS_INDICATORS = DEFAULT_INDICATORS


def default_registry() -> gpd.GeoDataFrame | None:
    """The embedded default registry, or ``None`` when the registry code is absent."""
    loader = bench._optional("mapping.registry", "load_default_registry")
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
    if bench._optional("mapping.registry", "load_default_registry") is None:
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


# --------------------------------------------------------------------------- web map


def webmap_html(
    region: Region, registry: gpd.GeoDataFrame | None,
    indicator_id: str = "schooling_rate_6_to_11", lang: str = "fr",
    table: gpd.GeoDataFrame | None = None, schools: bool = True,
) -> tuple[str, str] | None:
    """The web map of all 251 communes as the app builds it, or ``None`` if unavailable.

    Follows the builder sequence documented in :mod:`mapping.web`:
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

    wm = _optional_module("mapping.web")
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
    if _optional_module("mapping.web") is None:
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
    """Time one MCLP siting run (``mapping.access.siting.suggest_sites``) for one province."""
    label = f"siting MCLP, {k} sites, {cycle}, province {province}"
    fn = bench._optional("mapping.access.siting", "suggest_sites")
    if fn is None or registry is None:
        return [missing("siting.s", label, "s")]
    secs, sites = timed(lambda: fn(region, registry, cycle, k, province=province))
    return [Figure("siting.s", label, secs, "s", f"{len(sites)} sites returned; target <= 10 s")]


def bench_atlas(
    region: Region, registry: gpd.GeoDataFrame | None, provinces: Sequence[str] | None = None,
    indicators: Sequence[str] = ATLAS_INDICATORS, out_dir: Path | None = None,
) -> list[Figure]:
    """Time the atlases of *provinces* x *indicators* (default 8 x 6 = 48 maps)."""
    fn = bench._optional("mapping.printing.atlas", "build_atlas")
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

