"""Map furniture of print maps: text, scale bar, north arrow, locator, legend, frame.

Each function draws one part of the page around the map body drawn by
:func:`mapping.printing.draw_map`; text is shaped for its language and
right-to-left pages are mirrored.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerPatch
from matplotlib.patches import Ellipse, FancyArrow, Patch, Rectangle
from pyproj import Transformer

from mapping.classify import NO_DATA_COLOR
from mapping.i18n import is_rtl, t
from mapping.numbers import format_int, format_number
from mapping.printing.geometry import TO_METRIC, outline_paths, project
from mapping.printing.layout import Layout, fit_extent, mirror_rect
from mapping.printing.shaping import families, shape
from mapping.printing.view import View, number, subtitle
from mapping.provenance import MARK_LABELS, MarkStyle, demo_mark, mark_style
from mapping.settings import CRS_METRIC, CRS_STORAGE

PROVINCE_EDGE = "#3a3a3a"
HIGHLIGHT = "#c0392b"


#: Colour of school marks on printed maps (one colour: the choropleth carries the colours).
PRINT_SCHOOL_COLOR = "#000000"
#: A location quality drawn with each mark.
_MARK_QUALITY = {"circle": "surveyed", "hatched": "inferred_census", "cross": "fictitious"}


def print_mark(mark: str) -> MarkStyle:
    """The printed style of a provenance mark (black, see :mod:`mapping.provenance`)."""
    return mark_style(_MARK_QUALITY[mark], PRINT_SCHOOL_COLOR)


def school_marks(ax: Axes, xy: Any, marks: Sequence[str]) -> None:
    """Draw school points at *xy* (``(n, 2)`` metric), each with its provenance mark."""
    import numpy as np

    kinds = np.asarray(marks, dtype=object)
    for mark in ("circle", "hatched", "cross"):
        pick = kinds == mark
        if not pick.any():
            continue
        st = print_mark(mark)
        if mark == "circle":
            ax.scatter(xy[pick, 0], xy[pick, 1], s=5, marker="o", facecolor="black",
                       edgecolor="white", linewidths=0.3, zorder=4)
        else:
            ax.scatter(xy[pick, 0], xy[pick, 1], s=14, marker=st.matplotlib_marker,
                       facecolor="white", edgecolor=st.color, hatch=st.hatch,
                       linewidths=0.6, linestyle="dotted" if mark == "cross" else "dashed",
                       zorder=4)


def demo_stamp(fig: Figure, lang: str) -> None:
    """Print the "demonstration data" mark across the top of the page."""
    label = demo_mark(lang)
    fig.text(0.5, 0.905, shape(label), ha="center", va="center", fontsize=11,
             fontweight="bold", color="white", fontfamily=families(label, lang), zorder=10,
             bbox={"boxstyle": "round,pad=0.35", "facecolor": "#7a1f00", "edgecolor": "none"})


def today() -> str:
    """The export date printed in footers (ISO format)."""
    return _dt.date.today().isoformat()


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


def nice_length(span_m: float) -> float:
    """A round scale-bar length (1, 2 or 5 × 10ⁿ metres) close to a fifth of *span_m*."""
    target = span_m / 5
    exp = 10 ** math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * exp <= target:
            return float(step * exp)
    return float(exp)


def scale_bar(ax: Axes, extent: list[float], lang: str) -> None:
    """Draw a metric scale bar of :func:`nice_length` in a bottom corner of *ax*."""
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
    for frac in (0, 0.5, 1):
        value = km * frac
        decimals = 0 if float(value).is_integer() else 1
        label = format_number(value, lang, decimals)
        if frac == 1:
            label += " " + ("كلم" if lang == "ar" else "km")  # metric only
        halo_text(ax, left + length * frac, base + height * 1.6, label, lang, halo=2,
                  ha="center", va="bottom", fontsize=6.5, zorder=6)


def north_arrow(ax: Axes, extent: list[float], lang: str) -> None:
    """Draw an arrow to true north (not grid north) in a top corner of *ax*."""
    x0, x1, y0, y1 = extent
    rtl = is_rtl(lang)
    cx = x0 + (x1 - x0) * (0.06 if rtl else 0.94)
    cy = y1 - (y1 - y0) * 0.12
    # true north at the arrow: project a short meridian segment
    inv = Transformer.from_crs(CRS_METRIC, CRS_STORAGE, always_xy=True)
    lon, lat = inv.transform(cx, cy)
    (ax_, bx), (ay, by) = TO_METRIC.transform([lon, lon], [lat, lat + 0.05])
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


def locator(fig: Figure, table: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame | None,
             view: View, layout: Layout) -> None:
    """Draw the locator inset: the region's provinces, the selected ones highlighted."""
    lang = view.lang
    ax = fig.add_axes(mirror_rect(layout.locator_rect, is_rtl(lang)))
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#888888")
        spine.set_linewidth(0.6)
    paths, codes = outline_paths(table, provinces)
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


def legend(fig: Figure, view: View, layout: Layout, n_schools: int,
           marks: Sequence[str] = ()) -> None:
    """Draw the legend: class breaks with counts, no data, province limits, schools.

    *marks* are the provenance marks drawn (see :mod:`mapping.provenance`); each
    gets a legend row, so a reader tells surveyed, inferred and fictitious sites apart.
    """
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
        shown = [m for m in ("circle", "hatched", "cross") if m in marks] or ["circle"]
        handles.append(Patch(facecolor="none", edgecolor="none"))
        labels.append(t("export.schools_marks", lang, n=format_int(n_schools, lang)))
        for mark in shown:
            st = print_mark(mark)
            handles.append(Ellipse((0, 0), 1, 1, facecolor="black" if mark == "circle"
                                   else "white", edgecolor=st.color, hatch=st.hatch or None,
                                   linewidth=0.8, linestyle={"circle": "solid",
                                                             "hatched": "dashed",
                                                             "cross": "dotted"}[mark]))
            labels.append(_wrap(t(MARK_LABELS[mark], lang), 34))
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
        handler_map={Ellipse: HandlerPatch(patch_func=_round_handle)},
        prop={"family": families(title, lang), "size": 7.5},
    )
    leg.get_title().set_fontfamily(families(title, lang))
    leg.get_title().set_multialignment("right" if rtl else "left")
    for txt in leg.get_texts():
        txt.set_fontfamily(families(txt.get_text(), lang))


def _round_handle(legend: Any, orig_handle: Any, xdescent: float, ydescent: float,
                  width: float, height: float, fontsize: float) -> Ellipse:
    """A round legend key for the school marks (hatch and outline kept)."""
    d = height * 1.1
    return Ellipse((width / 2 - xdescent, height / 2 - ydescent), d, d)


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
