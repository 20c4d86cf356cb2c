"""Static, printable maps (PNG/PDF, A4) drawn with matplotlib.

A print map shows one indicator of the commune table for a
:class:`~mapping.filters.Selection`: a choropleth of the selected communes
(the others drawn in grey for context), province outlines, optional school
points and commune names, a legend with the class breaks and the no-data
class, a metric scale bar, a north arrow, a locator inset of the region, and a
footer with the sources and the export date. Text is in French, Arabic or
English; Arabic is shaped and laid out right to left, and the page layout is
mirrored.

Geometry is projected to EPSG:32629 (UTM 29N) once per table and simplified
with a coverage-preserving algorithm, then reused by every later map of the
same table (the atlas draws dozens of pages from one projection). Axis units
are metres, so the scale bar is measured in the projection; UTM's scale factor
stays within 0.9996–1.0002 over the region, an error below 0.05 %.

No basemap is used: maps render offline.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrow, Patch, Rectangle
from matplotlib.path import Path as MplPath
from pyproj import Transformer

from mapping.catalogue import Indicator
from mapping.classify import NO_DATA_COLOR, Classification, Scheme, classify
from mapping.errors import DataError, MappingError
from mapping.filters import Selection
from mapping.i18n import is_rtl, t
from mapping.indicators import get as get_indicator
from mapping.settings import CRS_METRIC, CRS_STORAGE
from mapping.textshaping import families, register_fonts, shape

Orientation = Literal["landscape", "portrait"]
Format = Literal["png", "pdf"]

#: A4 sizes in inches.
A4_LANDSCAPE = (11.69, 8.27)
A4_PORTRAIT = (8.27, 11.69)
#: PDF font embedding. Type 3 subsets keep the text searchable (Arabic included) and
#: embed about four times faster than TrueType (Type 42) subsets, whose OpenType
#: tables fontTools must rewrite for every file.
PDF_FONTTYPE = 3
#: Simplification tolerance in metres (invisible at 300 dpi on A4 for a province).
SIMPLIFY_M = 40.0
CONTEXT_COLOR = "#f2f2f2"
EDGE_COLOR = "#ffffff"
PROVINCE_EDGE = "#3a3a3a"
HIGHLIGHT = "#c0392b"


class EmptySelectionError(MappingError):
    """The selection contains no commune, so there is nothing to map."""


# --------------------------------------------------------------------------- geometry


@dataclass(frozen=True)
class Projected:
    """Geometry of a GeoDataFrame, projected, simplified and turned into paths.

    Attributes
    ----------
    paths
        One matplotlib path per row (positional), in EPSG:32629 metres.
    bounds
        ``(n, 4)`` array of ``minx, miny, maxx, maxy`` per row.
    points
        ``(n, 2)`` array of label points (inside each polygon).
    """

    paths: tuple[MplPath, ...]
    bounds: np.ndarray
    points: np.ndarray


_CACHE: list[tuple[bytes, Projected]] = []
_CACHE_SIZE = 6


def _ring_path(coords: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    codes = np.full(len(coords), MplPath.LINETO, dtype=np.uint8)
    codes[0] = MplPath.MOVETO
    codes[-1] = MplPath.CLOSEPOLY
    return coords, codes


def _to_path(geom: shapely.Geometry | None) -> MplPath:
    verts: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    if geom is not None and not geom.is_empty:
        polys = getattr(geom, "geoms", [geom])
        for poly in polys:
            if poly.geom_type != "Polygon" or poly.is_empty:
                continue
            for ring in (poly.exterior, *poly.interiors):
                v, c = _ring_path(np.asarray(ring.coords)[:, :2])
                verts.append(v)
                codes.append(c)
    if not verts:
        return MplPath(np.zeros((1, 2)), [MplPath.MOVETO])
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def geometry_key(gdf: gpd.GeoDataFrame) -> bytes:
    """A digest of *gdf*'s geometries and CRS: equal geometry gives an equal key."""
    digest = hashlib.blake2b(str(gdf.crs).encode(), digest_size=16)
    for wkb in shapely.to_wkb(gdf.geometry.to_numpy()):
        digest.update(wkb if wkb is not None else b"-")
    return digest.digest()


def project(gdf: gpd.GeoDataFrame, tolerance: float = SIMPLIFY_M) -> Projected:
    """Project, simplify and convert *gdf*'s polygons to matplotlib paths (cached).

    The result is cached on a digest of the geometries (:func:`geometry_key`),
    so drawing many maps of the same communes projects them only once, even
    from a rebuilt commune table.

    Parameters
    ----------
    gdf
        Polygons in any CRS (EPSG:4326 assumed when unset).
    tolerance
        Simplification tolerance in metres.
    """
    key = geometry_key(gdf)
    for held, proj in _CACHE:
        if held == key:
            return proj
    geo = gdf.geometry if gdf.crs is not None else gdf.geometry.set_crs(CRS_STORAGE)
    metric = geo.to_crs(CRS_METRIC).to_numpy()
    try:
        simple = shapely.coverage_simplify(metric, tolerance, simplify_boundary=True)
    except (AttributeError, shapely.errors.GEOSException):
        simple = shapely.simplify(metric, tolerance, preserve_topology=True)
    paths = tuple(_to_path(g) for g in simple)
    bounds = shapely.bounds(metric)
    points = shapely.get_coordinates(shapely.point_on_surface(metric))
    proj = Projected(paths=paths, bounds=bounds, points=points)
    _CACHE.append((key, proj))
    del _CACHE[:-_CACHE_SIZE]
    return proj


_TO_METRIC = Transformer.from_crs(CRS_STORAGE, CRS_METRIC, always_xy=True)


def _school_points(schools: gpd.GeoDataFrame) -> np.ndarray:
    geom = schools.geometry
    ok = geom.notna() & ~geom.is_empty
    if schools.crs is not None and str(schools.crs) != CRS_STORAGE:
        geom = geom.to_crs(CRS_STORAGE)
    xy = shapely.get_coordinates(geom[ok].to_numpy())
    if not len(xy):
        return np.zeros((0, 2))
    x, y = _TO_METRIC.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def today() -> str:
    """The export date printed in footers (ISO format)."""
    return _dt.date.today().isoformat()


# --------------------------------------------------------------------------- view


@dataclass(frozen=True)
class View:
    """Everything computed before drawing: the indicator, its classes, the selection.

    Attributes
    ----------
    indicator
        The catalogue entry.
    values
        Indicator values of the selected communes (positional, NaN = no data).
    mask
        Boolean mask of the selected communes over the whole table.
    classification
        Classes of the selected values.
    territory
        Name of what is mapped (province(s) or region), in the map's language.
    lang
        Map language.
    """

    indicator: Indicator
    values: np.ndarray
    mask: np.ndarray
    classification: Classification
    territory: str
    lang: str
    filtered: bool = False


def territory_name(
    selection: Selection, table: pd.DataFrame, provinces: pd.DataFrame | None, lang: str
) -> str:
    """Name of the mapped territory: the selected province(s), else the region."""
    if not selection.provinces:
        return t("export.region", lang)
    names = []
    col = "name_ar" if lang == "ar" else "name_fr"
    for code in selection.provinces:
        kind, name = "province", code
        if provinces is not None and code in set(provinces["province_code"]):
            row = provinces.loc[provinces["province_code"] == code].iloc[0]
            kind, name = str(row.get("type", "province")), str(row[col])
        else:
            rows = table.loc[table["province_code"] == code]
            if len(rows):
                name = str(rows.iloc[0]["province_ar" if lang == "ar" else "province_fr"])
        names.append(t("export.prefecture" if kind == "prefecture" else "export.province",
                       lang, name=name))
    return " · ".join(names)


def make_view(
    table: gpd.GeoDataFrame,
    indicator_id: str,
    selection: Selection | None = None,
    *,
    scheme: Scheme = "quantiles",
    k: int = 5,
    manual_breaks: Sequence[float] | None = None,
    lang: str = "fr",
    provinces: pd.DataFrame | None = None,
) -> View:
    """Select, classify and name what a print map shows.

    Raises
    ------
    UnknownCodeError
        If *indicator_id* is not in the catalogue.
    DataError
        If the table has no column for the indicator.
    EmptySelectionError
        If no commune is selected.
    """
    indicator = get_indicator(indicator_id)
    if indicator_id not in table.columns:
        raise DataError("the commune table has no column for this indicator",
                        column=indicator_id,
                        hint="build the table with mapping.table.indicator_table")
    selection = selection or Selection()
    mask = selection.commune_mask(table).to_numpy(dtype=bool)
    if not mask.any():
        raise EmptySelectionError(t("export.empty_selection", lang))
    values = pd.to_numeric(table[indicator_id], errors="coerce").to_numpy(dtype=float)[mask]
    try:
        cls = classify(values, scheme, k, higher_is_better=indicator.higher_is_better,
                       manual_breaks=manual_breaks)
    except ValueError as exc:
        raise MappingError(str(exc)) from exc
    filtered = bool(selection.cercles or selection.communes or selection.area
                    or selection.search.strip())
    return View(indicator, values, mask, cls,
                territory_name(selection, table, provinces, lang), lang, filtered)


def number(value: float, decimals: int, lang: str) -> str:
    """Format a number for a legend or a table (thin-space thousands, French decimal comma)."""
    if value != value:  # NaN
        return "—"
    text = f"{value:,.{decimals}f}".replace(",", "\u202f")
    return text.replace(".", ",") if lang == "fr" else text


def subtitle(view: View) -> str:
    """Indicator label, year, unit and the flags a reader must see."""
    ind, lang = view.indicator, view.lang
    parts = [ind.label_in(lang), str(ind.year)]
    if ind.unit_in(lang):
        parts.append(ind.unit_in(lang))
    flags = []
    if ind.estimated:
        flags.append(t("export.flag_estimated", lang))
    if ind.year == 2014:
        flags.append(t("export.flag_2014", lang))
    text = " · ".join(parts)
    if flags:
        text += "  [" + ", ".join(flags) + "]"
    if view.filtered:
        text += " · " + t("export.filtered", lang, n=int(view.mask.sum()))
    return text


def registry_lines(schools: pd.DataFrame, note: str | None, lang: str) -> list[str]:
    """Footer lines naming the school registry's source and location-quality shares."""
    source = note
    if source is None:
        found = [str(s) for s in schools.get("source", pd.Series(dtype=str)).dropna().unique()]
        found = [s for s in found if s.strip()]
        source = "; ".join(found[:3]) + ("…" if len(found) > 3 else "")
        source = source or str(schools.attrs.get("name", "—"))
    lines = [t("export.registry_source", lang, source=source)]
    if len(schools) and "location_quality" in schools:
        counts = schools["location_quality"].fillna("unknown").astype(str).value_counts()
        shares = ", ".join(
            f"{t('export.quality.' + str(level), lang)} {100 * n / len(schools):.0f} %"
            for level, n in counts.items()
        )
        lines.append(t("export.registry_quality", lang, shares=shares))
    return lines


# --------------------------------------------------------------------------- drawing


@dataclass(frozen=True)
class Layout:
    """Positions on the page, in figure fractions, for a left-to-right page.

    Right-to-left pages mirror them horizontally.
    """

    size: tuple[float, float]
    map_rect: tuple[float, float, float, float]
    locator_rect: tuple[float, float, float, float]
    legend_xy: tuple[float, float]
    title_y: float = 0.955
    subtitle_y: float = 0.918
    footer_y: float = 0.058
    title_size: float = 16
    label_size: float = 5.0


LANDSCAPE = Layout(A4_LANDSCAPE, (0.03, 0.11, 0.64, 0.78), (0.72, 0.63, 0.24, 0.25),
                   (0.72, 0.59))
PORTRAIT = Layout(A4_PORTRAIT, (0.04, 0.29, 0.92, 0.60), (0.05, 0.085, 0.27, 0.18),
                  (0.37, 0.275), title_y=0.965, subtitle_y=0.94, footer_y=0.045)
#: The atlas page: a narrower map, the ranking on the side.
ATLAS = Layout(A4_LANDSCAPE, (0.03, 0.11, 0.56, 0.78), (0.615, 0.69, 0.15, 0.19),
               (0.78, 0.885), title_size=15)


def _mirror_rect(
    rect: tuple[float, float, float, float], rtl: bool
) -> tuple[float, float, float, float]:
    x, y, w, h = rect
    return (1 - x - w if rtl else x, y, w, h)


def text(
    target: Figure | Axes, x: float, y: float, s: str, lang: str, *,
    size: float = 9, weight: str = "normal", ha: str | None = None, **kw: Any,
) -> None:
    """Draw *s* shaped for *lang*, in a font that covers it.

    *target* is a figure or an axes; *x* is mirrored for right-to-left
    languages when *ha* is not given (the text then aligns on the right).
    """
    rtl = is_rtl(lang)
    if ha is None:
        ha = "right" if rtl else "left"
        x = 1 - x if rtl else x
    target.text(
        x, y, shape(s), fontsize=size, fontweight=weight, ha=ha,
        fontfamily=families(s, lang), **kw,
    )


def halo_text(ax: Axes, x: float, y: float, s: str, lang: str, *, halo: float,
              **kw: Any) -> None:
    """Draw *s* at data coordinates with a white halo, keeping it searchable in PDFs.

    A matplotlib path effect turns text into outlines in PDF output, so the
    halo is a separate outline-only copy under a plain text.
    """
    shaped, family = shape(s), families(s, lang)
    z = kw.pop("zorder", 5)
    ax.text(x, y, shaped, fontfamily=family, color="white", zorder=z - 0.01,
            path_effects=[patheffects.Stroke(linewidth=halo, foreground="white")], **kw)
    ax.text(x, y, shaped, fontfamily=family, zorder=z, **kw)


def fit_extent(bounds: np.ndarray, aspect: float, margin: float = 0.04) -> list[float]:
    minx, miny = bounds[:, 0].min(), bounds[:, 1].min()
    maxx, maxy = bounds[:, 2].max(), bounds[:, 3].max()
    w, h = (maxx - minx) * (1 + 2 * margin), (maxy - miny) * (1 + 2 * margin)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    if w / h > aspect:
        h = w / aspect
    else:
        w = h * aspect
    return [cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2]


def nice_length(span_m: float) -> float:
    """A round scale-bar length (1, 2 or 5 × 10ⁿ metres) close to a fifth of *span_m*."""
    target = span_m / 5
    exp = 10 ** math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * exp <= target:
            return float(step * exp)
    return float(exp)


def _scale_bar(ax: Axes, extent: list[float], lang: str) -> None:
    x0, x1, y0, y1 = extent
    length = nice_length(x1 - x0)
    height = (y1 - y0) * 0.008
    rtl = is_rtl(lang)
    left = x1 - (x1 - x0) * 0.04 - length if rtl else x0 + (x1 - x0) * 0.04
    base = y0 + (y1 - y0) * 0.035
    for i in range(4):
        ax.add_patch(Rectangle(
            (left + i * length / 4, base), length / 4, height,
            facecolor="black" if i % 2 == 0 else "white", edgecolor="black", linewidth=0.5,
            zorder=6,
        ))
    km = length / 1000
    unit = "كلم" if lang == "ar" else "km"
    for frac in (0, 0.5, 1):
        value = km * frac
        label = f"{value:g}" if frac < 1 else f"{value:g} {unit}"
        halo_text(ax, left + length * frac, base + height * 1.6, label, lang, halo=2,
                  ha="center", va="bottom", fontsize=6.5, zorder=6)


def _north_arrow(ax: Axes, extent: list[float], lang: str) -> None:
    x0, x1, y0, y1 = extent
    rtl = is_rtl(lang)
    cx = x0 + (x1 - x0) * (0.06 if rtl else 0.94)
    cy = y1 - (y1 - y0) * 0.12
    # true north at the arrow: project a short meridian segment
    inv = Transformer.from_crs(CRS_METRIC, CRS_STORAGE, always_xy=True)
    lon, lat = inv.transform(cx, cy)
    (ax_, bx), (ay, by) = _TO_METRIC.transform([lon, lon], [lat, lat + 0.05])
    angle = math.atan2(bx - ax_, by - ay)  # from grid north, clockwise
    length = (y1 - y0) * 0.06
    dx, dy = length * math.sin(angle), length * math.cos(angle)
    ax.add_patch(FancyArrow(
        cx - dx / 2, cy - dy / 2, dx, dy, width=length * 0.12, head_width=length * 0.4,
        head_length=length * 0.4, length_includes_head=True, color="black", zorder=6,
    ))
    label = t("export.north", lang)
    ax.text(
        cx + dx * 0.75, cy + dy * 0.75 + length * 0.1, shape(label), ha="center",
        va="bottom", fontsize=10, fontweight="bold", fontfamily=families(label, lang),
        zorder=6,
    )


def _outline_paths(
    table: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame | None
) -> tuple[tuple[MplPath, ...], list[str]]:
    if provinces is None:
        provinces = _dissolved_provinces(table)
    return project(provinces).paths, [str(c) for c in provinces["province_code"]]


_DISSOLVED: list[tuple[bytes, gpd.GeoDataFrame]] = []


def _dissolved_provinces(table: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    key = geometry_key(table)
    for held, gdf in _DISSOLVED:
        if held == key:
            return gdf
    gdf = table[["province_code", "geometry"]].dissolve("province_code").reset_index()
    _DISSOLVED[:] = [(key, gdf)]
    return gdf


def draw_map(
    fig: Figure,
    view: View,
    table: gpd.GeoDataFrame,
    layout: Layout,
    *,
    schools: gpd.GeoDataFrame | None = None,
    selection: Selection | None = None,
    provinces: gpd.GeoDataFrame | None = None,
    labels: bool = False,
) -> int:
    """Draw the map body of *view* on *fig*: choropleth, outlines, points, inset, legend.

    Returns
    -------
    int
        Number of school points drawn.
    """
    lang, rtl = view.lang, is_rtl(view.lang)
    proj = project(table)
    idx = np.flatnonzero(view.mask)
    rect = _mirror_rect(layout.map_rect, rtl)
    ax = fig.add_axes(rect)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#888888")
        spine.set_linewidth(0.6)
        spine.set_zorder(7)
    w_in, h_in = rect[2] * layout.size[0], rect[3] * layout.size[1]
    extent = fit_extent(proj.bounds[idx], w_in / h_in)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect("equal", adjustable="box")

    b = proj.bounds
    visible = ((b[:, 2] >= extent[0]) & (b[:, 0] <= extent[1])
               & (b[:, 3] >= extent[2]) & (b[:, 1] <= extent[3]))
    others = np.flatnonzero(~view.mask & visible)  # context communes in the frame only
    if len(others):
        ax.add_collection(PathCollection(
            [proj.paths[i] for i in others], facecolors=CONTEXT_COLOR, edgecolors="#cccccc",
            linewidths=0.3, zorder=1,
        ))
    cls = view.classification
    colors = [NO_DATA_COLOR if c < 0 else cls.colors[c] for c in cls.classes]
    ax.add_collection(PathCollection(
        [proj.paths[i] for i in idx], facecolors=colors, edgecolors=EDGE_COLOR,
        linewidths=0.35, zorder=2,
    ))
    outline_paths, _ = _outline_paths(table, provinces)
    ax.add_collection(PathCollection(
        list(outline_paths), facecolors="none", edgecolors=PROVINCE_EDGE, linewidths=0.9,
        zorder=3,
    ))

    n_schools = 0
    if schools is not None and len(schools):
        sel = selection or Selection()
        codes = set(table["code"].to_numpy()[idx])
        chosen = schools[sel.school_mask(schools, codes).to_numpy(dtype=bool)]
        xy = _school_points(chosen)
        n_schools = len(xy)
        if n_schools:
            ax.scatter(xy[:, 0], xy[:, 1], s=5, marker="o", facecolor="black",
                       edgecolor="white", linewidths=0.3, zorder=4)

    if labels:
        names = table["name_ar" if lang == "ar" else "name_fr"].to_numpy()
        size = layout.label_size if len(idx) <= 60 else 3.2
        for i in idx:
            halo_text(ax, proj.points[i, 0], proj.points[i, 1], str(names[i]), lang,
                      halo=1.5, fontsize=size, ha="center", va="center", zorder=5,
                      clip_on=True)

    _scale_bar(ax, extent, lang)
    _north_arrow(ax, extent, lang)
    _locator(fig, table, provinces, view, layout)
    _legend(fig, view, layout, n_schools)
    return n_schools


def _locator(fig: Figure, table: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame | None,
             view: View, layout: Layout) -> None:
    lang = view.lang
    ax = fig.add_axes(_mirror_rect(layout.locator_rect, is_rtl(lang)))
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#888888")
        spine.set_linewidth(0.6)
    paths, codes = _outline_paths(table, provinces)
    selected = set(table["province_code"].to_numpy()[view.mask])
    whole = len(selected) == len(set(codes)) and bool(view.mask.all())
    faces = [HIGHLIGHT if (c in selected and not whole) else "#dddddd" for c in codes]
    ax.add_collection(PathCollection(list(paths), facecolors=faces, edgecolors="white",
                                     linewidths=0.5))
    if not view.mask.all():
        proj = project(table)
        b = proj.bounds[view.mask]
        ax.add_patch(Rectangle((b[:, 0].min(), b[:, 1].min()), b[:, 2].max() - b[:, 0].min(),
                               b[:, 3].max() - b[:, 1].min(), facecolor="none",
                               edgecolor="black", linewidth=0.7))
    allb = project(table).bounds
    w_in = layout.locator_rect[2] * layout.size[0]
    h_in = layout.locator_rect[3] * layout.size[1]
    ext = fit_extent(allb, w_in / h_in, margin=0.03)
    ax.set_xlim(ext[0], ext[1])
    ax.set_ylim(ext[2], ext[3])
    ax.set_aspect("equal", adjustable="box")
    label = t("export.locator", lang)
    ax.set_title(shape(label), fontsize=7, fontfamily=families(label, lang),
                 loc="right" if is_rtl(lang) else "left", pad=2)


def _legend(fig: Figure, view: View, layout: Layout, n_schools: int) -> None:
    lang, rtl = view.lang, is_rtl(view.lang)
    ind, cls = view.indicator, view.classification
    decimals = ind.decimals
    bounds = [cls.lower, *cls.breaks]
    handles: list[Artist] = []
    labels: list[str] = []
    for i in range(cls.k):
        lo, hi = number(bounds[i], decimals, lang), number(bounds[i + 1], decimals, lang)
        handles.append(Patch(facecolor=cls.colors[i], edgecolor="#999999", linewidth=0.4))
        labels.append(f"{lo} – {hi}  ({cls.counts[i]})")
    missing = int((cls.classes < 0).sum())
    if missing or cls.k == 0:
        handles.append(Patch(facecolor=NO_DATA_COLOR, edgecolor="#999999", linewidth=0.4))
        labels.append(f"{t('export.no_data', lang)}  ({missing})")
    handles.append(Patch(facecolor="none", edgecolor=PROVINCE_EDGE, linewidth=0.9))
    labels.append(t("export.province_limits", lang))
    if n_schools:
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], marker="o", linestyle="none", markerfacecolor="black",
                              markeredgecolor="white", markersize=4))
        labels.append(t("export.schools", lang, n=n_schools))
    unit = ind.unit_in(lang)
    scheme = t(f"export.scheme.{cls.scheme}", lang)
    title = _wrap(ind.label_in(lang) + (f" ({unit})" if unit else ""), 40)
    title += "\n" + t("export.classes", lang, scheme=scheme, k=cls.k)
    x, y = layout.legend_xy
    leg = fig.legend(
        handles, [shape(s) for s in labels], loc="upper right" if rtl else "upper left",
        bbox_to_anchor=(1 - x if rtl else x, y), frameon=False, fontsize=7.5,
        title=shape(title), title_fontsize=7.5, markerfirst=not rtl,
        alignment="right" if rtl else "left", handlelength=1.6, borderaxespad=0,
        prop={"family": families(title, lang), "size": 7.5},
    )
    leg.get_title().set_fontfamily(families(title, lang))
    leg.get_title().set_multialignment("right" if rtl else "left")
    for txt in leg.get_texts():
        txt.set_fontfamily(families(txt.get_text(), lang))


def _wrap(s: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(s, width)) or s


def draw_frame(
    fig: Figure, view: View, layout: Layout, *, footer_lines: Sequence[str] = (),
) -> None:
    """Draw the title, the subtitle and the footer (sources, notes, export date)."""
    lang = view.lang
    text(fig, 0.03, layout.title_y, view.territory, lang, size=layout.title_size,
         weight="bold", va="center")
    text(fig, 0.03, layout.subtitle_y, subtitle(view), lang, size=10.5, va="center",
         color="#222222")
    note = view.indicator.note.get(lang) or view.indicator.note.get("fr")
    draw_footer(fig, layout, lang, [
        t("export.sources", lang), *footer_lines,
        *([t("export.note", lang, text=note)] if note else []),
        t("export.exported", lang, date=today()),
    ])


def draw_footer(fig: Figure, layout: Layout, lang: str, lines: Sequence[str]) -> None:
    """Write footer *lines*, wrapped to the page width, above the bottom margin."""
    landscape = layout.size[0] > layout.size[1]
    width = 185 if landscape else 128  # characters of 6.3 pt text across the page
    wrapped = [part for line in lines for part in (_wrap(line, width) or line).split("\n")]
    step = 0.014 if landscape else 0.0105
    y = max(layout.footer_y, 0.02 + (len(wrapped) - 1) * step)
    for line in wrapped:
        text(fig, 0.03, y, line, lang, size=6.3, color="#333333", va="top")
        y -= step


def render_map(
    table: gpd.GeoDataFrame,
    indicator_id: str,
    *,
    selection: Selection | None = None,
    scheme: Scheme = "quantiles",
    k: int = 5,
    manual_breaks: Sequence[float] | None = None,
    lang: str = "fr",
    orientation: Orientation = "landscape",
    schools: gpd.GeoDataFrame | None = None,
    provinces: gpd.GeoDataFrame | None = None,
    labels: bool = False,
    registry_note: str | None = None,
) -> Figure:
    """Draw an A4 print map of one indicator for a selection.

    Parameters
    ----------
    table
        The commune table (:func:`mapping.table.indicator_table`), EPSG:4326.
    indicator_id
        A catalogue indicator id, also a column of *table*.
    selection
        Communes to map (and schools to draw); ``None`` maps the whole region.
    scheme, k, manual_breaks
        Classification, see :func:`mapping.classify.classify`.
    lang
        ``fr``, ``ar`` (right to left, mirrored layout) or ``en``.
    orientation
        ``landscape`` or ``portrait`` A4.
    schools
        A school registry (point geometry, ``None`` where unknown); the
        selection's cycle and sector filters apply. The footer then names the
        registry's source and location-quality shares.
    provinces
        Province polygons (``region.provinces``) for outlines, names and the
        locator; dissolved from *table* when ``None``.
    labels
        Write commune names on the map.
    registry_note
        Source of the school registry shown in the footer (defaults to the
        registry's ``source`` column).

    Returns
    -------
    matplotlib.figure.Figure
        Not attached to pyplot; save it with :func:`save`.

    Raises
    ------
    MappingError
        Unknown indicator, missing column, empty selection or bad classification.

    Examples
    --------
    >>> from mapping.datasets import load_region
    >>> from mapping.table import indicator_table
    >>> fig = render_map(indicator_table(load_region()), "schooling_rate_6_to_11",
    ...                  selection=Selection(provinces=("07.041",)))
    >>> save(fig, "al_haouz.pdf", "pdf")  # doctest: +SKIP
    """
    if orientation not in ("landscape", "portrait"):
        raise MappingError(f"unknown orientation {orientation!r}; use landscape or portrait")
    register_fonts()
    view = make_view(table, indicator_id, selection, scheme=scheme, k=k,
                     manual_breaks=manual_breaks, lang=lang, provinces=provinces)
    layout = LANDSCAPE if orientation == "landscape" else PORTRAIT
    fig = Figure(figsize=layout.size)
    draw_map(fig, view, table, layout, schools=schools, selection=selection,
             provinces=provinces, labels=labels)
    footer = registry_lines(schools, registry_note, lang) if schools is not None else []
    draw_frame(fig, view, layout, footer_lines=[" · ".join(footer)] if footer else [])
    fig.set_label(f"{indicator_id}|{view.territory}")
    return fig


def save(fig: Figure, path_or_buffer: str | object | IO[bytes], fmt: Format = "png",
         dpi: int = 300) -> None:
    """Write *fig* as PNG (with DPI metadata) or PDF (selectable, searchable text).

    PDF fonts are embedded as Type 3 subsets with a Unicode map (see
    :data:`PDF_FONTTYPE`), so titles and commune names,
    Arabic included, can be searched and copied.
    """
    import matplotlib

    if fmt not in ("png", "pdf"):
        raise MappingError(f"unknown format {fmt!r}; use png or pdf")
    metadata = {"Title": fig.get_label() or "Carte scolaire Marrakech-Safi",
                "Creator": "Carte scolaire Marrakech-Safi"}
    if fmt == "png":
        metadata = {"Title": metadata["Title"], "Software": metadata["Creator"]}
    with matplotlib.rc_context({"pdf.fonttype": PDF_FONTTYPE}):
        fig.savefig(path_or_buffer, format=fmt, dpi=dpi, metadata=metadata,  # type: ignore[arg-type]
                    facecolor="white")
