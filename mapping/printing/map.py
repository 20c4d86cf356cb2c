"""Static, printable maps (PNG/PDF, A4) drawn with matplotlib.

A print map shows one indicator of the commune table for a
:class:`~mapping.filters.Selection`: a choropleth of the selected communes
(the others drawn in grey for context), province outlines, optional school
points and commune names, a legend with the class breaks and the no-data
class, a metric scale bar, a north arrow, a locator inset of the region, and a
footer with the sources and the export date. Text is in French, Arabic or
English; Arabic is shaped and laid out right to left, and the page layout is
mirrored.

This module draws the map body and assembles the page; the parts live beside
it in :mod:`mapping.printing` (geometry, view, layout, parts), whose facade
exports the public names.

No basemap is used: maps render offline.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from mapping.classify import NO_DATA_COLOR, Scheme
from mapping.errors import MappingError
from mapping.filters import Selection
from mapping.i18n import is_rtl
from mapping.printing.geometry import (
    outline_paths,
    project,
    school_points,
)
from mapping.printing.layout import (
    LANDSCAPE,
    PORTRAIT,
    Layout,
    fit_extent,
    mirror_rect,
)
from mapping.printing.parts import (
    PROVINCE_EDGE,
    demo_stamp,
    draw_frame,
    halo_text,
    legend,
    locator,
    north_arrow,
    scale_bar,
    school_marks,
)
from mapping.printing.shaping import register_fonts
from mapping.printing.view import (
    View,
    make_view,
    registry_lines,
)
from mapping.provenance import has_fictitious, mark_of

Orientation = Literal["landscape", "portrait"]
Format = Literal["png", "pdf"]

#: PDF font embedding. Type 3 subsets keep the text searchable (Arabic included) and
#: embed about four times faster than TrueType (Type 42) subsets, whose OpenType
#: tables fontTools must rewrite for every file.
PDF_FONTTYPE = 3
CONTEXT_COLOR = "#f2f2f2"
EDGE_COLOR = "#ffffff"


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
    rect = mirror_rect(layout.map_rect, rtl)
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
    outlines, _ = outline_paths(table, provinces)
    ax.add_collection(PathCollection(
        list(outlines), facecolors="none", edgecolors=PROVINCE_EDGE, linewidths=0.9,
        zorder=3,
    ))

    n_schools = 0
    marks: list[str] = []
    if schools is not None and len(schools):
        sel = selection or Selection()
        codes = set(table["code"].to_numpy()[idx])
        chosen = schools[sel.school_mask(schools, codes).to_numpy(dtype=bool)]
        xy = school_points(chosen)
        n_schools = len(xy)
        geom = chosen.geometry
        located = chosen[geom.notna() & ~geom.is_empty] if len(geom) else chosen
        quality = (located["location_quality"] if "location_quality" in located
                   else pd.Series([None] * len(located)))
        marks = [mark_of(q) for q in quality.tolist()]
        if n_schools and len(marks) == n_schools:
            school_marks(ax, xy, marks)
        if has_fictitious(located):
            demo_stamp(fig, lang)

    if labels:
        names = table["name_ar" if lang == "ar" else "name_fr"].to_numpy()
        size = layout.label_size if len(idx) <= 60 else 3.2
        for i in idx:
            halo_text(ax, proj.points[i, 0], proj.points[i, 1], str(names[i]), lang,
                      halo=1.5, fontsize=size, ha="center", va="center", zorder=5,
                      clip_on=True)

    scale_bar(ax, extent, lang)
    north_arrow(ax, extent, lang)
    locator(fig, table, provinces, view, layout)
    legend(fig, view, layout, n_schools, marks)
    return n_schools


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
