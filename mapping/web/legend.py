"""The HTML of every legend (the folium control that shows it: :mod:`mapping.web.control`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mapping.catalogue import Indicator
from mapping.classify import NO_DATA_COLOR, Classification
from mapping.i18n import is_rtl, t
from mapping.numbers import format_number
from mapping.provenance import catalogue_source
from mapping.web.html import esc


def value_note(indicator: Indicator, lang: str) -> str:
    flags = []
    if indicator.year > 2024:  # a forward-planning projection, not a census
        flags.append(t("map.flag_projection", lang, year=indicator.year))
    elif indicator.year != 2024:
        flags.append(t("map.flag_year", lang, year=indicator.year))
    if indicator.estimated:
        flags.append(t("map.flag_estimated", lang))
    return " · ".join(flags)


#: Shared look of every legend box (one component: title, rows, notes).
BOX_STYLE = (
    "background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;"
    "box-shadow:0 1px 4px rgba(0,0,0,.3);font:12px/1.35 sans-serif;max-width:260px"
)
ROW_CSS = (
    "<style>.cs-row{display:flex;align-items:center;gap:5px;margin:1px 0}"
    ".cs-swatch{display:inline-block;width:16px;height:12px;border:1px solid #777}"
    ".cs-dot{display:inline-block;width:10px;height:10px;border-radius:50%}"
    ".cs-nodata{background-image:"
    "repeating-linear-gradient(45deg,#fff 0 2px,transparent 2px 5px)!important}"
    ".cs-count{color:#595959}"
    ".cs-box>summary{font-weight:bold;cursor:pointer}"
    ".cs-body{max-height:calc(30vh);overflow:auto}"
    ".leaflet-control-scale-line+.leaflet-control-scale-line{display:none}"
    "</style>"
)


@dataclass(frozen=True)
class LegendRow:
    """One row of a legend.

    Attributes
    ----------
    color
        Fill colour of the symbol.
    label
        Text of the row (plain text; escaped when drawn).
    count
        Number shown in brackets, or ``None``.
    symbol
        ``"swatch"`` (a filled box), ``"dot"`` (a filled circle), ``"ring"`` (a hollow
        circle), ``"nodata"`` (a hatched box) or ``"dashed"`` (a dashed outline).
    ltr
        Whether the label is a left-to-right run (class breaks with numbers).
    unit
        Text written after the label, outside its left-to-right run (e.g. « km »).
    svg
        A symbol drawn as inline SVG instead (project constants only, never data;
        see :func:`mapping.provenance.mark_svg`).
    """

    color: str
    label: str
    count: int | None = None
    symbol: str = "swatch"
    ltr: bool = False
    svg: str = ""
    unit: str = ""


def _symbol(row: LegendRow) -> str:
    if row.svg:
        return row.svg
    color = esc(row.color)
    if row.symbol == "dot":
        return f'<span class="cs-dot" style="background:{color};border:1px solid {color}"></span>'
    if row.symbol == "ring":
        return (f'<span class="cs-dot" style="width:10px;height:10px;background:#fff;'
                f'border:2px solid {color}"></span>')
    if row.symbol == "dashed":
        return ('<span style="display:inline-block;width:16px;height:12px;'
                f'border:1.5px dashed {color}"></span>')
    extra = " cs-nodata" if row.symbol == "nodata" else ""
    return f'<span class="cs-swatch{extra}" style="background:{color}"></span>'


def legend_box(
    title: str,
    rows: Sequence[LegendRow],
    lang: str,
    *,
    before: Sequence[tuple[str, str]] = (),
    after: Sequence[tuple[str, str]] = (),
) -> str:
    """HTML of a legend: a title, lines before the rows, the rows, lines after them.

    Every text is escaped, so the result is safe to insert as HTML.

    Parameters
    ----------
    title
        Bold first line.
    rows
        Symbol rows.
    lang
        Interface language (sets the direction).
    before, after
        ``(css class, text)`` lines above and below the rows; the classes
        ``cs-flag`` and ``cs-warn`` are drawn in brown bold and brown.
    """
    def line(css: str, text: str) -> str:
        colour = {"cs-flag": "color:#a0522d;font-weight:bold", "cs-warn": "color:#a0522d"}
        style = colour.get(css, "color:#4d4d4d")
        return f'<div class="{esc(css)}" style="{style}">{esc(text)}</div>'

    body = "".join(
        f'<div class="cs-row">{_symbol(r)}'
        + (f'<bdi dir="ltr">{esc(r.label)}</bdi>' if r.ltr else esc(r.label))
        + (f"&nbsp;{esc(r.unit)}" if r.unit else "")
        + (f' <span class="cs-count">({r.count})</span>' if r.count is not None else "")
        + "</div>"
        for r in rows
    )
    direction = "rtl" if is_rtl(lang) else "ltr"
    return (
        f'<details open dir="{direction}" class="cs-box" style="{BOX_STYLE}">'
        f'<summary class="cs-title">{esc(title)}</summary><div class="cs-body">'
        + "".join(line(css, text) for css, text in before)
        + body
        + "".join(line(css, text) for css, text in after)
        + "</div></details>" + ROW_CSS
    )


def legend_html(
    indicator: Indicator, classification: Classification, lang: str, no_data: int = 0
) -> str:
    """Legend of a choropleth: title, unit, year/estimate flags, one row per class.

    All text is escaped; the result is safe to insert as HTML.
    """
    labels = class_labels(classification, indicator.decimals, lang)
    rows = [
        LegendRow(color, label, int(count), ltr=True)
        for color, label, count in zip(
            classification.colors, labels, classification.counts, strict=True
        )
    ]
    if no_data:
        rows.append(LegendRow(NO_DATA_COLOR, t("app.no_data", lang), no_data, symbol="nodata"))
    unit = indicator.unit_in(lang)
    note = value_note(indicator, lang)
    before = []
    if unit:
        before.append(("cs-unit", f'{t("map.unit", lang)} : {unit}'))
    if note:
        before.append(("cs-flag", note))
    before.append(("cs-scheme", t(f"map.scheme.{classification.scheme}", lang)))
    return legend_box(indicator.label_in(lang), rows, lang, before=before,
                      after=[("cs-source", catalogue_source(indicator.source, lang))])


def class_labels(classification: Classification, decimals: int, lang: str) -> list[str]:
    """« low – high » label of each class, numbers written in *lang*."""
    if not classification.k:
        return []
    bounds = [classification.lower, *classification.breaks]
    d = max(decimals, 0)
    return [f"{format_number(bounds[i], lang, d)} – {format_number(bounds[i + 1], lang, d)}"
            for i in range(classification.k)]
