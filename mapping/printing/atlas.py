"""Province atlases: one multi-page PDF per province for meetings.

An atlas has a cover (the province, its key figures, the indicators and where
it lies in the region), one page per indicator (the print map of
:mod:`mapping.printing` with the communes ranked best and worst), and a
summary table of every indicator for every commune of the province.

All pages of all atlases share one projected, simplified geometry (see
:func:`mapping.printing.geometry.project`) and one commune table, so
:func:`build_all_atlases` draws the 8 provinces × 6 indicators in well under a
minute.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from mapping.catalogue import Indicator
from mapping.datasets import Region
from mapping.errors import MappingError, UnknownCodeError
from mapping.filters import Selection
from mapping.i18n import is_rtl, t
from mapping.indicators import get as get_indicator
from mapping.printing.geometry import project
from mapping.printing.layout import A4_LANDSCAPE, ATLAS, fit_extent
from mapping.printing.map import PDF_FONTTYPE, draw_map
from mapping.printing.parts import HIGHLIGHT, draw_frame, text, today
from mapping.printing.shaping import families, register_fonts, shape
from mapping.printing.view import make_view, number, registry_lines
from mapping.provenance import catalogue_source
from mapping.table import indicator_table

#: Indicators of the atlas when none are given.
DEFAULT_INDICATORS = (
    "schooling_rate_6_to_11",
    "illiteracy_rate_10_plus",
    "school_age_primary_est",
    "amenities_electricity",
    "equipment_internet_2014",
    "households_distance_to_paved_road_km",
)

#: Communes listed in each ranking.
RANKED = 5
#: Rows of the summary table per page.
ROWS_PER_PAGE = 32


def _save_page(pdf: PdfPages, fig: Figure) -> None:
    pdf.savefig(fig)  # type: ignore[no-untyped-call]


def check_indicators(indicator_ids: Sequence[str], table: pd.DataFrame) -> list[Indicator]:
    """Return the catalogue entries of *indicator_ids*, checking the table has them.

    Raises
    ------
    MappingError
        If the list is empty.
    UnknownCodeError
        If an id is not in the catalogue or not a column of *table*.
    """
    ids = [i.strip() for i in indicator_ids if i.strip()]
    if not ids:
        raise MappingError("no indicator given; pass at least one catalogue id")
    out = []
    for i in ids:
        ind = get_indicator(i)
        if i not in table.columns:
            raise UnknownCodeError(f"indicator {i!r} has no column in the commune table")
        out.append(ind)
    return out


def check_province(provinces: pd.DataFrame, code: str) -> pd.Series:
    """Return the province row of *code*.

    Raises
    ------
    UnknownCodeError
        Naming the known codes, if *code* is not a province of the region.
    """
    rows = provinces.loc[provinces["province_code"] == code]
    if rows.empty:
        known = ", ".join(f"{c} ({n})" for c, n in
                          zip(provinces["province_code"], provinces["name_fr"], strict=True))
        raise UnknownCodeError(f"unknown province code {code!r}; known: {known}")
    return rows.iloc[0]


def ranking(values: np.ndarray, higher_is_better: bool | None, n: int = RANKED
            ) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the *n* best and *n* worst values (no data excluded).

    With ``higher_is_better=None`` the "best" are simply the highest values.
    Ties keep the table (code) order. The two lists never overlap.
    """
    ok = np.flatnonzero(~np.isnan(values))
    ascending = ok[np.argsort(values[ok], kind="stable")]
    descending = ok[np.argsort(-values[ok], kind="stable")]  # ties keep table order
    best, worst = (descending, ascending) if higher_is_better is not False else (
        ascending, descending)
    n = min(n, len(ok) // 2)
    return best[:n], worst[:n]


def _cover(pdf: PdfPages, table: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame,
           row: pd.Series, indicators: list[Indicator], lang: str) -> None:
    fig = Figure(figsize=A4_LANDSCAPE)
    rtl = is_rtl(lang)
    name_col = "name_ar" if lang == "ar" else "name_fr"
    kind = "export.prefecture" if row.get("type") == "prefecture" else "export.province"
    text(fig, 0.06, 0.86, t("export.atlas_title", lang), lang, size=14, color="#555555")
    text(fig, 0.06, 0.78, t(kind, lang, name=row[name_col]), lang, size=30, weight="bold")
    text(fig, 0.06, 0.72, t("export.region", lang), lang, size=14)
    facts = t("export.atlas_facts", lang, communes=int(row["communes"]),
              population=number(float(row["population_2024"]), 0, lang),
              area=number(float(row["area_km2"]), 0, lang))
    text(fig, 0.06, 0.66, facts, lang, size=11)
    text(fig, 0.06, 0.57, t("export.atlas_contents", lang), lang, size=12, weight="bold")
    y = 0.53
    for i, ind in enumerate(indicators, start=1):
        flags = []
        if ind.estimated:
            flags.append(t("export.flag_estimated", lang))
        line = f"{i}. {ind.label_in(lang)} — {catalogue_source(ind.source, lang)}"
        if flags:
            line += " [" + ", ".join(flags) + "]"
        text(fig, 0.07, y, line, lang, size=9.5)
        y -= 0.035
    ax = fig.add_axes((0.04 if rtl else 0.6, 0.15, 0.36, 0.62))
    ax.set_axis_off()
    proj = project(provinces)
    faces = [HIGHLIGHT if c == row["province_code"] else "#dddddd"
             for c in provinces["province_code"]]
    ax.add_collection(PathCollection(list(proj.paths), facecolors=faces, edgecolors="white",
                                     linewidths=0.8))
    ext = fit_extent(proj.bounds, (0.36 * A4_LANDSCAPE[0]) / (0.62 * A4_LANDSCAPE[1]))
    ax.set_xlim(ext[0], ext[1])
    ax.set_ylim(ext[2], ext[3])
    ax.set_aspect("equal", adjustable="box")
    for code, (x, yy) in zip(provinces["province_code"], proj.points, strict=True):
        label = str(provinces.loc[provinces["province_code"] == code, name_col].iloc[0])
        ax.text(x, yy, shape(label), ha="center", va="center", fontsize=7,
                fontfamily=families(label, lang),
                color="white" if code == row["province_code"] else "#333333")
    text(fig, 0.06, 0.08, t("export.sources", lang), lang, size=7, color="#333333")
    text(fig, 0.06, 0.06, t("export.exported", lang, date=today()),
         lang, size=7, color="#333333")
    _save_page(pdf, fig)


def _ranking_panel(fig: Figure, table: gpd.GeoDataFrame, mask: np.ndarray,
                   values: np.ndarray, ind: Indicator, lang: str) -> None:
    rtl = is_rtl(lang)
    names = table["name_ar" if lang == "ar" else "name_fr"].to_numpy()[mask]
    best, worst = ranking(values, ind.higher_is_better)
    heads = ("export.best", "export.worst") if ind.higher_is_better is not None else (
        "export.highest", "export.lowest")
    x0, x1 = 0.615, 0.965
    y = 0.47
    for head, rows in zip(heads, (best, worst), strict=True):
        text(fig, x0, y, t(head, lang), lang, size=9, weight="bold")
        y -= 0.03
        for rank, i in enumerate(rows, start=1):
            name = f"{rank}. {names[i]}"
            value = ind.format(float(values[i]), lang)
            text(fig, x0 + 0.005, y, name, lang, size=8)
            vx = 1 - x1 if rtl else x1
            fig.text(vx, y, shape(value), ha="left" if rtl else "right", fontsize=8,
                     fontfamily=families(value, lang))
            y -= 0.026
        y -= 0.02
    median = float(np.nanmedian(values)) if np.isfinite(values).any() else float("nan")
    text(fig, x0, y, f"{t('export.province_total', lang)} : " if lang == "fr" else
         f"{t('export.province_total', lang)}: ", lang, size=8, color="#444444")
    fig.text(1 - x1 if rtl else x1, y, shape(ind.format(median, lang)),
             ha="left" if rtl else "right", fontsize=8, color="#444444",
             fontfamily=families("", lang))


def _indicator_page(pdf: PdfPages, table: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame,
                    selection: Selection, ind: Indicator, lang: str,
                    schools: gpd.GeoDataFrame | None, footer: list[str], page: int) -> None:
    view = make_view(table, ind.id, selection, lang=lang, provinces=provinces)
    fig = Figure(figsize=A4_LANDSCAPE)
    draw_map(fig, view, table, ATLAS, schools=schools, selection=selection,
             provinces=provinces, labels=False)
    _ranking_panel(fig, table, view.mask, view.values, ind, lang)
    draw_frame(fig, view, ATLAS, footer_lines=footer)
    x = 0.03 if is_rtl(lang) else 0.97
    label = t("export.page", lang, page=page)
    fig.text(x, 0.955, shape(label), ha="left" if is_rtl(lang) else "right", fontsize=8,
             color="#666666", va="center", fontfamily=families(label, lang))
    _save_page(pdf, fig)


def _summary_pages(pdf: PdfPages, table: gpd.GeoDataFrame, mask: np.ndarray,
                   indicators: list[Indicator], title: str, lang: str) -> None:
    rtl = is_rtl(lang)
    name_col = "name_ar" if lang == "ar" else "name_fr"
    sub = table.loc[mask].sort_values(name_col)
    pages = max(1, -(-len(sub) // ROWS_PER_PAGE))
    name_w = 0.2
    col_w = (0.94 - name_w) / max(1, len(indicators))

    def xpos(x: float) -> float:
        return 1 - x if rtl else x

    for p in range(pages):
        fig = Figure(figsize=A4_LANDSCAPE)
        text(fig, 0.03, 0.955, title, lang, size=15, weight="bold", va="center")
        text(fig, 0.03, 0.918, t("export.summary_page", lang, page=p + 1, pages=pages), lang,
             size=10.5, va="center")
        y = 0.86
        head = t("export.commune", lang)
        text(fig, 0.03, y, head, lang, size=7, weight="bold", va="top")
        for j, ind in enumerate(indicators):
            label = textwrap.fill(ind.label_in(lang), 24)
            unit = ind.unit_in(lang)
            if unit:
                label += f"\n({unit})"
            x = 0.03 + name_w + (j + 1) * col_w - 0.005
            fig.text(xpos(x), y, shape(label), ha="left" if rtl else "right", va="top",
                     fontsize=6.3, fontweight="bold", fontfamily=families(label, lang),
                     multialignment="left" if rtl else "right")
        y = 0.76
        rows = sub.iloc[p * ROWS_PER_PAGE:(p + 1) * ROWS_PER_PAGE]
        items: list[tuple[str, pd.Series | None]] = [
            (str(r[name_col]), r) for _, r in rows.iterrows()
        ]
        if p == pages - 1:
            items.append((t("export.province_total", lang), None))
        for k, (name, r) in enumerate(items):
            if k % 2 == 0:
                fig.patches.append(matplotlib.patches.Rectangle(
                    (0.025, y - 0.0205), 0.95, 0.0205, transform=fig.transFigure,
                    facecolor="#f3f3f3", edgecolor="none", zorder=0))
            weight = "bold" if r is None else "normal"
            text(fig, 0.03, y - 0.004, name, lang, size=7, va="top", weight=weight)
            for j, ind in enumerate(indicators):
                if r is None:
                    v = pd.to_numeric(sub[ind.id], errors="coerce").median()
                else:
                    v = pd.to_numeric(pd.Series([r[ind.id]]), errors="coerce").iloc[0]
                s = number(float(v), ind.decimals, lang)
                x = 0.03 + name_w + (j + 1) * col_w - 0.005
                fig.text(xpos(x), y - 0.004, s, ha="left" if rtl else "right", va="top",
                         fontsize=7, fontweight=weight, fontfamily=families(s, lang))
            y -= 0.0205
        text(fig, 0.03, 0.05, t("export.sources", lang), lang, size=6.3, color="#333333")
        _save_page(pdf, fig)


def write_atlas(
    table: gpd.GeoDataFrame,
    provinces: gpd.GeoDataFrame,
    province_code: str,
    indicator_ids: Sequence[str],
    out: str | Path | IO[bytes],
    *,
    lang: str = "fr",
    schools: gpd.GeoDataFrame | None = None,
    registry_note: str | None = None,
) -> int:
    """Write the atlas of one province from an already built commune table.

    Parameters
    ----------
    table
        :func:`mapping.table.indicator_table` output (reused across atlases).
    provinces
        ``region.provinces``.
    province_code, indicator_ids, lang
        What to draw and in which language.
    out
        A file path or a binary buffer.
    schools
        A school registry to draw on the maps (optional).
    registry_note
        Source of the registry for the footers (defaults to its ``source`` column).

    Returns
    -------
    int
        Number of pages written.
    """
    register_fonts()
    row = check_province(provinces, province_code)
    indicators = check_indicators(indicator_ids, table)
    selection = Selection(provinces=(province_code,))
    footer = registry_lines(schools, registry_note, lang) if schools is not None else []
    footer = [" · ".join(footer)] if footer else []
    mask = selection.commune_mask(table).to_numpy(dtype=bool)
    name_col = "name_ar" if lang == "ar" else "name_fr"
    kind = "export.prefecture" if row.get("type") == "prefecture" else "export.province"
    title = t(kind, lang, name=row[name_col])
    metadata = {"Title": f"{t('export.atlas_title', lang)} — {title}",
                "Creator": "Carte scolaire Marrakech-Safi"}
    with (
        matplotlib.rc_context({"pdf.fonttype": PDF_FONTTYPE}),
        PdfPages(out, metadata=metadata) as pdf,
    ):
        _cover(pdf, table, provinces, row, indicators, lang)
        for page, ind in enumerate(indicators, start=2):
            _indicator_page(pdf, table, provinces, selection, ind, lang, schools, footer, page)
        _summary_pages(pdf, table, mask, indicators, title, lang)
        return int(pdf.get_pagecount())


def build_atlas(
    region: Region,
    province_code: str,
    indicator_ids: Sequence[str],
    *,
    lang: str = "fr",
    registry: gpd.GeoDataFrame | None = None,
    out: str | Path | IO[bytes],
) -> int:
    """Build the PDF atlas of one province.

    Parameters
    ----------
    region
        The loaded region.
    province_code
        HCP province code, e.g. ``"07.041"`` (Al Haouz).
    indicator_ids
        Catalogue ids, one page each, in order.
    lang
        ``fr``, ``ar`` or ``en``.
    registry
        The active school registry: feeds the supply indicators and is drawn
        as points; ``None`` for census indicators only.
    out
        A file path or a binary buffer.

    Returns
    -------
    int
        Number of pages: cover + one per indicator + summary table page(s).

    Raises
    ------
    UnknownCodeError
        On an unknown province or indicator.

    Examples
    --------
    >>> import io
    >>> from mapping.datasets import load_region
    >>> buf = io.BytesIO()
    >>> build_atlas(load_region(), "07.585", ["schooling_rate_6_to_11"], out=buf)
    3
    """
    table = indicator_table(region, registry)
    return write_atlas(table, region.provinces, province_code, indicator_ids, out,
                       lang=lang, schools=registry)


def build_all_atlases(
    region: Region,
    indicator_ids: Sequence[str],
    out_dir: str | Path,
    lang: str = "fr",
    registry: gpd.GeoDataFrame | None = None,
) -> list[Path]:
    """Build one atlas per province into *out_dir* (``atlas_<code>_<lang>.pdf``).

    The commune table and the projected geometry are built once for all
    provinces.

    Returns
    -------
    list of pathlib.Path
        The files written, in province order.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    table = indicator_table(region, registry)
    check_indicators(indicator_ids, table)
    paths = []
    for code in region.provinces["province_code"]:
        path = out / f"atlas_{code}_{lang}.pdf"
        write_atlas(table, region.provinces, str(code), indicator_ids, path, lang=lang,
                    schools=registry)
        paths.append(path)
    return paths
