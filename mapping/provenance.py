"""Where each school comes from, said on every symbol, label and result.

A school's ``location_quality`` decides its mark (the cycle decides its colour,
the sector whether it is filled):

* ``surveyed`` / ``imported``: a plain circle;
* ``inferred_census``: a hatched circle with a dashed outline (a place deduced
  from the census, not a surveyed one);
* ``fictitious``: a cross-hatched circle with a dotted outline (demonstration
  data).

The style is data (:class:`MarkStyle`, :func:`mark_style`, :func:`mark_svg`)
read by the folium layers, the map component and the printed maps alike.
:func:`analysis_note` is the sentence every analysis that uses inferred or
fictitious schools shows next to its result.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import pandas as pd
from matplotlib.colors import to_rgba

from mapping.i18n import t
from mapping.numbers import format_int, format_percent

#: Location qualities that are not a surveyed or imported place.
DOUBTFUL_LOCATION: Final = ("inferred_census", "fictitious")
#: Mark of each location quality, from most to least reliable.
MARKS: Final = {
    "surveyed": "circle",
    "imported": "circle",
    "inferred_census": "hatched",
    "estimated": "hatched",
    "fictitious": "cross",
}
#: Legend entries: mark → message key.
MARK_LABELS: Final = {
    "circle": "provenance.mark.located",
    "hatched": "provenance.mark.inferred",
    "cross": "provenance.mark.fictitious",
}
#: The registry source texts written by the default registry and the importer.
_SOURCE_KEYS: Final = {
    "fictitious (demo)": "provenance.source.demo",
    "inferred from RGPH 2024 douar distances": "provenance.source.inferred",
}
_SOURCE_PREFIXES: Final = {
    "imported: ": "provenance.source.imported",
    "Ministry list: ": "provenance.source.ministry",
}
#: The catalogue's source texts (written in French) and their message.
_CATALOGUE_SOURCES: Final = {
    "HCP, RGPH 2024": "provenance.catalogue.hcp_2024",
    "HCP, RGPH 2014": "provenance.catalogue.hcp_2014",
    "HCP, RGPH 2014 et 2024": "provenance.catalogue.hcp_2014_2024",
    "Registre scolaire actif ; HCP, RGPH 2024": "provenance.catalogue.registry_2024",
    # mapping.planning.indicators.SOURCE (not imported: planning sits above this module)
    "Projection (Hamilton–Perry) ; HCP, RGPH 2014 et 2024 ; registre scolaire actif":
        "provenance.catalogue.planning",
}
NEUTRAL_COLOR: Final = "#555555"


@dataclass(frozen=True)
class MarkStyle:
    """How to draw one school symbol.

    Attributes
    ----------
    mark
        ``circle``, ``hatched`` or ``cross`` (see the module docstring).
    color
        Outline colour (the cycle colour).
    fill
        Fill colour (white for private schools).
    fill_opacity
        0–1; lighter for inferred and fictitious marks.
    dash
        SVG/Leaflet dash pattern of the outline ("" for a solid line).
    matplotlib_marker
        The matching matplotlib marker.
    hatch
        The matching matplotlib hatch pattern ("" for none).
    """

    mark: str
    color: str
    fill: str
    fill_opacity: float
    dash: str
    matplotlib_marker: str
    hatch: str


def mark_of(location_quality: object) -> str:
    """The mark (``circle``, ``hatched``, ``cross``) of a location quality.

    Unknown or missing qualities get the hatched mark: a place nobody vouched
    for is not drawn as a surveyed one.
    """
    return MARKS.get(str(location_quality), "hatched")


def mark_style(location_quality: object, color: str = NEUTRAL_COLOR,
               private: bool = False) -> MarkStyle:
    """The style of a school symbol.

    Parameters
    ----------
    location_quality
        The school's ``location_quality``.
    color
        Its cycle colour.
    private
        Private schools are drawn with a white fill.

    Examples
    --------
    >>> mark_style("fictitious", "#0072B2").hatch
    'xxxx'
    """
    mark = mark_of(location_quality)
    fill = "#ffffff" if private else color
    if mark == "circle":
        return MarkStyle(mark, color, fill, 0.9, "", "o", "")
    if mark == "hatched":
        return MarkStyle(mark, color, fill, 0.35, "3 2", "o", "/////")
    return MarkStyle(mark, color, fill, 0.35, "1 2", "o", "xxxx")


def pattern_id(style: MarkStyle) -> str:
    """Id of the SVG fill pattern of a hatched or crossed mark ("" for a plain one)."""
    if style.mark == "circle":
        return ""
    return "cs-" + style.mark + "-" + re.sub(r"[^0-9A-Za-z]", "", style.color + style.fill)


def _pattern(style: MarkStyle) -> str:
    color, fill = html.escape(style.color), html.escape(style.fill)
    lines = '<line x1="0" y1="0" x2="0" y2="4" stroke="{c}" stroke-width="1.4"/>'
    if style.mark == "cross":
        lines += '<line x1="0" y1="0" x2="4" y2="0" stroke="{c}" stroke-width="1.4"/>'
    return (f'<pattern id="{pattern_id(style)}" width="4" height="4" '
            f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
            f'<rect width="4" height="4" fill="{fill}" fill-opacity="{style.fill_opacity}"/>'
            + lines.format(c=color) + "</pattern>")


def svg_patterns(colors: Iterable[str]) -> str:
    """A hidden ``<svg>`` defining the fill patterns of every mark in *colors*.

    Insert it once in a page that draws marks with :func:`leaflet_style`
    (Leaflet's SVG paths then reference the patterns with ``url(#id)``).
    """
    defs = "".join(_pattern(mark_style(q, c, private=p)) for c in colors
                   for q in ("inferred_census", "fictitious") for p in (False, True))
    return ('<svg width="0" height="0" style="position:absolute" aria-hidden="true" '
            f'focusable="false"><defs>{defs}</defs></svg>')


def leaflet_style(style: MarkStyle, radius: float) -> dict[str, object]:
    """Leaflet path options (``CircleMarker``) drawing *style*."""
    pid = pattern_id(style)
    return {
        "fill": True,
        "color": style.color,
        "fillColor": f"url(#{pid})" if pid else style.fill,
        "fillOpacity": 1.0 if pid else style.fill_opacity,
        "dashArray": style.dash or None,
        "radius": round(radius),
        "weight": 1.5 if style.mark == "circle" else 2.0,
    }


def matplotlib_style(style: MarkStyle) -> dict[str, object]:
    """Keyword arguments of ``Axes.scatter`` drawing *style* on a printed map."""
    return {
        "marker": style.matplotlib_marker,
        "facecolor": to_rgba(style.fill, style.fill_opacity),
        "edgecolor": style.color,
        "hatch": style.hatch or None,
        "linestyle": "dotted" if style.mark == "cross" else (
            "dashed" if style.mark == "hatched" else "solid"),
    }


def mark_svg(style: MarkStyle, size: int = 14) -> str:
    """An inline SVG of the symbol, for legends (same look as the map's marks).

    Colours come from :class:`MarkStyle` (project constants), never from data.
    """
    s, c, r = size, size / 2, size / 2 - 1.5
    color = html.escape(style.color)
    pid = pattern_id(style)
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{s}" height="{s}" '
            f'viewBox="0 0 {s} {s}" aria-hidden="true" focusable="false">')
    defs = f"<defs>{_pattern(style)}</defs>" if pid else ""
    fill = f'fill="url(#{pid})"' if pid else (
        f'fill="{html.escape(style.fill)}" fill-opacity="{style.fill_opacity}"')
    dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
    body = (f'<circle cx="{c}" cy="{c}" r="{r:.1f}" {fill} stroke="{color}" '
            f'stroke-width="1.5"{dash}/>')
    return head + defs + body + "</svg>"


def legend_entries(lang: str) -> list[tuple[str, str]]:
    """(SVG, label) of each provenance mark, in the neutral colour, for legends."""
    return [(mark_svg(mark_style(q)), t(key, lang))
            for q, key in (("surveyed", MARK_LABELS["circle"]),
                           ("inferred_census", MARK_LABELS["hatched"]),
                           ("fictitious", MARK_LABELS["cross"]))]


def quality_label(level: object, lang: str) -> str:
    """Translated name of a quality level (``quality.unknown`` when empty/unknown)."""
    key = f"quality.{level}"
    text = t(key, lang)
    return t("quality.unknown", lang) if text == key else text


def source_label(source: object, lang: str) -> str:
    """The registry ``source`` text in *lang*.

    The default registry's and the importer's own texts are translated; a
    source written by the registry's author is returned as it is.

    Examples
    --------
    >>> source_label("imported: my_schools.csv", "fr")
    'importé : my_schools.csv'
    """
    if source is None or (isinstance(source, float) and source != source):
        return ""
    text = str(source)
    key = _SOURCE_KEYS.get(text)
    if key:
        return t(key, lang)
    for prefix, key in _SOURCE_PREFIXES.items():
        if text.startswith(prefix):
            return t(key, lang, file=text[len(prefix):])
    return text


def catalogue_source(source: str, lang: str) -> str:
    """An indicator's ``source`` (written in French in the catalogue) in *lang*.

    Examples
    --------
    >>> catalogue_source("HCP, RGPH 2014 et 2024", "en")
    'HCP, RGPH 2014 and 2024 censuses'
    """
    key = _CATALOGUE_SOURCES.get(source)
    return t(key, lang) if key else source


def registry_name(name: object, lang: str) -> str:
    """The active registry's name in *lang* (the embedded one is "default")."""
    if name in (None, "", "default"):
        return t("provenance.registry.default", lang)
    text = str(name)
    if text.startswith("default + "):
        return t("provenance.registry.default", lang) + text[len("default"):]
    return text


@dataclass(frozen=True)
class Shares:
    """How many schools of a set are inferred or fictitious.

    Attributes
    ----------
    n
        Schools counted.
    inferred, fictitious
        Shares (0–100) of schools whose location is inferred from the census
        or fictitious.
    estimated_capacity
        Share (0–100) whose capacity is estimated or fictitious.
    """

    n: int
    inferred: float
    fictitious: float
    estimated_capacity: float

    @property
    def doubtful(self) -> bool:
        """Whether any school is inferred or fictitious."""
        return self.inferred > 0 or self.fictitious > 0 or self.estimated_capacity > 0


def shares(schools: pd.DataFrame) -> Shares:
    """Provenance shares of *schools* (a registry table; missing columns count as surveyed)."""
    n = len(schools)
    if n == 0:
        return Shares(0, 0.0, 0.0, 0.0)
    loc = schools["location_quality"].astype(str) if "location_quality" in schools else None
    cap = schools["capacity_quality"].astype(str) if "capacity_quality" in schools else None
    inferred = float((loc == "inferred_census").mean() * 100) if loc is not None else 0.0
    fictitious = float((loc == "fictitious").mean() * 100) if loc is not None else 0.0
    est = float(cap.isin(["estimated", "fictitious", "inferred_census"]).mean() * 100) \
        if cap is not None else 0.0
    return Shares(n, inferred, fictitious, est)


def has_fictitious(schools: pd.DataFrame) -> bool:
    """Whether *schools* holds any fictitious (demonstration) school."""
    return "location_quality" in schools and bool(
        (schools["location_quality"] == "fictitious").any())


def without_fictitious(schools: pd.DataFrame) -> pd.DataFrame:
    """*schools* without its fictitious rows (the default view: demo data off)."""
    if "location_quality" not in schools:
        return schools
    return schools[schools["location_quality"] != "fictitious"]


def is_demo(schools: pd.DataFrame) -> pd.Series:
    """Rows of the embedded demonstration data (fictitious schools of the default registry).

    Fictitious rows of an imported registry are the importer's own declaration
    and stay visible (marked); the embedded demonstration rows are hidden
    unless the user turns them on.
    """
    status = schools["status"] if "status" in schools else pd.Series(None, index=schools.index)
    source = schools["source"] if "source" in schools else pd.Series(None, index=schools.index)
    return (status == "demo") | (source == "fictitious (demo)")


def without_demo(schools: pd.DataFrame) -> pd.DataFrame:
    """*schools* without the embedded demonstration rows (the default view)."""
    return schools[~is_demo(schools).to_numpy(dtype=bool)] if len(schools) else schools


def analysis_note(schools: pd.DataFrame, lang: str) -> str | None:
    """The warning to show next to a result computed from *schools*, or ``None``.

    Examples
    --------
    A result from the default registry says e.g. « Calculé sur 2 378
    établissements, dont 59,5 % de sites déduits du recensement et 40,5 % de
    sites fictifs (démonstration) : ce ne sont pas des établissements relevés. »
    """
    s = shares(schools)
    if not s.doubtful:
        return None
    return t("provenance.analysis_note", lang, n=format_int(s.n, lang),
             inferred=format_percent(s.inferred, lang),
             fictitious=format_percent(s.fictitious, lang),
             estimated=format_percent(s.estimated_capacity, lang))


def demo_mark(lang: str) -> str:
    """The "demonstration data" mark printed on maps and exports with fictitious schools."""
    return t("provenance.demo_mark", lang)
